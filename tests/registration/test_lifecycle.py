"""Retiring every kind of registered entity, registering it again, and patching it with the
update mutations, all through GraphQL against the real Neo4j."""

import json
from typing import Any

import pytest

from graph.database import Database
from resolvers import global_id
from tests.conftest import GraphQL
from tests.graph_digest import graph_digest
from tests.registration.test_service import (
    REGISTER_FLOW,
    REGISTER_PROCESSOR,
    REGISTER_SAFEGUARD,
    REGISTER_SUB_PROCESSOR,
    REGISTER_SYSTEM,
    controller,
    processor,
    unique_source,
)

__all__ = ["controller"]


async def registered_map(graphql: GraphQL, source: str, controller: str) -> dict[str, Any]:
    """A processor with a sub-processor, two systems, a flow between them and a safeguard, all
    under `source`; the variables that registered each, by name."""
    inputs: dict[str, tuple[str, dict[str, Any]]] = {
        "processor": (REGISTER_PROCESSOR, processor(source, "crm", controller)),
        "sub": (
            REGISTER_SUB_PROCESSOR,
            {
                "source": source,
                "externalId": "host",
                "legalName": "Host Inc",
                "country": "US",
                "processorId": f"{source}:crm",
                "authorisation": "SPECIFIC",
                "authorisedOn": "2024-03-01",
            },
        ),
        "app": (
            REGISTER_SYSTEM,
            {
                "source": source,
                "externalId": "app",
                "name": "App",
                "kind": "APPLICATION",
                "operatorId": controller,
                "operatorRole": "CONTROLLER",
                "hostedIn": ["DE"],
            },
        ),
        "crm": (
            REGISTER_SYSTEM,
            {
                "source": source,
                "externalId": "crm-db",
                "name": "CRM",
                "kind": "SAAS",
                "operatorId": f"{source}:crm",
                "operatorRole": "PROCESSOR",
                "hostedIn": ["US"],
                "ownerTeam": "sales",
            },
        ),
        "flow": (
            REGISTER_FLOW,
            {
                "source": source,
                "externalId": "app-crm",
                "fromSystemId": f"{source}:app",
                "toSystemId": f"{source}:crm-db",
                "categories": ["user.contact.email"],
                "purpose": "marketing",
                "mode": "PUSH",
            },
        ),
        "safeguard": (
            REGISTER_SAFEGUARD,
            {
                "source": source,
                "externalId": "scc",
                "type": "SCC",
                "module": 2,
                "regimes": ["EU"],
                "signedOn": "2023-06-01",
                "exporterId": controller,
                "importerId": f"{source}:crm",
            },
        ),
    }
    for mutation, variables in inputs.values():
        body = await graphql(mutation, {"input": variables})
        assert "errors" not in body, body
    return {name: variables for name, (_, variables) in inputs.items()}


RETIRE = "mutation($id: ID!, $on: Date) {{ {field}(id: $id, on: $on) {{ id retiredOn }} }}"
RETIRED_ON = {
    "Organisation": "MATCH (n:Organisation {id: $id}) RETURN toString(n.retired_on) AS on",
    "System": "MATCH (n:System {id: $id}) RETURN toString(n.retired_on) AS on",
    "Safeguard": "MATCH (n:Safeguard {id: $id}) RETURN toString(n.retired_on) AS on",
    "ENGAGES": "MATCH ()-[n:ENGAGES {id: $id}]->() RETURN toString(n.retired_on) AS on",
    "FLOWS_TO": "MATCH ()-[n:FLOWS_TO {id: $id}]->() RETURN toString(n.retired_on) AS on",
}


