"""Transfer decisions through GraphQL over synthetic graphs in the real Neo4j (prefix `t-xfer-`).

Reference facts (regimes, areas, adequacy entries) are merged only when absent, so the seeded
reference data wins when it is loaded in the same database."""

import asyncio
from typing import Any

import pytest
from fastapi import FastAPI

from graph.database import Database
from resolvers.transfer import service as transfer_service
from resolvers.transfer.decisions import PathDecision
from tests.conftest import GraphQL, NewKey

REFERENCE = """
UNWIND $regimes AS regime
MERGE (r:Regime {key: regime.key})
WITH r, regime
UNWIND regime.area AS code
MERGE (c:Country {code: code})
MERGE (c)-[:IN_AREA_OF]->(r)
"""
ADEQUACY = """
UNWIND $entries AS entry
MERGE (a:AdequacyDecision {id: entry.id})
ON CREATE SET a.regime = entry.regime, a.instrument = entry.instrument, a.scope = entry.scope,
  a.scope_law = entry.scope_law, a.dpf_framework = entry.dpf_framework,
  a.valid_until = CASE WHEN entry.valid_until IS NULL THEN null ELSE date(entry.valid_until) END,
  a.source = 'test reference'
WITH a, entry
MATCH (r:Regime {key: entry.regime})
MERGE (a)-[:OF_REGIME]->(r)
MERGE (c:Country {code: entry.country})
MERGE (a)-[:COVERS]->(c)
"""
SPECIAL = "MERGE (c:DataCategory {key: 'user.health_and_medical'}) SET c.special_category = true"
ORGANISATIONS = """
UNWIND $rows AS row
MERGE (o:Organisation {id: row.id})
SET o.country = row.country, o.subject_to = row.subject_to
MERGE (c:Country {code: row.country})
MERGE (o)-[:ESTABLISHED_IN]->(c)
WITH o, row
UNWIND row.dpf AS framework
MERGE (d:DpfCertification {id: row.id + ':' + framework})
SET d.framework = framework, d.status = 'ACTIVE', d.data_types = ['NON_HR']
MERGE (o)-[:CERTIFIED_UNDER]->(d)
"""
SYSTEMS = """
UNWIND $rows AS row
MERGE (s:System {id: row.id})
WITH s, row
MATCH (o:Organisation {id: row.operator})
MERGE (s)-[op:OPERATED_BY]->(o)
SET op.role = row.role
WITH s, row
UNWIND row.hosted AS code
MERGE (c:Country {code: code})
MERGE (s)-[:HOSTED_IN]->(c)
"""
ACCESS = """
MATCH (s:System {id: $system})
MERGE (c:Country {code: $country})
MERGE (s)-[:ACCESSED_FROM {purpose: 'support'}]->(c)
"""
FLOWS = """
UNWIND $rows AS row
MATCH (a:System {id: row.source}), (b:System {id: row.target})
MERGE (a)-[f:FLOWS_TO {id: row.id}]->(b)
SET f.categories = row.categories, f.mode = 'PUSH'
"""
ENGAGES = """
UNWIND $rows AS row
MATCH (a:Organisation {id: row.exporter}), (b:Organisation {id: row.importer})
MERGE (a)-[e:ENGAGES {id: row.id}]->(b)
SET e.role = 'SUB_PROCESSOR', e.authorisation = 'GENERAL', e.service = 'hosting'
"""
STORAGE = """
MATCH (s:System {id: $system})
MERGE (st:Storage {id: $id})
MERGE (st)-[:IN_SYSTEM]->(s)
MERGE (d:DataSubject {key: $subject})
MERGE (st)-[:OF_SUBJECT]->(d)
WITH st
UNWIND $categories AS key
MERGE (k:DataCategory {key: key})
MERGE (st)-[:OF_CATEGORY]->(k)
"""
SAFEGUARD = """
MATCH (e:Organisation {id: $exporter}), (i:Organisation {id: $importer})
MERGE (s:Safeguard {id: $id})
SET s.type = 'SCC', s.module = $module, s.regimes = ['EU'], s.signed_on = date('2024-01-01'),
    s.tia_on = date('2024-01-02'), s.tia_outcome = 'ADEQUATE'
MERGE (s)-[:EXPORTER]->(e)
MERGE (s)-[:IMPORTER]->(i)
"""

