"""The access plan through GraphQL over a synthetic map built under its own prefix."""

from typing import Any

import pytest
from fastapi import FastAPI

from app.settings import Settings
from graph.database import Database
from tests.conftest import GraphQL, NewKey

P = "t-acc-"

# Countries, regimes and access items are shared reference nodes: merged, never replaced, so the
# seeded ones (when loaded) keep their texts and the plan is compared with what the graph holds.
REFERENCE = """
MERGE (eu:Regime {key: 'EU'})
FOREACH (code IN ['DE', 'NL', 'IE'] |
  MERGE (c:Country {code: code}) MERGE (c)-[:IN_AREA_OF]->(eu))
FOREACH (code IN ['US', 'IN'] | MERGE (:Country {code: code}))
FOREACH (key IN ['GDPR-15-1-a', 'GDPR-15-1-f', 'GDPR-15-2'] |
  MERGE (i:RightItem {key: key})
  ON CREATE SET i.regime = 'EU', i.article = 'Art. ' + key, i.text = 'test text of ' + key)
FOREACH (key IN ['user.contact.email', 'user.name', 'user.device'] |
  MERGE (:DataCategory {key: key}))
"""

MAP = """
MERGE (subject:DataSubject {key: $p + 'subject'}) SET subject.name = 'Test subject'
CREATE (me:Organisation {id: $p + 'me', legal_name: 'Me GmbH', country: 'DE', is_self: true,
                         supervisory_authority: 'Test authority'}),
  (vendor:Organisation {id: $p + 'vendor', legal_name: 'Vendor Inc', country: 'US'}),
  (sub:Organisation {id: $p + 'sub', legal_name: 'Sub Pvt', country: 'IN'}),
  (customer:Organisation {id: $p + 'customer', legal_name: 'Customer BV', country: 'NL'}),
  (feederorg:Organisation {id: $p + 'feeder-org', legal_name: 'Feeder Ltd', country: 'IE'})
CREATE (app:System {id: $p + 'app', name: 'App', owner_team: 'platform',
                    retrieval_method: 'admin export', identifiers: ['email']}),
  (db:System {id: $p + 'db', name: 'DB', owner_team: 'platform', retrieval_method: 'SQL',
              identifiers: ['email']}),
  (copy:System {id: $p + 'copy', name: 'Copy', owner_team: 'data', retrieval_method: 'query',
                identifiers: ['email']}),
  (devices:System {id: $p + 'devices', name: 'Devices', owner_team: 'data',
                   retrieval_method: 'query', identifiers: []}),
  (backup:System {id: $p + 'backup', name: 'Backup', kind: 'BACKUP', owner_team: 'platform',
                  rotation_days: 35, identifiers: []}),
  (orphan:System {id: $p + 'orphan', name: 'Orphan sheet', identifiers: ['email']}),
  (feeder:System {id: $p + 'feeder', name: 'Feeder', owner_team: 'x', retrieval_method: 'y',
                  identifiers: []}),
  (proc:System {id: $p + 'proc', name: 'Customer data', owner_team: 'platform',
                retrieval_method: 'tenant export', identifiers: ['email']})
CREATE (app)-[:OPERATED_BY {role: 'CONTROLLER'}]->(me),
  (db)-[:OPERATED_BY {role: 'PROCESSOR'}]->(vendor),
  (copy)-[:OPERATED_BY {role: 'CONTROLLER'}]->(me),
  (devices)-[:OPERATED_BY {role: 'CONTROLLER'}]->(me),
  (backup)-[:OPERATED_BY {role: 'PROCESSOR'}]->(vendor),
  (orphan)-[:OPERATED_BY {role: 'CONTROLLER'}]->(me),
  (feeder)-[:OPERATED_BY {role: 'CONTROLLER'}]->(feederorg),
  (proc)-[:OPERATED_BY {role: 'PROCESSOR'}]->(me),
  (vendor)-[:ENGAGES {id: $p + 'e1', role: 'SUB_PROCESSOR', service: 'support'}]->(sub),
  (backup)-[:BACKS_UP]->(db)
WITH *
MATCH (us:Country {code: 'US'}), (de:Country {code: 'DE'})
CREATE (db)-[:HOSTED_IN]->(us), (app)-[:HOSTED_IN]->(de)
CREATE (app)-[:FLOWS_TO {id: $p + 'f-app-db',
                        categories: ['user.contact.email', 'user.name']}]->(db),
  (db)-[:FLOWS_TO {id: $p + 'f-db-copy', categories: ['user.contact']}]->(copy),
  (app)-[:FLOWS_TO {id: $p + 'f-app-devices', categories: ['user.device']}]->(devices),
  (feeder)-[:FLOWS_TO {id: $p + 'f-feeder-copy', categories: ['user.contact.email']}]->(copy)
CREATE (g:Safeguard {id: $p + 'scc', type: 'SCC', module: 2, regimes: ['EU']}),
  (g)-[:EXPORTER]->(me), (g)-[:IMPORTER]->(vendor)
WITH *
MATCH (email:DataCategory {key: 'user.contact.email'}), (name:DataCategory {key: 'user.name'})
CREATE (st1:Storage {id: $p + 'st-app', retention: '30 days', retention_days: 30,
                     collected_from_subject: true, controller_role: 'CONTROLLER'}),
  (st1)-[:IN_SYSTEM]->(app), (st1)-[:OF_SUBJECT]->(subject), (st1)-[:OF_CATEGORY]->(email),
  (st1)-[:OF_CATEGORY]->(name)
CREATE (st2:Storage {id: $p + 'st-orphan', retention: 'unknown', controller_role: 'CONTROLLER'}),
  (st2)-[:IN_SYSTEM]->(orphan), (st2)-[:OF_SUBJECT]->(subject), (st2)-[:OF_CATEGORY]->(email)
CREATE (st3:Storage {id: $p + 'st-copy', retention: '1 year', retention_days: 365,
                     controller_role: 'CONTROLLER', collected_from_subject: false}),
  (st3)-[:IN_SYSTEM]->(copy), (st3)-[:OF_SUBJECT]->(subject), (st3)-[:OF_CATEGORY]->(email)
CREATE (st4:Storage {id: $p + 'st-proc', retention: 'subscription', retention_days: 30,
                     controller_role: 'PROCESSOR'}),
  (st4)-[:IN_SYSTEM]->(proc), (st4)-[:OF_SUBJECT]->(subject), (st4)-[:OF_CATEGORY]->(name)
CREATE (pa:ProcessingActivity {id: $p + 'pa-service', name: 'Service', purpose: 'essential',
                               preemptly_role: 'CONTROLLER', profiling: true,
                               recipient_categories: ['other users of the account']}),
  (pa)-[:CONCERNS]->(subject), (pa)-[:USES_CATEGORY]->(email), (pa)-[:RUNS_ON]->(app),
  (pa)-[:CONTROLLED_BY]->(me), (pa)-[:DISCLOSES_TO {role: 'PROCESSOR'}]->(vendor)
CREATE (pb:ProcessingActivity {id: $p + 'pa-customer', name: 'Customer data',
                               purpose: 'essential', preemptly_role: 'PROCESSOR'}),
  (pb)-[:CONCERNS]->(subject), (pb)-[:USES_CATEGORY]->(name), (pb)-[:RUNS_ON]->(proc),
  (pb)-[:CONTROLLED_BY]->(customer)
"""