def retirements(source: str) -> list[tuple[str, str, str, str]]:
    """(mutation field, entity id, what holds it, the registration that restores it)."""
    return [
        ("retireProcessor", f"{source}:crm", "Organisation", "processor"),
        ("retireProcessor", f"{source}:host", "Organisation", "sub"),
        ("retireEngagement", f"{source}:crm>{source}:host", "ENGAGES", "sub"),
        ("retireSystem", f"{source}:crm-db", "System", "crm"),
        ("retireDataFlow", f"{source}:app-crm", "FLOWS_TO", "flow"),
        ("retireSafeguard", f"{source}:scc", "Safeguard", "safeguard"),
    ]


MUTATIONS = {
    "processor": REGISTER_PROCESSOR,
    "sub": REGISTER_SUB_PROCESSOR,
    "crm": REGISTER_SYSTEM,
    "flow": REGISTER_FLOW,
    "safeguard": REGISTER_SAFEGUARD,
}


async def test_every_kind_retires_stays_in_the_graph_and_comes_back_when_registered(
    graphql: GraphQL, db: Database, controller: str
) -> None:
    source = unique_source()
    registered = await registered_map(graphql, source, controller)

    for field, entity_id, kind, _ in retirements(source):
        body = await graphql(RETIRE.format(field=field), {"id": entity_id, "on": "2025-04-30"})
        assert body == {"data": {field: {"id": entity_id, "retiredOn": "2025-04-30"}}}, field
        assert await db.read(RETIRED_ON[kind], {"id": entity_id}) == [{"on": "2025-04-30"}]

    for _, entity_id, kind, name in retirements(source):
        body = await graphql(MUTATIONS[name], {"input": registered[name]})
        assert "errors" not in body, body
        assert await db.read(RETIRED_ON[kind], {"id": entity_id}) == [{"on": None}], entity_id

    events = await db.read(
        "MATCH (a:AuditEvent) WHERE a.entity_id STARTS WITH $prefix AND a.operation "
        "STARTS WITH 'retire' RETURN a.operation AS operation, a.entity_id AS id, a.after AS after",
        {"prefix": f"{source}:"},
    )
    assert sorted((e["operation"], e["id"]) for e in events) == sorted(
        (field, entity_id) for field, entity_id, _, _ in retirements(source)
    )
    assert all(json.loads(e["after"])["retired_on"] == "2025-04-30" for e in events)


UNKNOWN_RETIREMENTS = [
    ("retireProcessor", "metricflow-incc", "metricflow-inc"),
    ("retireOrganisation", "metricflow-incc", "metricflow-inc"),
    ("retireEngagement", "e-preemptly-metricflo", "e-preemptly-metricflow"),
    ("retireSystem", "accounts-dbb", "accounts-db"),
    ("retireSystem", global_id.encode("System", "accounts-dbb"), "accounts-db"),
    ("retireStorage", "st-accountz", "st-accounts"),
    ("retireProcessingActivity", "pa-suport", "pa-support"),
    ("retireDataFlow", "f-website-sales-crn", "f-website-sales-crm"),
    ("retireSafeguard", "sg-preemptly-cortexa-scc", "sg-preemptly-cortexa-scc3"),
]


@pytest.mark.usefixtures("seeded")
@pytest.mark.parametrize(
    ("field", "unknown", "nearest"),
    UNKNOWN_RETIREMENTS,
    ids=[f"{case[0]}-{case[1][:12]}" for case in UNKNOWN_RETIREMENTS],
)
async def test_retiring_an_unknown_id_is_not_found_with_the_nearest_keys(
    graphql: GraphQL, field: str, unknown: str, nearest: str
) -> None:
    """Every retire mutation answers an id (key or global id) that names nothing as the
    lookups do: NOT_FOUND naming `id`, with the nearest keys of its kind."""
    body = await graphql(RETIRE.format(field=field), {"id": unknown})
    assert body["data"] is None
    error = body["errors"][0]
    assert (error["extensions"]["code"], error["extensions"]["field"]) == ("NOT_FOUND", "id")
    assert nearest in error["extensions"]["suggestions"], error
    assert "did you mean" in error["message"] and nearest in error["message"], error


