import datetime
from typing import Annotated

import strawberry
from strawberry.types import Info

from resolvers import global_id
from resolvers.records import decisions
from resolvers.records.facts import Column
from resolvers.records.service import records_of
from resolvers.roles import CONTROLLER, PROCESSOR
from resolvers.transfer.decisions import Mechanism, Verdict
from schema.context import Context
from schema.read import NODE_TYPES
from schema.transfer import safeguard_type
from schema.vocabulary import RegimeKey, SafeguardType

strawberry.enum(
    decisions.SourceKind,
    name="RecordSourceKind",
    description="What a record's cell is read from: a node of the map, spelt as its NodeKind "
    "(`Flow`: a FLOWS_TO edge), or `TransferHop`, a hop of the transfer assessment.",
)


@strawberry.type(description="A graph entity a cell was read from.")
class RecordSource:
    kind: decisions.SourceKind = strawberry.field(
        description="What it is; `id` is given for every kind but `TransferHop`."
    )
    key: str = strawberry.field(description="Its id or key.")
    id: strawberry.ID | None = strawberry.field(
        description="Its global id for `node(id)`, when it is a node."
    )

    @classmethod
    def of(cls, source: decisions.Source) -> "RecordSource":
        node = source.kind in NODE_TYPES
        return cls(
            kind=source.kind,
            key=source.key,
            id=strawberry.ID(global_id.encode(source.kind, source.key)) if node else None,
        )


@strawberry.type(
    description="One cell of a record: its values, the graph entities they come from, and what "
    "is missing (an empty cell always says what, and where to record it)."
)
class RecordCell:
    values: list[str] = strawberry.field(description="The cell's lines.")
    sources: list[RecordSource] = strawberry.field(description="Where they were read.")
    missing: list[str] = strawberry.field(
        description="What the map lacks for this cell, and how to record it."
    )

    @classmethod
    def of(cls, cell: decisions.Cell) -> "RecordCell":
        return cls(
            values=list(cell.values),
            sources=[RecordSource.of(s) for s in cell.sources],
            missing=list(cell.missing),
        )


@strawberry.type(description="A column of the profile's template.")
class RecordColumn:
    position: int = strawberry.field(description="Its place in the profile (0-based).")
    heading: str = strawberry.field(description="The template's heading.")
    item: str | None = strawberry.field(
        description="The Art. 30 item it answers, such as 30(1)(e); null: beyond Art. 30."
    )
    field: str | None = strawberry.field(
        description="The datamap field that fills it; null: the map holds nothing for it."
    )
    note: str | None = strawberry.field(description="The profile's note on it.")

    @classmethod
    def of(cls, column: Column) -> "RecordColumn":
        return cls(
            position=column.position,
            heading=column.heading,
            item=column.item,
            field=column.field,
            note=column.note,
        )


@strawberry.type(description="A record's cell under one column of the profile.")
class ProfileCell:
    column: RecordColumn
    cell: RecordCell


@strawberry.type(
    description="A hop by which the record's data leaves the regime's area, as the transfer "
    "engine decided it (the mechanism: adequacy decision, SCC module, IDTA, BCR, Art. 49 "
    "derogation, or what is missing)."
)
class RecordTransfer:
    hop_id: str = strawberry.field(description="The hop id, as `transferAssessment` names it.")
    country: str | None = strawberry.field(description="The third country (ISO code).")
    exporter_id: strawberry.ID = strawberry.field(description="The exporting organisation.")
    importer_id: strawberry.ID = strawberry.field(description="The importing organisation.")
    verdict: Verdict = strawberry.field(description="The engine's verdict.")
    mechanism: Mechanism = strawberry.field(
        description="The kind of ground the engine's decision rests on."
    )
    safeguard_type: SafeguardType | None = strawberry.field(
        description="The type of the recorded safeguard it rests on (SCC, IDTA, UK_ADDENDUM, "
        "SWISS_SCC, BCR, ...; DEROGATION for an Art. 49 derogation); null otherwise."
    )
    instrument_id: str | None = strawberry.field(
        description="The adequacy decision, safeguard or derogation id."
    )
    scc_module: int | None = strawberry.field(description="The SCC module the roles call for.")
    article: str = strawberry.field(description="The provision the decision rests on.")
    text: str = strawberry.field(description="The line the record shows.")
    missing: list[str] = strawberry.field(description="What the decision found missing.")
    sources: list[RecordSource] = strawberry.field(description="Where it was read.")

    @classmethod
    def of(cls, transfer: decisions.Transfer) -> "RecordTransfer":
        return cls(
            hop_id=transfer.hop_id,
            country=transfer.country,
            exporter_id=strawberry.ID(transfer.exporter_id),
            importer_id=strawberry.ID(transfer.importer_id),
            verdict=transfer.verdict,
            mechanism=transfer.mechanism,
            safeguard_type=safeguard_type(transfer.safeguard_type),
            instrument_id=transfer.instrument_id,
            scc_module=transfer.scc_module,
            article=transfer.article,
            text=transfer.text,
            missing=list(transfer.missing),
            sources=[RecordSource.of(s) for s in transfer.sources],
        )