PLAN = """
query ($subject: ID!, $categories: [String!], $regime: RegimeKey! = EU) {
  accessPlan(subject: $subject, categories: $categories, regime: $regime) {
    subject regime categories recipientCategories thirdPartyCategories collectedFromSubject
    controller { id supervisoryAuthority }
    locations { systemId heldAs reasons categories identifiers retrievalMethod ownerTeam
                retention retentionDays }
    purposes { activityId }
    recipients { organisation { id } roles reasons thirdCountry safeguards { id } }
    transfers { organisation { id } safeguards { id type module } verdict
                decisions { id verdict sccModule missing legalBasis { article instrumentId } } }
    transfersApply transferNote
    sources { systemId reasons }
    automatedDecisions { activityId }
    rightItems { key article text }
    routing { controller { id } activities systems categories }
    gaps { systemId missing }
    truncated
    document
  }
}
"""


@pytest.fixture(scope="module")
async def access_map(db: Database) -> None:
    await db.write("MATCH (n) WHERE n.id STARTS WITH $p DETACH DELETE n", {"p": P})
    await db.write("MATCH (n:DataSubject) WHERE n.key STARTS WITH $p DETACH DELETE n", {"p": P})
    await db.write(REFERENCE)
    await db.write(MAP, {"p": P})