@pytest.mark.usefixtures("seeded")
async def test_restoring_an_unknown_id_is_not_found_with_the_nearest_keys(
    graphql: GraphQL,
) -> None:
    body = await graphql(
        'mutation { restoreRetired(kind: SYSTEM, id: "accounts-dbb") { id } }',
    )
    extensions = body["errors"][0]["extensions"]
    assert (extensions["code"], extensions["field"]) == ("NOT_FOUND", "id")
    assert "accounts-db" in extensions["suggestions"]


UPDATE_SYSTEM = """
mutation($id: ID!, $input: SystemPatch!) { updateSystem(id: $id, input: $input) {
  id: key changed
} }
"""
UPDATE_PROCESSOR = """
mutation($id: ID!, $input: ProcessorPatch!) {
  updateProcessor(id: $id, input: $input) { id: key created changed }
}
"""
UPDATE_FLOW = """
mutation($id: ID!, $input: DataFlowPatch!) { updateDataFlow(id: $id, input: $input) {
  id: key changed
} }
"""
UPDATE_SAFEGUARD = """
mutation($id: ID!, $input: SafeguardPatch!) {
  updateSafeguard(id: $id, input: $input) { id: key changed }
}
"""


async def audited(db: Database, entity_id: str, operation: str) -> list[dict[str, Any]]:
    rows = await db.read(
        "MATCH (a:AuditEvent {entity_id: $id, operation: $operation}) "
        "RETURN a.before AS before, a.after AS after, a.actor AS actor",
        {"id": entity_id, "operation": operation},
    )
    return [
        {**row, "before": json.loads(row["before"]), "after": json.loads(row["after"])}
        for row in rows
    ]


async def test_an_update_patches_only_the_given_fields_and_is_audited(
    graphql: GraphQL, db: Database, controller: str
) -> None:
    source = unique_source()
    await registered_map(graphql, source, controller)
    system_id = f"{source}:crm-db"

    body = await graphql(UPDATE_SYSTEM, {"id": system_id, "input": {"hostedIn": ["IE", "US"]}})
    same = await graphql(UPDATE_SYSTEM, {"id": system_id, "input": {"hostedIn": ["US", "IE"]}})

    assert body == {"data": {"updateSystem": {"id": system_id, "changed": True}}}
    assert same == {"data": {"updateSystem": {"id": system_id, "changed": False}}}
    rows = await db.read(
        "MATCH (s:System {id: $id})-[r:OPERATED_BY]->(o) RETURN s.name AS name, "
        "s.owner_team AS team, s.kind AS kind, r.role AS role, o.id AS operator, "
        "[(s)-[:HOSTED_IN]->(c) | c.code] AS hosted",
        {"id": system_id},
    )
    assert len(rows) == 1
    assert sorted(rows[0].pop("hosted")) == ["IE", "US"]
    assert rows[0] == {
        "name": "CRM",
        "team": "sales",
        "kind": "SAAS",
        "role": "PROCESSOR",
        "operator": f"{source}:crm",
    }
    events = await audited(db, system_id, "updateSystem")
    assert len(events) == 2
    changed = next(e for e in events if e["before"]["hosted_in"] == ["US"])
    assert sorted(changed["after"]["hosted_in"]) == ["IE", "US"]
    assert changed["before"]["owner_team"] == changed["after"]["owner_team"] == "sales"

    cleared = await graphql(UPDATE_SYSTEM, {"id": system_id, "input": {"ownerTeam": None}})
    assert cleared["data"]["updateSystem"]["changed"] is True
    teams = await db.read("MATCH (s:System {id: $id}) RETURN s.owner_team AS t", {"id": system_id})
    assert teams == [{"t": None}]


