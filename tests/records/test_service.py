"""The records of processing (Art. 30) on Preemptly's seeded map, through GraphQL: each record is
checked against the graph it was read from, and every empty cell says what is missing."""

from typing import Any, LiteralString

import pytest

from graph.database import Database
from resolvers.auth.principal import Role
from resolvers.records.decisions import SourceKind
from resolvers.registration.vocabulary import NodeKind
from tests.conftest import GraphQL, enum_of

AS_OF = "2026-11-26"
CELL = "values sources { kind key id } missing"
RECORDS = f"""query($profile: String!, $regime: RegimeKey, $asOf: Date) {{
  recordsOfProcessing(profile: $profile, regime: $regime, asOf: $asOf) {{
    profile regime evaluatedFor
    controllerColumns {{ position heading item field }}
    controllerRecords {{
      activityId name
      controller {{ {CELL} }} purposes {{ {CELL} }} dataSubjects {{ {CELL} }}
      dataCategories {{ {CELL} }} recipients {{ {CELL} }} transferCountries {{ {CELL} }}
      transferMechanisms {{ {CELL} }} erasure {{ {CELL} }} security {{ {CELL} }}
      transfers {{
        hopId country importerId verdict mechanism safeguardType instrumentId sccModule article
      }}
      columns {{ column {{ heading item field }} cell {{ {CELL} }} }}
    }}
    processorRecords {{
      controllerId name activityIds
      processor {{ {CELL} }} controller {{ {CELL} }} processing {{ {CELL} }}
      transferCountries {{ {CELL} }} transferMechanisms {{ {CELL} }} security {{ {CELL} }}
      transfers {{ hopId country verdict mechanism safeguardType instrumentId sccModule }}
      columns {{ column {{ heading item field }} cell {{ {CELL} }} }}
    }}
  }}
}}"""


LEAVING = """query($asOf: Date) { transferAssessment(regime: EU, asOf: $asOf, first: 500) {
  totalCount paths {
    hops { id verdict mechanism safeguardType legalBasis { instrumentId } } } } }"""


async def records(graphql: GraphQL, profile: str = "GDPR", **variables: Any) -> dict[str, Any]:
    body = await graphql(RECORDS, {"profile": profile, "asOf": AS_OF, **variables})
    assert "errors" not in body, body
    result: dict[str, Any] = body["data"]["recordsOfProcessing"]
    return result


async def column(db: Database, text: LiteralString, **params: Any) -> list[Any]:
    return [row["value"] for row in await db.read(text, params)]


async def test_one_controller_record_per_controlled_activity_and_one_processor_record_per_customer(
    seeded: Database, graphql: GraphQL
) -> None:
    result = await records(graphql)
    controlled = await column(
        seeded,
        "MATCH (pa:ProcessingActivity {preemptly_role: 'CONTROLLER'}) RETURN pa.id AS value",
    )
    customers = await column(
        seeded,
        "MATCH (:ProcessingActivity {preemptly_role: 'PROCESSOR'})-[:CONTROLLED_BY]->(o) "
        "RETURN DISTINCT o.id AS value",
    )
    assert sorted(r["activityId"] for r in result["controllerRecords"]) == sorted(controlled)
    assert sorted(r["controllerId"] for r in result["processorRecords"]) == sorted(customers)
    assert {"acme-logistics", "globex-inc"} <= set(customers)
    acme = next(r for r in result["processorRecords"] if r["controllerId"] == "acme-logistics")
    own = await column(seeded, "MATCH (o:Organisation {is_self: true}) RETURN o.id AS value")
    assert acme["processor"]["sources"][0]["key"] in own
    assert "Acme Logistics B.V." in acme["controller"]["values"]


async def test_a_cells_source_kind_is_an_enum_and_every_node_source_answers_node(
    graphql: GraphQL,
) -> None:
    name, members = await enum_of(graphql, "RecordSource", "kind")
    assert name == "RecordSourceKind"
    assert members - {"TransferHop"} <= {kind.value for kind in NodeKind}
    assert members == {kind.value for kind in SourceKind}
    result = await records(graphql)
    sources = {
        (source["kind"], source["key"], source["id"])
        for kind in ("controllerRecords", "processorRecords")
        for record in result[kind]
        for entry in record["columns"]
        for source in entry["cell"]["sources"]
    }
    assert {kind for kind, _, _ in sources} >= {"System", "Organisation", "TransferHop"}
    query = "query($id: ID!) { node(id: $id) { __typename key } }"
    for kind, key, node_id in sorted(sources):
        assert (node_id is None) == (kind == "TransferHop"), (kind, key)
        if node_id is not None:
            body = await graphql(query, {"id": node_id})
            assert body.get("data", {}).get("node") == {"__typename": kind, "key": key}, body