async def plan(graphql: GraphQL, **variables: Any) -> dict[str, Any]:
    body = await graphql(PLAN, {"subject": P + "subject", **variables})
    assert "errors" not in body, body["errors"]
    result: dict[str, Any] = body["data"]["accessPlan"]
    return result


def by_id(items: list[dict[str, Any]], key: str = "systemId") -> dict[str, dict[str, Any]]:
    return {item[key].removeprefix(P): item for item in items}


async def test_locations_are_direct_copies_and_backups_each_with_a_reason(
    access_map: None, graphql: GraphQL
) -> None:
    result = await plan(graphql)
    locations = by_id(result["locations"])
    assert set(locations) == {"app", "db", "copy", "backup", "orphan"}
    assert result["truncated"] is False
    assert locations["app"]["heldAs"] == ["STORED", "PROCESSED"]
    assert locations["db"]["heldAs"] == ["COPY"]
    assert any(P + "f-app-db" in reason for reason in locations["db"]["reasons"])
    # The copy receives only what survives both flows: the email, not the name.
    assert locations["copy"]["categories"] == ["user.contact.email"]
    assert locations["backup"]["heldAs"] == ["BACKUP"]
    assert locations["backup"]["retentionDays"] == 35
    assert locations["app"]["identifiers"] == ["email"]
    assert locations["app"]["retrievalMethod"] == "admin export"


async def test_a_flow_without_the_subjects_categories_is_not_a_copy(
    access_map: None, graphql: GraphQL
) -> None:
    result = await plan(graphql)
    assert "devices" not in by_id(result["locations"])


async def test_processor_data_is_routed_to_the_controller(
    access_map: None, graphql: GraphQL
) -> None:
    result = await plan(graphql)
    assert "proc" not in by_id(result["locations"])
    assert result["routing"] == [
        {
            "controller": {"id": P + "customer"},
            "activities": [P + "pa-customer"],
            "systems": [P + "proc"],
            "categories": ["user.name"],
        }
    ]
    assert [p["activityId"] for p in result["purposes"]] == [P + "pa-service"]


async def test_recipients_transfers_and_recorded_safeguards(
    access_map: None, graphql: GraphQL
) -> None:
    result = await plan(graphql)
    recipients = by_id(
        [{**r, "id": r["organisation"]["id"]} for r in result["recipients"]], key="id"
    )
    assert set(recipients) == {"vendor", "sub"}
    assert recipients["vendor"]["roles"] == ["PROCESSOR"]
    assert recipients["sub"]["roles"] == ["SUB_PROCESSOR"]
    assert any(P + "e1" in reason for reason in recipients["sub"]["reasons"])
    transfers = {t["organisation"]["id"]: t["safeguards"] for t in result["transfers"]}
    assert transfers == {
        P + "vendor": [{"id": P + "scc", "type": "SCC", "module": 2}],
        P + "sub": [],
    }
    assert result["recipientCategories"] == ["other users of the account"]