def _cell(record: decisions.ControllerRecord | decisions.ProcessorRecord, name: str) -> RecordCell:
    return RecordCell.of(record.cells[name])


@strawberry.type(
    description="The controller record (Art. 30(1)) of one processing activity Preemptly controls."
)
class ControllerRecord:
    _records: strawberry.Private[decisions.Records]
    _record: strawberry.Private[decisions.ControllerRecord]

    @strawberry.field(description="The processing activity id.")
    def activity_id(self) -> strawberry.ID:
        return strawberry.ID(self._record.activity_id)

    @strawberry.field(description="The activity's name.")
    def name(self) -> str:
        return self._record.name

    @strawberry.field(description="30(1)(a): the controller's name and contact details.")
    def controller(self) -> RecordCell:
        return _cell(self._record, "controller")

    @strawberry.field(description="30(1)(b): the purposes.")
    def purposes(self) -> RecordCell:
        return _cell(self._record, "purposes")

    @strawberry.field(description="30(1)(c): the categories of data subjects.")
    def data_subjects(self) -> RecordCell:
        return _cell(self._record, "subjects")

    @strawberry.field(description="30(1)(c): the categories of personal data.")
    def data_categories(self) -> RecordCell:
        return _cell(self._record, "categories")

    @strawberry.field(description="30(1)(d): the categories of recipients.")
    def recipients(self) -> RecordCell:
        return _cell(self._record, "recipients")

    @strawberry.field(description="30(1)(e): the third countries data is transferred to.")
    def transfer_countries(self) -> RecordCell:
        return _cell(self._record, "transfer_countries")

    @strawberry.field(description="30(1)(e): each transfer's mechanism and documentation.")
    def transfer_mechanisms(self) -> RecordCell:
        return _cell(self._record, "transfer_mechanisms")

    @strawberry.field(description="30(1)(f): the envisaged time limits for erasure.")
    def erasure(self) -> RecordCell:
        return _cell(self._record, "erasure")

    @strawberry.field(description="30(1)(g): the technical and organisational security measures.")
    def security(self) -> RecordCell:
        return _cell(self._record, "security")

    @strawberry.field(description="The transfers behind 30(1)(e), one per leaving hop.")
    def transfers(self) -> list[RecordTransfer]:
        return [RecordTransfer.of(t) for t in self._record.transfers]

    @strawberry.field(description="The record in the profile's columns, in order.")
    def columns(self) -> list[ProfileCell]:
        return [
            ProfileCell(column=RecordColumn.of(c.column), cell=RecordCell.of(c.cell))
            for c in self._records.row(self._record)
        ]


