"""Fides manifests in and out through GraphQL and the command line, against the test Neo4j: the
demo-style set imports (its own source, so beside Preemptly's map it is a map of its own) and
the access and deletion plans and transfer decisions answer for it; a second import and an
import of an export change nothing; an invalid resource writes nothing."""

import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from fideslang.models import Taxonomy
from typer.testing import CliRunner

from app.cli import cli
from graph.database import Database
from resolvers.auth import keys
from resolvers.auth.keys import SYSTEM_ACTOR
from resolvers.auth.principal import Role
from resolvers.fides.service import export_manifests
from tests.conftest import GraphQL
from tests.graph_digest import graph_digest

pytestmark = pytest.mark.usefixtures("seeded")

FIXTURE = Path(__file__).parent.parent / "fixtures" / "fides" / "cookie_house"
IMPORT = """
mutation($input: FidesImportInput!) {
  importFides(input: $input) {
    changed created updated unchanged
    entities { entityType id key created }
    unmapped { field reason }
  }
}
"""
MEMBER = "cookie_house_member"


def manifests() -> list[str]:
    return [path.read_text() for path in sorted(FIXTURE.glob("*.yml"))]


@pytest.fixture
async def source(db: Database) -> AsyncIterator[str]:
    """A source of this test only; what it registered is removed afterwards."""
    name = f"t-fides-{uuid.uuid4().hex[:8]}"
    yield name
    await db.write("MATCH (n) WHERE n.source = $source DETACH DELETE n", {"source": name})


async def imported(graphql: GraphQL, source: str, texts: list[str] | None = None) -> Any:
    body = await graphql(
        IMPORT, {"input": {"manifests": texts or manifests(), "source": source, "country": "DE"}}
    )
    assert "errors" not in body, body
    return body["data"]["importFides"]


async def test_the_demo_set_imports_and_the_plans_and_decisions_answer_for_it(
    graphql: GraphQL, source: str
) -> None:
    report = await imported(graphql, source)
    assert report["changed"] is True
    assert report["updated"] == 0 and report["unchanged"] == 0
    kinds: dict[str, int] = {}
    for entity in report["entities"]:
        kinds[entity["entityType"]] = kinds.get(entity["entityType"], 0) + 1
    assert kinds == {
        "DataCategory": 1,
        "DataUse": 1,
        "DataSubject": 1,
        "Organisation": 2,
        "System": 5,
        "Storage": 6,
        "ProcessingActivity": 6,
        "DataFlow": 4,
    }
    fields = {u["field"] for u in report["unmapped"]}
    assert "manifests[2].system[3].privacy_declarations[0].third_parties" in fields

    access = await graphql(
        """query($subject: ID!) { accessPlan(subject: $subject) {
             locations { systemId categories retentionDays }
             purposes { activityId legalBasis } } }""",
        {"subject": MEMBER},
    )
    plan = access["data"]["accessPlan"]
    locations = {loc["systemId"]: loc for loc in plan["locations"]}
    assert {f"{source}:cookie_house_postgresql_database", f"{source}:mailwave"} <= set(locations)
    assert (
        "user.contact.email" in locations[f"{source}:cookie_house_loyalty_database"]["categories"]
    )
    purposes = {p["activityId"]: p["legalBasis"] for p in plan["purposes"]}
    assert purposes[f"{source}:cookie_house_loyalty_database/essential.service.loyalty"].startswith(
        "Art. 6(1)(a) GDPR"
    )

    deletion = await graphql(
        """query($subject: ID!) { deletionPlan(subject: $subject) {
             steps { systems } blockers { system kind } } }""",
        {"subject": MEMBER},
    )
    erased = {s for step in deletion["data"]["deletionPlan"]["steps"] for s in step["systems"]}
    assert f"{source}:cookie_house_postgresql_database" in erased
    blocked = {b["system"] for b in deletion["data"]["deletionPlan"]["blockers"]}
    # the loyalty database's manifest names no deletion method
    assert f"{source}:cookie_house_loyalty_database" in blocked

    transfers = await graphql(
        """query($system: ID!) { transfers(systemId: $system, regime: EU) {
             paths { verdict hops { exporterId importerId country verdict } } } }""",
        {"system": f"{source}:mailwave"},
    )
    hops = [
        hop
        for path in transfers["data"]["transfers"]["paths"]
        for hop in path["hops"]
        if hop["country"] == "US"
    ]
    assert hops and all(hop["verdict"] == "BLOCKED" for hop in hops), transfers

    flows = await graphql(
        """query($id: ID!) { system(id: $id) { downstream { nodes { key provenance } } } }""",
        {"id": f"{source}:cookie_house_marketing_system"},
    )
    assert flows["data"]["system"]["downstream"]["nodes"] == [
        {"key": f"{source}:cookie_house_marketing_system/mailwave", "provenance": "DECLARED"}
    ]