async def test_each_transfer_abroad_carries_the_transfer_engines_decision(
    access_map: None, graphql: GraphQL
) -> None:
    result = await plan(graphql)
    assert result["transfersApply"] is True
    transfers = by_id([{**t, "id": t["organisation"]["id"]} for t in result["transfers"]], key="id")
    # The SCC on record has no TIA: the engine asks for one rather than take the safeguard as is.
    vendor = {d["id"]: d for d in transfers["vendor"]["decisions"]}[P + "f-app-db"]
    assert vendor["verdict"] == "ACTION_REQUIRED"
    assert vendor["legalBasis"] == {"article": "GDPR Art. 46(2)(c)", "instrumentId": P + "scc"}
    assert vendor["sccModule"] == 2
    assert any("transfer impact assessment" in item for item in vendor["missing"])
    # India has no adequacy and nothing is recorded between the vendor and its sub-processor.
    assert [(d["id"], d["verdict"]) for d in transfers["sub"]["decisions"]] == [
        (P + "e1", "BLOCKED")
    ]
    assert transfers["sub"]["verdict"] == "BLOCKED"
    assert f"{P}f-app-db to US: ACTION_REQUIRED, GDPR Art. 46(2)(c)" in result["document"]


async def test_sources_profiling_authority_and_items_come_from_the_graph(
    access_map: None, graphql: GraphQL, db: Database
) -> None:
    result = await plan(graphql)
    assert [source["systemId"] for source in result["sources"]] == [P + "feeder"]
    assert result["collectedFromSubject"] is True
    assert [a["activityId"] for a in result["automatedDecisions"]] == [P + "pa-service"]
    assert result["controller"] == {"id": P + "me", "supervisoryAuthority": "Test authority"}
    stored = await db.read(
        "MATCH (i:RightItem {regime: 'EU'}) RETURN i.key AS key, i.article AS article, "
        "i.text AS text ORDER BY key"
    )
    assert result["rightItems"] == stored
    complaint = next(item for item in stored if item["key"] == "GDPR-15-1-f")
    assert f"## {complaint['article']}: {complaint['text']}" in result["document"]
    assert "Test authority" in result["document"]


async def test_gaps_list_systems_without_owner_retrieval_or_retention(
    access_map: None, graphql: GraphQL
) -> None:
    result = await plan(graphql)
    gaps = {gap["systemId"].removeprefix(P): gap["missing"] for gap in result["gaps"]}
    assert gaps["orphan"] == ["OWNER", "RETRIEVAL_METHOD", "RETENTION"]
    assert gaps["backup"] == ["RETRIEVAL_METHOD"]
    assert gaps["db"] == ["RETENTION"]
    assert "app" not in gaps
    assert f"- {P}orphan: no owner, no retrieval method, no retention" in result["document"]


async def test_categories_narrow_the_plan(access_map: None, graphql: GraphQL) -> None:
    result = await plan(graphql, categories=["user.name"])
    assert set(by_id(result["locations"])) == {"app", "db", "backup"}
    assert result["categories"] == ["user.name"]


async def test_ccpa_has_no_transfers_and_its_own_items(
    access_map: None, graphql: GraphQL, db: Database
) -> None:
    result = await plan(graphql, regime="CCPA")
    assert result["transfers"] == []
    assert result["transfersApply"] is False
    assert "Chapter V" in result["transferNote"]
    assert result["transferNote"] in result["document"]
    assert result["thirdPartyCategories"] == [
        "other users of the account",
        "service providers and contractors",
    ]
    stored = await db.read("MATCH (i:RightItem {regime: 'CCPA'}) RETURN i.key AS key ORDER BY key")
    assert [item["key"] for item in result["rightItems"]] == [row["key"] for row in stored]


async def test_a_plan_takes_a_fixed_number_of_statements(
    access_map: None, graphql: GraphQL, app: FastAPI, new_admin_key: NewKey
) -> None:
    key = await new_admin_key()
    before = app.state.db.statements
    body = await graphql(
        "query ($s: ID!) { accessPlan(subject: $s) { locations { systemId } gaps { missing } "
        "recipients { organisation { id } } sources { systemId } } }",
        {"s": P + "subject"},
        key=key,
    )
    assert "errors" not in body, body["errors"]
    assert app.state.db.statements - before == 4 + 1  # four reads, and the new key's lookup