async def test_a_renamed_system_is_listed_by_its_new_name(
    graphql: GraphQL, db: Database, controller: str
) -> None:
    """The sort name the lists read follows the name, and no payload or audit event shows it."""
    source = unique_source()
    await registered_map(graphql, source, controller)
    system_id = f"{source}:crm-db"
    renamed = await graphql(UPDATE_SYSTEM, {"id": system_id, "input": {"name": "aaa CRM"}})
    assert renamed == {"data": {"updateSystem": {"id": system_id, "changed": True}}}
    stored = await db.read("MATCH (s:System {id: $id}) RETURN s.sort_name AS k", {"id": system_id})
    assert stored == [{"k": "aaa crm"}]
    events = await audited(db, system_id, "updateSystem")
    assert events and all("sort_name" not in e["before"] | e["after"] for e in events)
    page = await graphql('{ systems(filter: {search: "aaa crm"}) { nodes { key } } }')
    assert {"key": system_id} in page["data"]["systems"]["nodes"]


async def test_updating_a_processor_and_a_sub_processor_keeps_their_engagements(
    graphql: GraphQL, db: Database, controller: str
) -> None:
    source = unique_source()
    await registered_map(graphql, source, controller)

    moved = await graphql(
        UPDATE_PROCESSOR,
        {"id": f"{source}:crm", "input": {"country": "FR", "service": "CRM hosting"}},
    )
    renamed = await graphql(
        UPDATE_PROCESSOR, {"id": f"{source}:host", "input": {"legalName": "Host LLC"}}
    )

    assert moved["data"]["updateProcessor"] == {
        "id": f"{source}:crm",
        "created": False,
        "changed": True,
    }
    assert renamed["data"]["updateProcessor"]["changed"] is True
    rows = await db.read(
        "MATCH (c:Organisation {id: $controller})-[e:ENGAGES]->(p:Organisation {id: $crm}) "
        "MATCH (p)-[:ESTABLISHED_IN]->(country) "
        "MATCH (p)-[s:ENGAGES]->(h:Organisation {id: $host}) "
        "RETURN country.code AS country, e.service AS service, e.role AS role, "
        "e.categories AS categories, h.legal_name AS host, s.role AS sub_role, "
        "s.authorisation AS authorisation, toString(s.authorised_on) AS authorised_on",
        {"controller": controller, "crm": f"{source}:crm", "host": f"{source}:host"},
    )
    assert rows == [
        {
            "country": "FR",
            "service": "CRM hosting",
            "role": "PROCESSOR",
            "categories": ["user.contact.email"],
            "host": "Host LLC",
            "sub_role": "SUB_PROCESSOR",
            "authorisation": "SPECIFIC",
            "authorised_on": "2024-03-01",
        }
    ]


async def test_a_flow_can_be_redirected_and_a_safeguard_extended(
    graphql: GraphQL, db: Database, controller: str
) -> None:
    source = unique_source()
    await registered_map(graphql, source, controller)

    flow = await graphql(
        UPDATE_FLOW,
        {"id": f"{source}:app-crm", "input": {"toSystemId": None, "toOrganisationId": controller}},
    )
    safeguard = await graphql(
        UPDATE_SAFEGUARD,
        {"id": f"{source}:scc", "input": {"tiaOn": "2024-01-15", "tiaOutcome": "ADEQUATE"}},
    )

    assert flow["data"]["updateDataFlow"]["changed"] is True
    assert safeguard["data"]["updateSafeguard"]["changed"] is True
    rows = await db.read(
        "MATCH (a:System)-[f:FLOWS_TO {id: $flow}]->(b) "
        "MATCH (g:Safeguard {id: $safeguard}) "
        "RETURN a.id AS source, b.id AS target, f.categories AS categories, g.module AS module, "
        "toString(g.tia_on) AS tia_on, g.tia_outcome AS outcome",
        {"flow": f"{source}:app-crm", "safeguard": f"{source}:scc"},
    )
    assert rows == [
        {
            "source": f"{source}:app",
            "target": controller,
            "categories": ["user.contact.email"],
            "module": 2,
            "tia_on": "2024-01-15",
            "outcome": "ADEQUATE",
        }
    ]