EEA = ["AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT"]
EEA += ["LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE", "IS", "LI", "NO"]

P = "t-xfer-"


def org(name: str, country: str, *, dpf: tuple[str, ...] = (), law: str = "") -> dict[str, Any]:
    return {"id": P + name, "country": country, "subject_to": [law] if law else [], "dpf": dpf}


def system(name: str, operator: str, role: str, *hosted: str) -> dict[str, Any]:
    return {"id": P + name, "operator": P + operator, "role": role, "hosted": list(hosted)}


@pytest.fixture(scope="module")
async def transfer_graph(db: Database) -> None:
    await db.write(
        REFERENCE,
        {"regimes": [{"key": "EU", "area": EEA}, {"key": "UK", "area": ["GB"]},
                     {"key": "CH", "area": ["CH"]}]},
    )  # fmt: skip
    entries = [
        ("EU-US", "EU", "US", "DPF", None, "EU_US", None),
        ("EU-CA", "EU", "CA", "RECIPIENT_SUBJECT_TO", "PIPEDA", None, None),
        ("EU-GB", "EU", "GB", "FULL", None, None, "2031-12-27"),
        ("UK-US", "UK", "US", "DPF", None, "UK_EXTENSION", None),
        ("CH-US", "CH", "US", "DPF", None, "SWISS_US", None),
    ]
    keys = ("id", "regime", "country", "scope", "scope_law", "dpf_framework", "valid_until")
    rows = [dict(zip(keys, entry, strict=True)) | {"instrument": entry[0]} for entry in entries]
    await db.write(ADEQUACY, {"entries": rows})
    await db.write(SPECIAL)
    await db.write(
        ORGANISATIONS,
        {
            "rows": [
                org("de", "DE"),
                org("us-crm", "US", dpf=("EU_US",)),
                org("ca-host", "CA", law="PIPEDA"),
                org("in-ops", "IN"),
                org("gb-cloud", "GB"),
                org("uk", "GB"),
                org("ch", "CH"),
                org("us-both", "US", dpf=("EU_US", "UK_EXTENSION")),
                org("de-support", "DE"),
            ]
        },
    )
    await db.write(
        SYSTEMS,
        {
            "rows": [
                system("app", "de", "CONTROLLER", "DE"),
                system("crm", "us-crm", "PROCESSOR", "US"),
                system("gb-store", "gb-cloud", "PROCESSOR", "GB"),
                system("helpdesk", "de-support", "PROCESSOR", "DE"),
                system("uk-app", "uk", "CONTROLLER", "GB"),
                system("ch-app", "ch", "CONTROLLER", "CH"),
                system("us-mail", "us-both", "PROCESSOR", "US"),
                system("hr-app", "de", "CONTROLLER", "DE"),
                system("ops", "in-ops", "PROCESSOR", "IN"),
            ]
        },
    )
    await db.write(
        STORAGE, {"system": P + "hr-app", "id": P + "st-hr", "subject": "employee",
                  "categories": ["user.contact.email"]},
    )  # fmt: skip
    await db.write(
        STORAGE, {"system": P + "ops", "id": P + "st-ops", "subject": "customer",
                  "categories": ["user.name", "user.contact.email"]},
    )  # fmt: skip
    await db.write(ACCESS, {"system": P + "helpdesk", "country": "IN"})
    health = ["user.health_and_medical"]
    await db.write(
        FLOWS,
        {
            "rows": [
                {"id": P + "f-crm", "source": P + "app", "target": P + "crm",
                 "categories": ["user.contact.email"]},
                {"id": P + "f-gb", "source": P + "app", "target": P + "gb-store",
                 "categories": health},
                {"id": P + "f-help", "source": P + "app", "target": P + "helpdesk",
                 "categories": ["user.contact.email"]},
                {"id": P + "f-uk", "source": P + "uk-app", "target": P + "us-mail",
                 "categories": ["user.contact.email"]},
                {"id": P + "f-ch", "source": P + "ch-app", "target": P + "us-mail",
                 "categories": ["user.contact.email"]},
                {"id": P + "f-hr", "source": P + "hr-app", "target": P + "crm",
                 "categories": ["user.contact.email"]},
            ]
        },
    )  # fmt: skip
    await db.write(
        ENGAGES,
        {
            "rows": [
                {"id": P + "e-ca", "exporter": P + "us-crm", "importer": P + "ca-host"},
                {"id": P + "e-in", "exporter": P + "ca-host", "importer": P + "in-ops"},
            ]
        },
    )