async def test_a_second_import_changes_nothing_and_says_so(
    graphql: GraphQL, db: Database, source: str
) -> None:
    first = await imported(graphql, source)
    audited = await db.read("MATCH (e:AuditEvent {operation: 'importFides'}) RETURN count(e) AS n")
    before = await graph_digest(db)
    again = await imported(graphql, source)
    assert again["changed"] is False
    assert again["created"] == 0 and again["updated"] == 0 and again["entities"] == []
    assert again["unchanged"] == first["created"]
    assert again["unmapped"] == first["unmapped"]
    assert await graph_digest(db) == before
    assert (
        await db.read("MATCH (e:AuditEvent {operation: 'importFides'}) RETURN count(e) AS n")
        == audited
    )


async def test_a_second_import_restores_what_changed_since_the_first(
    graphql: GraphQL, db: Database, source: str
) -> None:
    """An entity retired, a flow moved off its ends or a property changed after an import is
    written again by the next import of the same manifests (only those), and says so."""
    await imported(graphql, source)
    retired = await graphql(
        "mutation($id: ID!) { retireSystem(id: $id) { retiredOn } }", {"id": f"{source}:mailwave"}
    )
    assert "errors" not in retired, retired
    await db.write(
        "MATCH (s:Storage {source: $source}) WITH s ORDER BY s.id LIMIT 1 "
        "SET s.retention = 'changed by hand'",
        {"source": source},
    )
    again = await imported(graphql, source)
    assert again["changed"] is True and again["created"] == 0
    touched = {(e["entityType"], e["key"]) for e in again["entities"]}
    assert ("System", f"{source}:mailwave") in touched
    assert len(again["entities"]) == 2 and again["updated"] == 2, again["entities"]
    active = await db.read(
        "MATCH (s:System {id: $id}) RETURN s.retired_on IS NULL AS active",
        {"id": f"{source}:mailwave"},
    )
    assert active == [{"active": True}]
    quiet = await imported(graphql, source)
    assert quiet["changed"] is False and quiet["entities"] == []


async def test_the_import_is_audited(graphql: GraphQL, source: str) -> None:
    await imported(graphql, source)
    body = await graphql(
        """query($id: ID!) { auditLog(filter: {operation: "importFides", entityId: $id}) {
             entityType before after } }""",
        {"id": f"{source}:mailwave"},
    )
    [event] = body["data"]["auditLog"]
    assert event["entityType"] == "System" and event["before"] is None


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        (
            lambda text: text.replace("data_use: marketing.communications.email", "data_use: x.y"),
            "manifests[2].system[4].privacy_declarations[0].data_use",
            "BAD_USER_INPUT",
        ),
        (
            lambda text: text.replace(
                "\n  - fides_key: mailwave\n", "\n  - fides_key: mail wave\n"
            ),
            "manifests[2].system[4].fides_key",
            "BAD_USER_INPUT",
        ),
        (
            lambda text: text.replace("hosted_in: [US]", "hosted_in: [USA]"),
            "manifests[2].system[4].hostedIn[0]",
            "BAD_USER_INPUT",
        ),
        (
            lambda text: text.replace(
                "organization_fides_key: mailwave_inc", "organization_fides_key: nobody"
            ),
            "manifests[2].system[4].operatorId",
            "NOT_FOUND",
        ),
    ],
)
async def test_any_invalid_resource_writes_nothing(
    graphql: GraphQL, db: Database, source: str, change: Any, field: str, code: str
) -> None:
    texts = manifests()
    assert "system:" in texts[2]
    texts[2] = change(texts[2])
    before = await graph_digest(db)
    body = await graphql(IMPORT, {"input": {"manifests": texts, "source": source, "country": "DE"}})
    [error] = body["errors"]
    assert error["extensions"]["code"] == code
    assert error["extensions"]["field"] == field, error
    if code == "NOT_FOUND":  # as the register mutations say it
        assert error["message"].startswith(f"no organisation '{source}:nobody'"), error
    assert await graph_digest(db) == before