async def test_the_transfer_engine_is_asked_once_and_only_when_a_field_needs_it(
    access_map: None, graphql: GraphQL, app: FastAPI, new_admin_key: NewKey
) -> None:
    counts = []
    for fields in ["transfers { verdict }", "transfers { verdict } transferNote document"]:
        key = await new_admin_key()
        before = app.state.db.statements
        body = await graphql(
            "query ($s: ID!) { accessPlan(subject: $s) { " + fields + " } }",
            {"s": P + "subject"},
            key=key,
        )
        assert "errors" not in body, body["errors"]
        counts.append(app.state.db.statements - before)
    assert counts[0] > 8 + 1
    assert counts[1] == counts[0]


async def test_an_unknown_subject_is_not_found(graphql: GraphQL) -> None:
    body = await graphql(PLAN, {"subject": P + "nobody"})
    extensions = body["errors"][0]["extensions"]
    assert (extensions["code"], extensions["field"]) == ("NOT_FOUND", "subject")


async def test_the_node_cap_marks_the_plan_incomplete(
    db: Database, graphql: GraphQL, settings: Settings
) -> None:
    p = "t-acc-cap-"
    await db.write("MATCH (n) WHERE n.id STARTS WITH $p DETACH DELETE n", {"p": p})
    await db.write(
        "MERGE (c:DataCategory {key: 'user.name'}) "
        "MERGE (d:DataSubject {key: $p + 'subject'}) "
        "CREATE (hub:System {id: $p + 'hub'}), "
        "(st:Storage {id: $p + 'st', retention_days: 1, controller_role: 'CONTROLLER'}), "
        "(st)-[:IN_SYSTEM]->(hub), (st)-[:OF_SUBJECT]->(d), (st)-[:OF_CATEGORY]->(c) "
        "WITH hub UNWIND range(1, $n) AS i "
        "CREATE (hub)-[:FLOWS_TO {id: $p + 'f' + i, categories: ['user.name']}]->"
        "(:System {id: $p + i})",
        {"p": p, "n": settings.lineage_max_nodes},
    )
    body = await graphql(
        "query ($s: ID!) { accessPlan(subject: $s) { truncated locations { systemId } } }",
        {"s": p + "subject"},
    )
    result = body["data"]["accessPlan"]
    assert result["truncated"] is True
    assert len(result["locations"]) == settings.lineage_max_nodes + 1


async def test_the_hop_bound_marks_the_plan_incomplete(
    db: Database, graphql: GraphQL, settings: Settings
) -> None:
    p = "t-acc-hops-"
    await db.write("MATCH (n) WHERE n.id STARTS WITH $p DETACH DELETE n", {"p": p})
    await db.write(
        "MERGE (c:DataCategory {key: 'user.name'}) "
        "MERGE (d:DataSubject {key: $p + 'subject'}) "
        "CREATE (start:System {id: $p + '0'}), "
        "(st:Storage {id: $p + 'st', retention_days: 1, controller_role: 'CONTROLLER'}), "
        "(st)-[:IN_SYSTEM]->(start), (st)-[:OF_SUBJECT]->(d), (st)-[:OF_CATEGORY]->(c) "
        "WITH start UNWIND range(1, $n) AS i CREATE (:System {id: $p + i}) "
        "WITH count(*) AS made UNWIND range(0, $n - 1) AS i "
        "MATCH (a:System {id: $p + i}), (b:System {id: $p + (i + 1)}) "
        "CREATE (a)-[:FLOWS_TO {id: $p + 'f' + i, categories: ['user']}]->(b)",
        {"p": p, "n": settings.lineage_default_hops + 1},
    )
    body = await graphql(
        "query ($s: ID!) { accessPlan(subject: $s) { truncated locations { systemId } } }",
        {"s": p + "subject"},
    )
    result = body["data"]["accessPlan"]
    assert result["truncated"] is True
    assert {loc["systemId"] for loc in result["locations"]} == {
        p + str(i) for i in range(settings.lineage_default_hops + 1)
    }