TRANSFERS = """
query($org: ID, $system: ID, $regime: RegimeKey! = EU, $asOf: Date) {
  transfers(organisationId: $org, systemId: $system, regime: $regime, asOf: $asOf) {
    totalCount
    paths {
      verdict specialCategory evaluatedFor
      hops {
        id channel verdict country via exporterId importerId sccModule tiaStatus specialCategory
        categories missing warnings evidence reason
        legalBasis { article instrument instrumentId source }
      }
    }
  }
}
"""


async def paths_ending(graphql: GraphQL, hop_id: str, **variables: Any) -> list[dict[str, Any]]:
    body = await graphql(TRANSFERS, variables)
    assert "errors" not in body, body
    return [p for p in body["data"]["transfers"]["paths"] if p["hops"][-1]["id"] == hop_id]


@pytest.mark.usefixtures("transfer_graph")
async def test_a_three_hop_chain_where_only_the_last_hop_fails(graphql: GraphQL) -> None:
    [path] = await paths_ending(graphql, P + "e-in", org=P + "de", asOf="2026-11-26")
    assert [hop["id"] for hop in path["hops"]] == [P + "f-crm", P + "e-ca", P + "e-in"]
    assert [hop["verdict"] for hop in path["hops"]] == ["ADEQUACY", "ADEQUACY", "BLOCKED"]
    assert path["verdict"] == "BLOCKED"
    first, second, last = path["hops"]
    assert first["legalBasis"]["instrumentId"] == "EU-US"
    assert second["legalBasis"]["instrumentId"] == "EU-CA"
    assert last["country"] == "IN" and last["missing"]
    assert path["evaluatedFor"] == "2026-11-26"


@pytest.mark.usefixtures("transfer_graph")
async def test_uk_adequacy_before_and_after_its_sunset(graphql: GraphQL) -> None:
    [before] = await paths_ending(graphql, P + "f-gb", org=P + "de", asOf="2031-12-27")
    [after] = await paths_ending(graphql, P + "f-gb", org=P + "de", asOf="2031-12-28")
    assert before["verdict"] == "ADEQUACY"
    assert after["verdict"] == "EXPIRED"
    assert after["hops"][0]["legalBasis"]["instrumentId"] == "EU-GB"


@pytest.mark.usefixtures("transfer_graph")
async def test_art_9_data_is_flagged_on_the_path(graphql: GraphQL) -> None:
    [path] = await paths_ending(graphql, P + "f-gb", org=P + "de", asOf="2026-11-26")
    assert path["specialCategory"] is True
    assert path["hops"][0]["specialCategory"] is True
    [plain] = await paths_ending(graphql, P + "f-crm", org=P + "de", asOf="2026-11-26")
    assert plain["specialCategory"] is False


@pytest.mark.usefixtures("transfer_graph")
async def test_employee_data_needs_a_certification_that_covers_hr_data(graphql: GraphQL) -> None:
    [hr] = await paths_ending(graphql, P + "f-hr", system=P + "hr-app", asOf="2026-11-26")
    [plain] = await paths_ending(graphql, P + "f-crm", org=P + "de", asOf="2026-11-26")
    assert plain["verdict"] == "ADEQUACY"
    assert hr["verdict"] == "BLOCKED"
    assert any("covering HR data" in item for item in hr["hops"][0]["missing"])


@pytest.mark.usefixtures("transfer_graph", "seeded")
async def test_a_processor_run_system_no_flow_feeds_moves_what_its_storages_hold(
    graphql: GraphQL,
) -> None:
    [path] = await paths_ending(graphql, "operation:" + P + "ops", system=P + "ops")
    [hop] = path["hops"]
    assert (hop["channel"], hop["importerId"], hop["country"]) == ("OPERATION", P + "in-ops", "IN")
    assert hop["categories"] == ["user.contact.email", "user.name"]
    assert hop["verdict"] == "BLOCKED"