async def test_transfers_are_the_engines_decisions_with_their_mechanism(
    seeded: Database, graphql: GraphQL
) -> None:
    result = await records(graphql)
    body = await graphql(LEAVING, {"asOf": AS_OF})
    engine = {
        path["hops"][-1]["id"]: path["hops"][-1]
        for path in body["data"]["transferAssessment"]["paths"]
    }
    transfers = [
        t
        for kind in ("controllerRecords", "processorRecords")
        for record in result[kind]
        for t in record["transfers"]
    ]
    assert transfers
    mechanisms = await enum_of(graphql, "RecordTransfer", "mechanism")
    types = await enum_of(graphql, "RecordTransfer", "safeguardType")
    assert (mechanisms[0], types[0]) == ("TransferMechanism", "SafeguardType")
    for t in transfers:
        decided = engine[t["hopId"]]
        assert t["verdict"] == decided["verdict"], t
        assert t["instrumentId"] == decided["legalBasis"]["instrumentId"], t
        assert (t["mechanism"], t["safeguardType"]) == (
            decided["mechanism"],
            decided["safeguardType"],
        ), t
        assert t["mechanism"] in mechanisms[1], t
        assert t["safeguardType"] is None or t["safeguardType"] in types[1], t
    assert {"ADEQUACY", "SAFEGUARD"} <= {t["mechanism"] for t in transfers}
    scc = [t for t in transfers if t["safeguardType"] == "SCC"]
    assert scc and all(t["mechanism"] == "SAFEGUARD" for t in scc)
    assert all(t["sccModule"] in (1, 2, 3, 4) for t in scc)
    for record in result["controllerRecords"]:
        countries = {t["country"] for t in record["transfers"]}
        cited = {s["key"] for s in record["transferCountries"]["sources"] if s["kind"] == "Country"}
        assert cited == countries, record["activityId"]


async def test_security_and_erasure_come_from_the_systems_and_storages(
    seeded: Database, graphql: GraphQL
) -> None:
    result = await records(graphql)
    for record in result["controllerRecords"]:
        labels = await column(
            seeded,
            "MATCH (:ProcessingActivity {id: $id})-[:RUNS_ON]->(:System)-[:PROTECTED_BY]->(m) "
            "RETURN DISTINCT m.label AS value",
            id=record["activityId"],
        )
        systems = await column(
            seeded,
            "MATCH (:ProcessingActivity {id: $id})-[:RUNS_ON]->(s:System) RETURN s.id AS value",
            id=record["activityId"],
        )
        security = record["security"]
        assert sorted(security["values"]) == sorted(labels), record["activityId"]
        cited = {s["key"] for s in security["sources"] if s["kind"] == "System"}
        assert cited == set(systems), record["activityId"]
    transactions = next(
        r for r in result["controllerRecords"] if r["activityId"] == "pa-transactions"
    )
    obligations = await column(
        seeded,
        "MATCH (:ProcessingActivity {id: 'pa-transactions'})-[:RUNS_ON]->(:System)"
        "<-[:IN_SYSTEM]-(:Storage)-[:RETAINED_UNDER]->(o) RETURN DISTINCT o.id AS value",
    )
    assert obligations
    erasure = transactions["erasure"]
    assert {s["key"] for s in erasure["sources"] if s["kind"] == "RetentionObligation"} == set(
        obligations
    )
    assert any("years under" in line for line in erasure["values"])


@pytest.mark.parametrize("profile", ["GDPR", "ICO", "CNIL"])
async def test_every_cell_names_its_sources_or_says_what_is_missing(
    seeded: Database, graphql: GraphQL, profile: str
) -> None:
    result = await records(graphql, profile)
    headings = await column(
        seeded,
        "MATCH (:RecordProfile {key: $key})-[:HAS_COLUMN]->(c {record_kind: 'CONTROLLER'}) "
        "RETURN c.heading AS value ORDER BY c.position",
        key=profile,
    )
    assert [c["heading"] for c in result["controllerColumns"]] == headings
    for kind in ("controllerRecords", "processorRecords"):
        for record in result[kind]:
            for entry in record["columns"]:
                cell = entry["cell"]
                if cell["values"]:
                    assert cell["sources"], (record, entry["column"])
                else:
                    assert cell["missing"], (record, entry["column"])
    assert result["regime"] == {"GDPR": "EU", "ICO": "UK", "CNIL": "EU"}[profile]


async def test_unknown_profile_is_bad_user_input_naming_it(
    seeded: Database, graphql: GraphQL
) -> None:
    body = await graphql(RECORDS, {"profile": "HIPAA", "asOf": AS_OF})
    error = body["errors"][0]
    assert error["extensions"] == {
        "code": "BAD_USER_INPUT",
        "field": "profile",
        "suggestions": ["CNIL", "GDPR", "ICO"],
    }
    assert "HIPAA" in error["message"] and "CNIL" in error["message"]


async def test_a_viewer_key_is_forbidden(
    seeded: Database, graphql: GraphQL, api_keys: dict[Role, str]
) -> None:
    body = await graphql(RECORDS, {"profile": "GDPR"}, key=api_keys[Role.VIEWER])
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert body["data"] is None
