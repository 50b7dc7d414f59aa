"""The records of processing as files: JSON, CSV (one row per cell) and XLSX (one sheet per record
kind in the profile's columns, and a sheet of the sources and gaps of every cell)."""

import csv
import io
import json
from collections.abc import Iterator
from enum import StrEnum
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from resolvers.records.decisions import (
    ControllerRecord,
    ProcessorRecord,
    ProfileCell,
    Records,
    Transfer,
)
from resolvers.roles import CONTROLLER, PROCESSOR


class Format(StrEnum):
    XLSX = "xlsx"
    CSV = "csv"
    JSON = "json"


MEDIA_TYPES = {
    Format.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    Format.CSV: "text/csv; charset=utf-8",
    Format.JSON: "application/json",
}
SHEETS = {CONTROLLER: "Controller record", PROCESSOR: "Processor record"}
SOURCES_SHEET = "Sources and gaps"
SOURCES_HEADINGS = (
    "Record",
    "Record id",
    "Column",
    "Heading",
    "Art. 30 item",
    "Sources",
    "Missing",
)
CSV_HEADINGS = (
    "record",
    "record_id",
    "record_name",
    "column",
    "heading",
    "item",
    "values",
    "sources",
    "missing",
)
LINES = "\n"


def filename(records: Records, fmt: Format) -> str:
    return (
        f"records-of-processing-{records.profile.key.lower()}-{records.regime.lower()}-"
        f"{records.evaluated_for.isoformat()}.{fmt.value}"
    )


def record_id(record: ControllerRecord | ProcessorRecord) -> str:
    if isinstance(record, ControllerRecord):
        return f"ProcessingActivity:{record.activity_id}"
    return f"Organisation:{record.controller_id}"


def heading(cell: ProfileCell) -> str:
    item = f" [{cell.column.item}]" if cell.column.item else ""
    return f"{cell.column.heading}{item}"


def rows(records: Records) -> Iterator[tuple[str, ControllerRecord | ProcessorRecord]]:
    for record in records.controller:
        yield CONTROLLER, record
    for processor in records.processor:
        yield PROCESSOR, processor


def cell_json(cell: ProfileCell) -> dict[str, Any]:
    return {
        "column": cell.column.position,
        "heading": cell.column.heading,
        "item": cell.column.item,
        "values": list(cell.cell.values),
        "sources": [str(s) for s in cell.cell.sources],
        "missing": list(cell.cell.missing),
    }


def transfer_json(transfer: Transfer) -> dict[str, Any]:
    return {
        "hop_id": transfer.hop_id,
        "country": transfer.country,
        "exporter_id": transfer.exporter_id,
        "importer_id": transfer.importer_id,
        "verdict": transfer.verdict.value,
        "mechanism": transfer.mechanism.value,
        "safeguard_type": transfer.safeguard_type,
        "instrument_id": transfer.instrument_id,
        "scc_module": transfer.scc_module,
        "article": transfer.article,
        "text": transfer.text,
        "missing": list(transfer.missing),
        "sources": [str(s) for s in transfer.sources],
    }


def as_json(records: Records) -> dict[str, Any]:
    def record(kind: str, item: ControllerRecord | ProcessorRecord) -> dict[str, Any]:
        return {
            "record": kind,
            "id": record_id(item),
            "name": item.name,
            "cells": [cell_json(c) for c in records.row(item)],
            "transfers": [transfer_json(t) for t in item.transfers],
        }

    profile = records.profile
    return {
        "profile": {
            "key": profile.key,
            "name": profile.name,
            "template": profile.template,
            "source": profile.source,
        },
        "regime": records.regime,
        "evaluated_for": records.evaluated_for.isoformat(),
        "controller_records": [record(CONTROLLER, r) for r in records.controller],
        "processor_records": [record(PROCESSOR, r) for r in records.processor],
    }


def render_json(records: Records) -> bytes:
    return json.dumps(as_json(records), ensure_ascii=False, indent=2).encode()


def render_csv(records: Records) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADINGS)
    for kind, record in rows(records):
        for cell in records.row(record):
            writer.writerow(
                (
                    kind,
                    record_id(record),
                    record.name,
                    cell.column.position,
                    cell.column.heading,
                    cell.column.item or "",
                    LINES.join(cell.cell.values),
                    LINES.join(str(s) for s in cell.cell.sources),
                    LINES.join(cell.cell.missing),
                )
            )
    return out.getvalue().encode()


def _header(sheet: WriteOnlyWorksheet, headings: list[str]) -> None:
    bold = Font(bold=True)
    cells = []
    for text in headings:
        written = WriteOnlyCell(sheet, value=text)
        written.font = bold
        written.alignment = Alignment(wrap_text=True, vertical="top")
        cells.append(written)
    sheet.append(cells)
    sheet.freeze_panes = "B2"


def render_xlsx(records: Records) -> bytes:
    """One sheet per record kind (a row per record, the profile's columns after its id), and the
    sources and gaps of every cell."""
    book = Workbook(write_only=True)
    gaps: list[tuple[str, ...]] = []
    for kind, sheet_name in SHEETS.items():
        sheet = book.create_sheet(sheet_name)
        columns = records.columns_of(kind)
        for n in range(len(columns) + 1):
            sheet.column_dimensions[get_column_letter(n + 1)].width = 40
        _header(
            sheet,
            ["Record id"] + [f"{c.heading}{f' [{c.item}]' if c.item else ''}" for c in columns],
        )
        kind_records = records.controller if kind == CONTROLLER else records.processor
        for record in kind_records:
            row = records.row(record)
            sheet.append([record_id(record)] + [LINES.join(c.cell.values) for c in row])
            gaps += [
                (
                    SHEETS[kind],
                    record_id(record),
                    get_column_letter(n + 2),
                    c.column.heading,
                    c.column.item or "",
                    LINES.join(str(s) for s in c.cell.sources),
                    LINES.join(c.cell.missing),
                )
                for n, c in enumerate(row)
            ]
    sources = book.create_sheet(SOURCES_SHEET)
    for n in range(len(SOURCES_HEADINGS)):
        sources.column_dimensions[get_column_letter(n + 1)].width = 40
    _header(sources, list(SOURCES_HEADINGS))
    for gap in gaps:
        sources.append(list(gap))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def render(records: Records, fmt: Format) -> bytes:
    if fmt is Format.XLSX:
        return render_xlsx(records)
    if fmt is Format.CSV:
        return render_csv(records)
    return render_json(records)
