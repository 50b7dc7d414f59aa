"""The records of processing as downloads: XLSX (reopened with openpyxl and checked against the
graph), CSV and JSON over HTTP with an analyst key, and from `datamap export ropa`."""

import csv
import io
import json
from pathlib import Path
from typing import Any

import httpx
import openpyxl
import pytest
from typer.testing import CliRunner

from app.cli import cli
from app.settings import Settings
from graph.database import Database
from resolvers.auth.principal import Role
from tests.conftest import GraphQL
from tests.records.test_service import AS_OF, column, records

URL = "/records/processing"


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


async def download(client: httpx.AsyncClient, key: str, fmt: str, **params: str) -> httpx.Response:
    return await client.get(f"{URL}.{fmt}", params={"asOf": AS_OF, **params}, headers=bearer(key))


def sheet_rows(book: Any, name: str) -> list[list[Any]]:
    return [list(row) for row in book[name].iter_rows(values_only=True)]


@pytest.mark.parametrize("profile", ["gdpr", "ico", "cnil"])
async def test_the_xlsx_reopens_and_its_cells_are_the_graphs(
    seeded: Database,
    client: httpx.AsyncClient,
    api_keys: dict[Role, str],
    graphql: GraphQL,
    profile: str,
) -> None:
    response = await download(client, api_keys[Role.ANALYST], "xlsx", profile=profile)
    assert response.status_code == 200, response.text
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment; filename=")
    assert f"records-of-processing-{profile}-" in disposition and disposition.endswith('.xlsx"')
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Controller record", "Processor record", "Sources and gaps"]
    controller = sheet_rows(book, "Controller record")
    headings = await column(
        seeded,
        "MATCH (:RecordProfile {key: $key})-[:HAS_COLUMN]->(c {record_kind: 'CONTROLLER'}) "
        "RETURN c.heading AS value ORDER BY c.position",
        key=profile.upper(),
    )
    assert [h.split(" [")[0] for h in controller[0][1:]] == headings
    activities = await column(
        seeded,
        "MATCH (pa:ProcessingActivity {preemptly_role: 'CONTROLLER'}) RETURN pa.id AS value",
    )
    assert sorted(row[0] for row in controller[1:]) == sorted(
        f"ProcessingActivity:{a}" for a in activities
    )
    result = await records(graphql, profile.upper())
    by_id = {f"ProcessingActivity:{r['activityId']}": r for r in result["controllerRecords"]}
    for row in controller[1:]:
        expected = ["\n".join(c["cell"]["values"]) or None for c in by_id[row[0]]["columns"]]
        assert row[1:] == expected, row[0]
    categories_at = next(
        n for n, c in enumerate(result["controllerColumns"]) if c["field"] == "categories"
    )
    for row in controller[1:]:
        names = await column(
            seeded,
            "MATCH (:ProcessingActivity {id: $id})-[:USES_CATEGORY]->(k) RETURN k.name AS value",
            id=row[0].split(":", 1)[1],
        )
        assert sorted(row[categories_at + 1].split("\n")) == sorted(names), row[0]
    processor = sheet_rows(book, "Processor record")
    assert {row[0] for row in processor[1:]} >= {"Organisation:acme-logistics"}
    gaps = sheet_rows(book, "Sources and gaps")
    assert gaps[0] == [
        "Record",
        "Record id",
        "Column",
        "Heading",
        "Art. 30 item",
        "Sources",
        "Missing",
    ]
    cells = len(controller) - 1 + 0
    assert len(gaps) - 1 == cells * (len(controller[0]) - 1) + (len(processor) - 1) * (
        len(processor[0]) - 1
    )
    assert all(row[5] or row[6] for row in gaps[1:])


async def test_csv_and_json_hold_the_same_cells(
    seeded: Database, client: httpx.AsyncClient, api_keys: dict[Role, str], graphql: GraphQL
) -> None:
    key = api_keys[Role.ANALYST]
    as_csv = await download(client, key, "csv", profile="ico")
    as_json = await download(client, key, "json", profile="ico")
    assert as_csv.status_code == 200 and as_json.status_code == 200
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert as_json.headers["content-disposition"].endswith('.json"')
    document = json.loads(as_json.content)
    assert document["profile"]["key"] == "ICO" and document["regime"] == "UK"
    rows = list(csv.DictReader(io.StringIO(as_csv.text)))
    cells = [
        (record["id"], cell["heading"], "\n".join(cell["values"]), "\n".join(cell["missing"]))
        for kind in ("controller_records", "processor_records")
        for record in document[kind]
        for cell in record["cells"]
    ]
    assert [(r["record_id"], r["heading"], r["values"], r["missing"]) for r in rows] == cells
    result = await records(graphql, "ICO")
    assert [r["id"] for r in document["controller_records"]] == [
        f"ProcessingActivity:{r['activityId']}" for r in result["controllerRecords"]
    ]


async def test_bad_input_and_roles(
    seeded: Database, client: httpx.AsyncClient, api_keys: dict[Role, str]
) -> None:
    analyst = api_keys[Role.ANALYST]
    cases = [
        ("xlsx", {"profile": "hipaa"}, "profile", "hipaa"),
        ("pdf", {}, "format", "pdf"),
        ("json", {"regime": "CCPA"}, "regime", "CCPA"),
        ("json", {"regime": "MARS"}, "regime", "MARS"),
        ("csv", {"asOf": "soon"}, "asOf", "asOf"),
    ]
    for fmt, params, field, named in cases:
        response = await download(client, analyst, fmt, **params)
        assert response.status_code == 400, (fmt, params, response.text)
        error = response.json()["errors"][0]
        extensions = error["extensions"]
        assert (extensions["code"], extensions["field"]) == ("BAD_USER_INPUT", field)
        if field in ("profile", "regime"):
            assert "EU" in extensions["suggestions"] or "GDPR" in extensions["suggestions"]
        assert named in error["message"]
    viewer = await download(client, api_keys[Role.VIEWER], "xlsx")
    assert viewer.status_code == 403
    assert viewer.json()["errors"][0]["extensions"] == {"code": "FORBIDDEN"}
    anonymous = await client.get(f"{URL}.xlsx")
    assert anonymous.status_code == 401


def test_the_cli_exports_each_format(
    seeded: Database, neo4j_server: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    result = runner.invoke(
        cli, ["export", "ropa", "--format", "xlsx", "--profile", "cnil", "--as-of", AS_OF]
    )
    assert result.exit_code == 0, result.output
    written = tmp_path / f"records-of-processing-cnil-eu-{AS_OF}.xlsx"
    book = openpyxl.load_workbook(written)
    assert book["Controller record"]["C1"].value.startswith("Responsable du traitement")
    out = tmp_path / "ropa.json"
    result = runner.invoke(
        cli, ["export", "ropa", "--format", "json", "--profile", "gdpr", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text())["profile"]["key"] == "GDPR"
    result = runner.invoke(cli, ["export", "ropa", "--profile", "hipaa"])
    assert result.exit_code == 1
    assert "unknown profile 'hipaa'" in result.output
    result = runner.invoke(cli, ["export", "ropa", "--format", "pdf"])
    assert result.exit_code == 2