INVALID_UPDATES = [
    (UPDATE_SYSTEM, "crm-db", {"hostedIn": ["DE", "XX"]}, "input.hostedIn[1]"),
    (UPDATE_SYSTEM, "crm-db", {"name": None}, "input.name"),
    (UPDATE_SYSTEM, "crm-db", {"operatorId": "t-reg-nobody"}, "input.operatorId"),
    (UPDATE_SYSTEM, "crm-db", {}, "input"),
    (UPDATE_PROCESSOR, "crm", {"country": "us"}, "input.country"),
    (UPDATE_PROCESSOR, "host", {"categories": ["user.nothing"]}, "input.categories[0]"),
    (UPDATE_FLOW, "app-crm", {"toOrganisationId": "CONTROLLER"}, "input"),
    (UPDATE_FLOW, "app-crm", {"purpose": "not.a.use"}, "input.purpose"),
    (UPDATE_SAFEGUARD, "scc", {"expiresOn": "2020-01-01"}, "input"),
    (UPDATE_SAFEGUARD, "scc", {"type": "BCR"}, "input"),
]


@pytest.mark.parametrize(
    ("mutation", "external_id", "patch", "field"),
    INVALID_UPDATES,
    ids=[f"{case[1]}-{case[3]}" for case in INVALID_UPDATES],
)
async def test_an_invalid_update_is_refused_with_its_path_and_changes_nothing(
    graphql: GraphQL,
    db: Database,
    controller: str,
    mutation: str,
    external_id: str,
    patch: dict[str, Any],
    field: str,
) -> None:
    source = unique_source()
    await registered_map(graphql, source, controller)
    values = {k: controller if v == "CONTROLLER" else v for k, v in patch.items()}
    before = await graph_digest(db)
    body = await graphql(mutation, {"id": f"{source}:{external_id}", "input": values})
    assert body["data"] is None
    extensions = body["errors"][0]["extensions"]
    code = "NOT_FOUND" if values.get("operatorId") == "t-reg-nobody" else "BAD_USER_INPUT"
    assert (extensions["code"], extensions["field"]) == (code, field)
    assert await graph_digest(db) == before


@pytest.mark.parametrize(
    ("mutation", "patch"),
    [
        (UPDATE_SYSTEM, {"name": "X"}),
        (UPDATE_PROCESSOR, {"legalName": "X"}),
        (UPDATE_FLOW, {"purpose": "marketing"}),
        (UPDATE_SAFEGUARD, {"module": 1}),
    ],
    ids=["system", "processor", "flow", "safeguard"],
)
async def test_updating_what_was_never_registered_is_not_found(
    graphql: GraphQL, controller: str, mutation: str, patch: dict[str, Any]
) -> None:
    body = await graphql(mutation, {"id": f"{unique_source()}:nothing", "input": patch})
    extensions = body["errors"][0]["extensions"]
    assert (extensions["code"], extensions["field"]) == ("NOT_FOUND", "id")
    assert "nothing" in body["errors"][0]["message"]
    seeded = await graphql(mutation, {"id": controller, "input": patch})
    extensions = seeded["errors"][0]["extensions"]
    assert (extensions["code"], extensions["field"]) == ("NOT_FOUND", "id")


async def test_a_retired_entity_is_not_updated(
    graphql: GraphQL, db: Database, controller: str
) -> None:
    source = unique_source()
    await registered_map(graphql, source, controller)
    await graphql(RETIRE.format(field="retireSystem"), {"id": f"{source}:crm-db"})
    body = await graphql(UPDATE_SYSTEM, {"id": f"{source}:crm-db", "input": {"name": "New"}})
    assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "id"}
    rows = await db.read(
        "MATCH (s:System {id: $id}) RETURN s.name AS n", {"id": f"{source}:crm-db"}
    )
    assert rows == [{"n": "CRM"}]