@strawberry.type(
    description="The processor record (Art. 30(2)) for one customer controller Preemptly "
    "processes for."
)
class ProcessorRecord:
    _records: strawberry.Private[decisions.Records]
    _record: strawberry.Private[decisions.ProcessorRecord]

    @strawberry.field(description="The customer controller's organisation id.")
    def controller_id(self) -> strawberry.ID:
        return strawberry.ID(self._record.controller_id)

    @strawberry.field(description="The customer controller's name.")
    def name(self) -> str:
        return self._record.name

    @strawberry.field(description="The processing activities done for it.")
    def activity_ids(self) -> list[strawberry.ID]:
        return [strawberry.ID(a) for a in self._record.activity_ids]

    @strawberry.field(description="30(2)(a): the processor's name and contact details.")
    def processor(self) -> RecordCell:
        return _cell(self._record, "processor")

    @strawberry.field(description="30(2)(a): the controller's name and contact details.")
    def controller(self) -> RecordCell:
        return _cell(self._record, "customer_controller")

    @strawberry.field(description="30(2)(b): the categories of processing for it.")
    def processing(self) -> RecordCell:
        return _cell(self._record, "processing")

    @strawberry.field(description="30(2)(c): the third countries data is transferred to.")
    def transfer_countries(self) -> RecordCell:
        return _cell(self._record, "transfer_countries")

    @strawberry.field(description="30(2)(c): each transfer's mechanism and documentation.")
    def transfer_mechanisms(self) -> RecordCell:
        return _cell(self._record, "transfer_mechanisms")

    @strawberry.field(description="30(2)(d): the technical and organisational security measures.")
    def security(self) -> RecordCell:
        return _cell(self._record, "security")

    @strawberry.field(description="The transfers behind 30(2)(c), one per leaving hop.")
    def transfers(self) -> list[RecordTransfer]:
        return [RecordTransfer.of(t) for t in self._record.transfers]

    @strawberry.field(description="The record in the profile's columns, in order.")
    def columns(self) -> list[ProfileCell]:
        return [
            ProfileCell(column=RecordColumn.of(c.column), cell=RecordCell.of(c.cell))
            for c in self._records.row(self._record)
        ]


@strawberry.type(description="The records of processing (Art. 30) in one profile's columns.")
class RecordsOfProcessing:
    _records: strawberry.Private[decisions.Records]

    @strawberry.field(description="The profile: GDPR, ICO or CNIL.")
    def profile(self) -> str:
        return self._records.profile.key

    @strawberry.field(description="The profile's template and its source.")
    def template(self) -> str:
        return f"{self._records.profile.template} ({self._records.profile.source})"

    @strawberry.field(description="The regime whose transfer rules the records apply.")
    def regime(self) -> RegimeKey:
        return RegimeKey(self._records.regime)

    @strawberry.field(description="The date the transfers were decided for.")
    def evaluated_for(self) -> datetime.date:
        return self._records.evaluated_for

    @strawberry.field(description="The controller record's columns.")
    def controller_columns(self) -> list[RecordColumn]:
        return [RecordColumn.of(c) for c in self._records.columns_of(CONTROLLER)]

    @strawberry.field(description="The processor record's columns.")
    def processor_columns(self) -> list[RecordColumn]:
        return [RecordColumn.of(c) for c in self._records.columns_of(PROCESSOR)]

    @strawberry.field(description="One controller record per activity Preemptly controls.")
    def controller_records(self) -> list[ControllerRecord]:
        return [
            ControllerRecord(_records=self._records, _record=r) for r in self._records.controller
        ]

    @strawberry.field(description="One processor record per customer controller.")
    def processor_records(self) -> list[ProcessorRecord]:
        return [ProcessorRecord(_records=self._records, _record=r) for r in self._records.processor]


@strawberry.type
class RecordsQuery:
    @strawberry.field(
        description="The records of processing (Art. 30): the controller record per activity "
        "Preemptly controls and the processor record per customer controller, in a profile's "
        "columns (GDPR, ICO, CNIL); downloads at /records/processing.{xlsx,csv,json}."
    )
    async def records_of_processing(
        self,
        info: Info[Context, None],
        profile: Annotated[
            str, strawberry.argument(description="GDPR (default), ICO or CNIL.")
        ] = "GDPR",
        regime: Annotated[
            RegimeKey | None,
            strawberry.argument(description="The transfer rules to apply; null: the profile's."),
        ] = None,
        as_of: datetime.date | None = None,
    ) -> RecordsOfProcessing:
        records = await records_of(
            info.context.db,
            profile=profile,
            regime=regime.value if regime else None,
            as_of=as_of or datetime.date.today(),
        )
        return RecordsOfProcessing(_records=records)