@pytest.mark.usefixtures("transfer_graph")
async def test_remote_access_from_abroad_is_a_transfer_and_an_scc_covers_it(
    graphql: GraphQL, db: Database
) -> None:
    await db.write("MATCH (s:Safeguard {id: $id}) DETACH DELETE s", {"id": P + "sg-help"})
    [blocked] = await paths_ending(graphql, P + "f-help", system=P + "helpdesk", asOf="2026-11-26")
    assert blocked["verdict"] == "BLOCKED"
    assert blocked["hops"][0]["via"] == ["ACCESSED_FROM"]
    await db.write(
        SAFEGUARD, {"id": P + "sg-help", "exporter": P + "de", "importer": P + "de-support",
                    "module": 2},
    )  # fmt: skip
    [covered] = await paths_ending(graphql, P + "f-help", system=P + "helpdesk", asOf="2026-11-26")
    hop = covered["hops"][0]
    assert covered["verdict"] == "SAFEGUARD"
    assert (hop["sccModule"], hop["tiaStatus"]) == (2, "DONE")
    assert hop["legalBasis"]["instrumentId"] == P + "sg-help"


@pytest.mark.usefixtures("transfer_graph")
async def test_uk_and_swiss_data_to_the_same_us_importer(graphql: GraphQL) -> None:
    [uk] = await paths_ending(graphql, P + "f-uk", org=P + "uk", regime="UK", asOf="2026-11-26")
    [ch] = await paths_ending(graphql, P + "f-ch", org=P + "ch", regime="CH", asOf="2026-11-26")
    assert uk["verdict"] == "ADEQUACY"
    assert uk["hops"][0]["legalBasis"]["instrumentId"] == "UK-US"
    assert ch["verdict"] == "BLOCKED"
    assert any("SWISS_US" in item for item in ch["hops"][0]["missing"])


@pytest.mark.usefixtures("transfer_graph")
async def test_a_regime_change_is_a_data_change(graphql: GraphQL, db: Database) -> None:
    """Repeal the US decision and add an Indian one in the graph: the decisions follow, with no
    code change."""
    saved = await db.read("MATCH (a:AdequacyDecision {id: 'EU-US'}) RETURN a.valid_until AS v")
    try:
        await db.write(
            "MATCH (a:AdequacyDecision {id: 'EU-US'}) SET a.valid_until = date('2026-07-01')"
        )
        await db.write(
            ADEQUACY,
            {"entries": [{"id": P + "EU-IN", "regime": "EU", "country": "IN", "scope": "FULL",
                          "instrument": "test decision", "scope_law": None,
                          "dpf_framework": None, "valid_until": None}]},
        )  # fmt: skip
        [path] = await paths_ending(graphql, P + "e-in", org=P + "de", asOf="2026-11-26")
        assert [hop["verdict"] for hop in path["hops"]] == ["EXPIRED", "ADEQUACY", "ADEQUACY"]
        assert path["hops"][2]["legalBasis"]["instrumentId"] == P + "EU-IN"
        assert path["verdict"] == "EXPIRED"
    finally:
        await db.write(
            "MATCH (a:AdequacyDecision {id: 'EU-US'}) SET a.valid_until = $v",
            {"v": saved[0]["v"]},
        )
        await db.write("MATCH (a:AdequacyDecision {id: $id}) DETACH DELETE a", {"id": P + "EU-IN"})
    [restored] = await paths_ending(graphql, P + "e-in", org=P + "de", asOf="2026-11-26")
    assert restored["hops"][0]["verdict"] == "ADEQUACY"


CHECK = """
query($input: TransferCheckInput!) {
  transferCheck(input: $input) {
    verdict country specialCategory missing sccModule
    legalBasis { article instrumentId }
  }
}
"""


@pytest.mark.usefixtures("transfer_graph")
async def test_transfer_check_before_onboarding_a_canadian_vendor(graphql: GraphQL) -> None:
    base = {"exporterId": P + "de", "importerCountry": "ca", "exporterRole": "CONTROLLER",
            "importerRole": "PROCESSOR", "asOf": "2026-11-26"}  # fmt: skip
    pipeda = await graphql(CHECK, {"input": base | {"importerSubjectTo": ["PIPEDA"]}})
    public = await graphql(CHECK, {"input": base | {"categories": ["user.health_and_medical"]}})
    assert pipeda["data"]["transferCheck"]["verdict"] == "ADEQUACY"
    assert pipeda["data"]["transferCheck"]["legalBasis"]["instrumentId"] == "EU-CA"
    decision = public["data"]["transferCheck"]
    assert decision["verdict"] == "BLOCKED" and decision["specialCategory"] is True
    assert any("PIPEDA" in item for item in decision["missing"])