@pytest.mark.parametrize(
    ("document", "old", "new", "field"),
    [
        (
            2,
            "\n  - fides_key: mailwave\n",
            "\n  - fides_key: mail>wave\n",
            "manifests[2].system[4]",
        ),
        (1, "fides_key: mailwave_inc", "fides_key: mailwave>inc", "manifests[1].organization[1]"),
        (0, "fides_key: loyalty_mongo", "fides_key: loyalty>mongo", "manifests[0].dataset[1]"),
        (
            3,
            "fides_key: cookie_house_member",
            "fides_key: cookie>member",
            "manifests[3].data_subject[0]",
        ),
    ],
)
async def test_a_fides_key_with_a_greater_than_sign_is_refused_naming_it(
    graphql: GraphQL, db: Database, source: str, document: int, old: str, new: str, field: str
) -> None:
    """fideslang allows `>` in a fides_key, but a datamap id holds none (an engagement's id is
    `<engagerId>><engagedId>`): the import fails naming the document, resource and field, and
    writes nothing; nothing is skipped."""
    texts = manifests()
    assert old in texts[document]
    texts[document] = texts[document].replace(old, new, 1)
    before = await graph_digest(db)
    body = await graphql(IMPORT, {"input": {"manifests": texts, "source": source, "country": "DE"}})
    [error] = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["field"] == f"{field}.fides_key", error
    assert "'>'" in error["message"], error
    assert body["data"] is None
    assert await graph_digest(db) == before


async def test_import_of_an_export_is_a_no_op(graphql: GraphQL, db: Database, source: str) -> None:
    await imported(graphql, source)
    body = await graphql("query($s: String!) { fidesManifest(source: $s) }", {"s": source})
    exported = body["data"]["fidesManifest"]
    assert exported == await export_manifests(db, source)
    Taxonomy.model_validate(yaml.safe_load(exported))
    assert {"organization", "data_subject", "system", "dataset"} <= set(yaml.safe_load(exported))
    before = await graph_digest(db)
    again = await imported(graphql, source, [exported])
    assert again["changed"] is False, again["entities"]
    assert await graph_digest(db) == before


def test_the_commands_import_and_export(source: str, tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(
        cli, ["import", "fides", str(FIXTURE), "--country", "DE", "--source", source]
    )
    assert result.exit_code == 0, result.output
    assert f"created  System             {source}:mailwave" in result.output
    assert "unmapped " in result.output
    out = tmp_path / "export.yml"
    exported = runner.invoke(cli, ["export", "fides", "--source", source, "-o", str(out)])
    assert exported.exit_code == 0, exported.output
    again = runner.invoke(cli, ["import", "fides", str(out), "--country", "DE", "--source", source])
    assert again.exit_code == 0, again.output
    assert "0 created, 0 changed" in again.output and "nothing changed" in again.output
    refused = runner.invoke(cli, ["import", "fides", str(FIXTURE), "--country", "XX"])
    assert refused.exit_code == 1
    assert "nothing imported" in refused.output and "--country" in refused.output
    broken = tmp_path / "broken.yml"
    broken.write_text(
        (FIXTURE / "systems.yml").read_text().replace("data_use: essential.service", "data_use: 7")
    )
    named = runner.invoke(cli, ["import", "fides", str(broken), "--country", "DE"])
    assert named.exit_code == 1
    assert f"({broken}.system[" in named.output and "data_use)" in named.output, named.output


async def test_an_integration_changes_only_what_its_own_key_imported(
    graphql: GraphQL, db: Database, api_keys: dict[Role, str], source: str
) -> None:
    owner = api_keys[Role.INTEGRATION]
    texts = manifests()
    body = await graphql(
        IMPORT, {"input": {"manifests": texts, "source": source, "country": "DE"}}, key=owner
    )
    assert "errors" not in body, body
    other = await keys.create(db, Role.INTEGRATION, "another integration", SYSTEM_ACTOR)
    changed = [text.replace("Loyalty points", "Loyalty stars") for text in texts]
    assert changed != texts
    before = await graph_digest(db)
    body = await graphql(
        IMPORT, {"input": {"manifests": changed, "source": source, "country": "DE"}}, key=other.key
    )
    [error] = body["errors"]
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert error["extensions"]["field"] == "manifests[3].data_category[0].fides_key", error
    assert await graph_digest(db) == before
    body = await graphql(  # without the taxonomy: the registrations are refused alike
        IMPORT,
        {"input": {"manifests": texts[:3], "source": source, "country": "DE"}},
        key=other.key,
    )
    [error] = body["errors"]
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert error["extensions"]["field"] == "manifests[1].organization[0].externalId", error
    assert await graph_digest(db) == before
    again = await graphql(
        IMPORT, {"input": {"manifests": changed, "source": source, "country": "DE"}}, key=owner
    )
    assert again["data"]["importFides"]["updated"] >= 1, again