@pytest.mark.usefixtures("transfer_graph")
async def test_transfer_check_reads_a_known_importers_certification(graphql: GraphQL) -> None:
    body = await graphql(
        CHECK,
        {"input": {"exporterId": P + "de", "importerId": P + "us-crm",
                   "exporterRole": "CONTROLLER", "importerRole": "PROCESSOR"}},
    )  # fmt: skip
    assert body["data"]["transferCheck"]["verdict"] == "ADEQUACY"
    assert body["data"]["transferCheck"]["country"] == "US"


@pytest.mark.usefixtures("transfer_graph")
async def test_bad_input_names_the_argument(graphql: GraphQL) -> None:
    both = await graphql('{ transfers(systemId: "a", organisationId: "b") { totalCount } }')
    unknown = await graphql(
        CHECK,
        {"input": {"exporterId": P + "nobody", "importerCountry": "US",
                   "exporterRole": "CONTROLLER", "importerRole": "PROCESSOR"}},
    )  # fmt: skip
    first = await graphql("{ transferAssessment(first: 100000) { totalCount } }")
    assert both["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "systemId"}
    missing = unknown["errors"][0]["extensions"]
    assert (missing["code"], missing["field"]) == ("NOT_FOUND", "input.exporterId")
    assert first["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "first"}


async def test_a_first_over_the_cap_is_refused_before_the_assessment_runs(
    graphql: GraphQL, app: FastAPI, new_admin_key: NewKey
) -> None:
    for query in (
        "{ transferAssessment(first: 1000) { totalCount } }",
        '{ transfers(systemId: "x", first: 1000) { totalCount } }',
    ):
        key = await new_admin_key()
        statements = app.state.db.statements
        body = await graphql(query, key=key)
        assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "first"}
        assert app.state.db.statements - statements == 1  # the new key's lookup only


@pytest.mark.usefixtures("transfer_graph")
async def test_the_whole_map_assessment_is_six_statements_and_explains_every_hop(
    graphql: GraphQL, app: FastAPI, new_admin_key: NewKey
) -> None:
    key = await new_admin_key()
    statements = app.state.db.statements
    body = await graphql(
        """{ transferAssessment(asOf: "2026-11-26", first: 500) {
             totalCount truncated counts { verdict count }
             paths { verdict hops { id verdict reason legalBasis { article } } } } }""",
        key=key,
    )
    assert app.state.db.statements - statements == 6 + 1  # six reads, the new key's lookup
    assessment = body["data"]["transferAssessment"]
    assert assessment["totalCount"] == sum(c["count"] for c in assessment["counts"])
    ids = {path["hops"][-1]["id"] for path in assessment["paths"]}
    assert {P + "f-crm", P + "e-ca", P + "e-in", P + "f-gb", P + "f-help"} <= ids
    for path in assessment["paths"]:
        for hop in path["hops"]:
            assert hop["reason"] and hop["legalBasis"]["article"], hop
    verdicts = [path["verdict"] for path in assessment["paths"]]
    assert verdicts.index("BLOCKED") < verdicts.index("ADEQUACY"), "worst first"


@pytest.mark.usefixtures("transfer_graph")
async def test_assessments_asked_at_once_run_one_at_a_time(
    graphql: GraphQL, monkeypatch: pytest.MonkeyPatch
) -> None:
    running, most = 0, 0
    assessed = transfer_service._assessed

    async def counted(*args: Any, **kwargs: Any) -> list[PathDecision]:
        nonlocal running, most
        running += 1
        most = max(most, running)
        try:
            return await assessed(*args, **kwargs)
        finally:
            running -= 1

    monkeypatch.setattr(transfer_service, "_assessed", counted)
    query = '{ transferAssessment(asOf: "2026-11-26") { totalCount } }'
    bodies = await asyncio.gather(*(graphql(query) for _ in range(3)))
    assert all("errors" not in body for body in bodies), bodies
    assert len({body["data"]["transferAssessment"]["totalCount"] for body in bodies}) == 1
    assert most == 1
