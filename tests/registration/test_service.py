import asyncio
import datetime
import json
import uuid
from typing import Any

import pytest

from graph import sort_names
from graph.database import Database
from resolvers.auth.audit import summary
from tests.conftest import GraphQL
from tests.graph_digest import graph_digest

REGISTER_PROCESSOR = """
mutation($input: ProcessorInput!) { registerProcessor(input: $input) {
  id: key created changed
} }
"""
REGISTER_PROCESSORS = """
mutation($inputs: [ProcessorInput!]!) { registerProcessors(inputs: $inputs) {
  id: key created changed
} }
"""
REGISTER_SUB_PROCESSOR = """
mutation($input: SubProcessorInput!) { registerSubProcessor(input: $input) {
  id: key created changed
} }
"""
REGISTER_SYSTEM = """
mutation($input: SystemInput!) { registerSystem(input: $input) {
  id: key created changed
} }
"""
REGISTER_FLOW = """
mutation($input: DataFlowInput!) { registerDataFlow(input: $input) {
  id: key created changed
} }
"""
REGISTER_SAFEGUARD = """
mutation($input: SafeguardInput!) { registerSafeguard(input: $input) {
  id: key created changed
} }
"""


@pytest.fixture
async def controller(db: Database) -> str:
    """A controller organisation of this test only."""
    org_id = f"t-reg-{uuid.uuid4().hex[:10]}"
    await db.write(
        "CREATE (:Organisation {id: $id, legal_name: 'Test controller', country: 'DE', "
        "source: 'test'})",
        {"id": org_id},
    )
    return org_id


def processor(source: str, external_id: str, controller: str, **extra: Any) -> dict[str, Any]:
    return {
        "source": source,
        "externalId": external_id,
        "legalName": f"Processor {external_id}",
        "country": "US",
        "engagedBy": controller,
        "categories": ["user.contact.email"],
        **extra,
    }


def unique_source() -> str:
    return f"t-reg-{uuid.uuid4().hex[:10]}"


async def test_registering_twice_changes_nothing_and_returns_the_same_id(
    graphql: GraphQL, db: Database, controller: str
) -> None:
    source = unique_source()
    variables = {"input": processor(source, "acme", controller, subjectTo=["PIPEDA"])}
    first = await graphql(REGISTER_PROCESSOR, variables)
    digest = await map_digest(db)
    second = await graphql(REGISTER_PROCESSOR, variables)

    assert first["data"]["registerProcessor"] == {
        "id": f"{source}:acme",
        "created": True,
        "changed": True,
    }
    assert second["data"]["registerProcessor"] == {
        "id": f"{source}:acme",
        "created": False,
        "changed": False,
    }
    assert await map_digest(db) == digest
    rows = await db.read(
        "MATCH (c:Organisation {id: $controller})-[e:ENGAGES]->(o:Organisation {source: $source}) "
        "MATCH (o)-[:ESTABLISHED_IN]->(country:Country) "
        "RETURN o.legal_name AS name, o.subject_to AS laws, e.role AS role, "
        "e.categories AS categories, country.code AS country",
        {"controller": controller, "source": source},
    )
    assert rows == [
        {
            "name": "Processor acme",
            "laws": ["PIPEDA"],
            "role": "PROCESSOR",
            "categories": ["user.contact.email"],
            "country": "US",
        }
    ]


async def test_an_update_changes_the_node_in_place(
    graphql: GraphQL, db: Database, controller: str
) -> None:
    source = unique_source()
    await graphql(REGISTER_PROCESSOR, {"input": processor(source, "acme", controller)})
    moved = processor(source, "acme", controller, legalName="Acme GmbH", country="DE")
    body = await graphql(REGISTER_PROCESSOR, {"input": moved})

    assert body["data"]["registerProcessor"] == {
        "id": f"{source}:acme",
        "created": False,
        "changed": True,
    }
    rows = await db.read(
        "MATCH (o:Organisation {source: $source})-[:ESTABLISHED_IN]->(c:Country) "
        "RETURN o.legal_name AS name, collect(c.code) AS countries",
        {"source": source},
    )
    assert rows == [{"name": "Acme GmbH", "countries": ["DE"]}]


async def test_fifty_concurrent_registrations_of_overlapping_keys_give_exact_counts(
    graphql: GraphQL, db: Database, controller: str
) -> None:
    source = unique_source()
    requests = [
        graphql(REGISTER_PROCESSOR, {"input": processor(source, f"vendor-{n % 10}", controller)})
        for n in range(50)
    ]
    bodies = await asyncio.gather(*requests)

    assert all("errors" not in body for body in bodies), bodies
    assert sum(body["data"]["registerProcessor"]["created"] for body in bodies) == 10
    counts = await db.read(
        "MATCH (o:Organisation {source: $source}) "
        "OPTIONAL MATCH (o)<-[e:ENGAGES]-() "
        "OPTIONAL MATCH (o)-[i:ESTABLISHED_IN]->() "
        "RETURN count(DISTINCT o) AS organisations, count(DISTINCT e) AS engagements, "
        "count(DISTINCT i) AS established",
        {"source": source},
    )
    assert counts == [{"organisations": 10, "engagements": 10, "established": 10}]
    events = await db.read(
        "MATCH (a:AuditEvent) WHERE a.entity_id STARTS WITH $prefix RETURN count(a) AS n",
        {"prefix": f"{source}:"},
    )
    assert events == [{"n": 50}]


async def test_new_organisations_are_audited_as_the_graph_holds_them(
    graphql: GraphQL, db: Database, controller: str
) -> None:
    """The statement that creates new organisations returns their ids alone, and their audited
    `after` is built from their rows: it must say what the graph holds, field for field. A
    market naming `EEA` is spelled out by the graph, so that row goes the general way."""
    source = unique_source()
    inputs = [
        processor(source, "plain", controller),
        processor(
            source,
            "full",
            controller,
            website="https://full.example",
            dpaSigned="2024-03-01",
            subjectTo=["PIPEDA", "CCPA", "PIPEDA"],
            serves=["US", "CA"],
            service="hosting",
            categories=["user.contact.email", "user.name"],
            subjects=["preemptly.account_user"],
        ),
        processor(source, "markets", controller, serves=["EEA", "CH"]),
    ]
    body = await graphql(REGISTER_PROCESSORS, {"inputs": inputs})
    assert [row["created"] for row in body["data"]["registerProcessors"]] == [True] * 3
    rows = await db.read(
        "MATCH (:Organisation {id: $controller})-[e:ENGAGES]->(o:Organisation {source: $source}) "
        "MATCH (a:AuditEvent {entity_id: o.id}) "
        "RETURN o {.*, engagement: e {.*}} AS state, a.after AS after",
        {"controller": controller, "source": source},
    )
    assert len(rows) == 3
    for row in rows:
        assert json.loads(row["after"]) == json.loads(summary(sort_names.without(row["state"])))


async def test_a_bulk_registration_is_all_or_nothing(
    graphql: GraphQL, db: Database, controller: str
) -> None:
    source = unique_source()
    inputs = [
        processor(source, "one", controller),
        processor(source, "two", controller),
        processor(source, "three", f"{controller}-missing"),
    ]
    before = await graph_digest(db)
    body = await graphql(REGISTER_PROCESSORS, {"inputs": inputs})

    assert body["data"] is None
    extensions = body["errors"][0]["extensions"]
    assert (extensions["code"], extensions["field"]) == ("NOT_FOUND", "inputs[2].engagedBy")
    assert controller in extensions["suggestions"]
    assert await graph_digest(db) == before

    inputs[2]["engagedBy"] = controller
    body = await graphql(REGISTER_PROCESSORS, {"inputs": inputs})
    assert [row["id"] for row in body["data"]["registerProcessors"]] == [
        f"{source}:one",
        f"{source}:two",
        f"{source}:three",
    ]


async def test_a_bulk_call_of_new_and_known_processors_answers_each_in_order(
    graphql: GraphQL, db: Database, controller: str
) -> None:
    """New organisations are created in one pass and known ones upserted in another: the
    answers still follow the inputs, and a new one is stored exactly as a known one is
    compared (registering it again changes nothing)."""
    source = unique_source()
    await graphql(REGISTER_PROCESSORS, {"inputs": [processor(source, n, controller) for n in "ab"]})
    inputs = [
        processor(source, "c", controller, subjectTo=["PIPEDA"], serves=["EEA"]),
        processor(source, "a", controller, legalName="A renamed"),
        processor(source, "d", controller),
        processor(source, "b", controller),
    ]
    body = await graphql(REGISTER_PROCESSORS, {"inputs": inputs})

    assert body["data"]["registerProcessors"] == [
        {"id": f"{source}:c", "created": True, "changed": True},
        {"id": f"{source}:a", "created": False, "changed": True},
        {"id": f"{source}:d", "created": True, "changed": True},
        {"id": f"{source}:b", "created": False, "changed": False},
    ]
    again = await graphql(REGISTER_PROCESSORS, {"inputs": inputs})
    assert [row["changed"] for row in again["data"]["registerProcessors"]] == [False] * 4
    counts = await db.read(
        "MATCH (o:Organisation {source: $source}) "
        "RETURN count{ (o)<-[:ENGAGES]-() } AS engaged, count{ (o)-[:ESTABLISHED_IN]->() } AS "
        "established, size(o.serves) > 1 AS serves_eea ORDER BY o.id",
        {"source": source},
    )
    assert [(row["engaged"], row["established"]) for row in counts] == [(1, 1)] * 4
    assert [row["serves_eea"] for row in counts] == [False, False, True, False]


async def test_a_bulk_registration_has_a_size_limit(graphql: GraphQL, controller: str) -> None:
    source = unique_source()
    inputs = [processor(source, f"p{n}", controller) for n in range(1001)]
    body = await graphql(REGISTER_PROCESSORS, {"inputs": inputs})
    assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "inputs"}


def tomorrow() -> str:
    return (datetime.date.today() + datetime.timedelta(days=1)).isoformat()


INVALID_PROCESSOR_FIELDS = [
    ({"country": "XX"}, "input.country"),
    ({"country": "us"}, "input.country"),
    ({"categories": ["user.contact.email", "user.no_such_key"]}, "input.categories[1]"),
    ({"source": "Has Spaces"}, "input.source"),
    ({"externalId": ""}, "input.externalId"),
    ({"website": "ftp://example.com"}, "input.website"),
    ({"legalName": "   "}, "input.legalName"),
]


@pytest.mark.parametrize(("change", "field"), INVALID_PROCESSOR_FIELDS)
async def test_invalid_input_is_refused_with_its_path_and_leaves_the_graph_unchanged(
    graphql: GraphQL, db: Database, controller: str, change: dict[str, Any], field: str
) -> None:
    before = await graph_digest(db)
    body = await graphql(
        REGISTER_PROCESSOR, {"input": {**processor(unique_source(), "x", controller), **change}}
    )
    assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": field}
    assert await graph_digest(db) == before


async def test_a_system_a_flow_a_sub_processor_and_a_safeguard(
    graphql: GraphQL, db: Database, controller: str
) -> None:
    source = unique_source()
    vendor = (await graphql(REGISTER_PROCESSOR, {"input": processor(source, "crm", controller)}))[
        "data"
    ]["registerProcessor"]["id"]
    sub = await graphql(
        REGISTER_SUB_PROCESSOR,
        {
            "input": {
                "source": source,
                "externalId": "hosting",
                "legalName": "Hosting Inc",
                "country": "US",
                "processorId": vendor,
                "authorisation": "GENERAL",
                "authorisedOn": "2024-03-01",
                "noticeDays": 30,
            }
        },
    )
    app_system = await graphql(
        REGISTER_SYSTEM,
        {
            "input": {
                "source": source,
                "externalId": "app",
                "name": "App",
                "kind": "APPLICATION",
                "operatorId": controller,
                "operatorRole": "CONTROLLER",
                "hostedIn": ["DE", "IE"],
            }
        },
    )
    crm_system = await graphql(
        REGISTER_SYSTEM,
        {
            "input": {
                "source": source,
                "externalId": "crm",
                "name": "CRM",
                "kind": "SAAS",
                "operatorId": vendor,
                "operatorRole": "PROCESSOR",
                "hostedIn": ["US"],
                "deletionMethod": "API",
            }
        },
    )
    flow = await graphql(
        REGISTER_FLOW,
        {
            "input": {
                "source": source,
                "externalId": "app-to-crm",
                "fromSystemId": app_system["data"]["registerSystem"]["id"],
                "toSystemId": crm_system["data"]["registerSystem"]["id"],
                "categories": ["user.contact.email", "user.name"],
                "purpose": "marketing",
                "mode": "PUSH",
            }
        },
    )
    safeguard = await graphql(
        REGISTER_SAFEGUARD,
        {
            "input": {
                "source": source,
                "externalId": "scc-crm",
                "type": "SCC",
                "module": 2,
                "regimes": ["EU"],
                "signedOn": "2023-06-01",
                "exporterId": controller,
                "importerId": vendor,
                "tiaOutcome": "ADEQUATE_WITH_MEASURES",
            }
        },
    )
    for body in (sub, app_system, crm_system, flow, safeguard):
        assert "errors" not in body, body

    rows = await db.read(
        "MATCH (p:Organisation {id: $vendor})-[e:ENGAGES]->(s:Organisation {id: $sub}) "
        "MATCH (a:System {id: $app})-[f:FLOWS_TO {id: $flow}]->(c:System)-[r:OPERATED_BY]->(p) "
        "MATCH (g:Safeguard {id: $safeguard})-[:EXPORTER]->(:Organisation {id: $controller}) "
        "MATCH (g)-[:IMPORTER]->(p) "
        "RETURN e.role AS role, e.authorisation AS authorisation, "
        "toString(e.authorised_on) AS authorised_on, f.categories AS categories, "
        "f.mode AS mode, r.role AS operator_role, g.module AS module, "
        "[(a)-[:HOSTED_IN]->(h) | h.code] AS app_hosted_in",
        {
            "vendor": vendor,
            "sub": f"{source}:hosting",
            "app": f"{source}:app",
            "flow": f"{source}:app-to-crm",
            "safeguard": f"{source}:scc-crm",
            "controller": controller,
        },
    )
    assert len(rows) == 1
    row = rows[0]
    assert sorted(row.pop("app_hosted_in")) == ["DE", "IE"]
    assert row == {
        "role": "SUB_PROCESSOR",
        "authorisation": "GENERAL",
        "authorised_on": "2024-03-01",
        "categories": ["user.contact.email", "user.name"],
        "mode": "PUSH",
        "operator_role": "PROCESSOR",
        "module": 2,
    }


async def test_a_moved_system_loses_its_old_countries(
    graphql: GraphQL, db: Database, controller: str
) -> None:
    source = unique_source()
    system = {
        "source": source,
        "externalId": "db",
        "name": "DB",
        "kind": "DATABASE",
        "operatorId": controller,
        "operatorRole": "CONTROLLER",
        "hostedIn": ["DE", "US"],
    }
    await graphql(REGISTER_SYSTEM, {"input": system})
    body = await graphql(REGISTER_SYSTEM, {"input": {**system, "hostedIn": ["FR"]}})
    assert body["data"]["registerSystem"]["changed"] is True
    rows = await db.read(
        "MATCH (:System {id: $id})-[:HOSTED_IN]->(c) RETURN collect(c.code) AS codes",
        {"id": f"{source}:db"},
    )
    assert rows == [{"codes": ["FR"]}]


INVALID_OTHERS = [
    (
        REGISTER_SUB_PROCESSOR,
        {
            "legalName": "Sub",
            "country": "US",
            "processorId": "CONTROLLER",
            "authorisation": "SPECIFIC",
            "authorisedOn": "TOMORROW",
        },
        "input.authorisedOn",
    ),
    (
        REGISTER_SYSTEM,
        {
            "name": "S",
            "kind": "SAAS",
            "operatorId": "CONTROLLER-missing",
            "operatorRole": "PROCESSOR",
            "hostedIn": ["US"],
        },
        "input.operatorId",
    ),
    (
        REGISTER_SYSTEM,
        {
            "name": "S",
            "kind": "SAAS",
            "operatorId": "CONTROLLER",
            "operatorRole": "PROCESSOR",
            "hostedIn": [],
        },
        "input.hostedIn",
    ),
    (
        REGISTER_FLOW,
        {
            "fromSystemId": "nowhere",
            "toSystemId": "x",
            "toOrganisationId": "CONTROLLER",
            "categories": ["user.name"],
            "purpose": "marketing",
            "mode": "PUSH",
        },
        "input",
    ),
    (
        REGISTER_FLOW,
        {
            "fromSystemId": "nowhere",
            "toOrganisationId": "CONTROLLER",
            "categories": ["user.name"],
            "purpose": "not.a.use",
            "mode": "PUSH",
        },
        "input.purpose",
    ),
    (
        REGISTER_FLOW,
        {
            "fromSystemId": "nowhere",
            "toOrganisationId": "CONTROLLER",
            "categories": ["user.name"],
            "purpose": "marketing",
            "mode": "PUSH",
        },
        "input.fromSystemId",
    ),
    (
        REGISTER_SAFEGUARD,
        {
            "type": "SCC",
            "regimes": ["EU"],
            "signedOn": "2024-01-01",
            "expiresOn": "2023-01-01",
            "module": 1,
            "exporterId": "CONTROLLER",
            "importerId": "other",
        },
        "input",
    ),
    (
        REGISTER_SAFEGUARD,
        {
            "type": "BCR",
            "regimes": ["EU"],
            "signedOn": "2024-01-01",
            "module": 1,
            "exporterId": "CONTROLLER",
            "importerId": "other",
        },
        "input",
    ),
]


NAMING_NOTHING = {"input.operatorId", "input.fromSystemId"}
"""The cases of INVALID_OTHERS whose reference names no entity: NOT_FOUND, not BAD_USER_INPUT."""


@pytest.mark.parametrize(("mutation", "fields", "field"), INVALID_OTHERS)
async def test_invalid_registrations_are_refused_and_leave_the_graph_unchanged(
    graphql: GraphQL,
    db: Database,
    controller: str,
    mutation: str,
    fields: dict[str, Any],
    field: str,
) -> None:
    values = {
        name: (
            value.replace("CONTROLLER", controller).replace("TOMORROW", tomorrow())
            if isinstance(value, str)
            else value
        )
        for name, value in fields.items()
    }
    before = await graph_digest(db)
    body = await graphql(
        mutation, {"input": {"source": unique_source(), "externalId": "x", **values}}
    )
    extensions = body["errors"][0]["extensions"]
    code = "NOT_FOUND" if field in NAMING_NOTHING else "BAD_USER_INPUT"
    assert (extensions["code"], extensions["field"]) == (code, field)
    assert await graph_digest(db) == before


RETIRE_SYSTEM = """
mutation($id: ID!, $on: Date) { retireSystem(id: $id, on: $on) { id retiredOn } }
"""


async def test_retiring_keeps_the_node_with_its_date(
    graphql: GraphQL, db: Database, controller: str
) -> None:
    source = unique_source()
    system = {
        "source": source,
        "externalId": "old",
        "name": "Old",
        "kind": "DATABASE",
        "operatorId": controller,
        "operatorRole": "CONTROLLER",
        "hostedIn": ["DE"],
    }
    await graphql(REGISTER_SYSTEM, {"input": system})
    body = await graphql(RETIRE_SYSTEM, {"id": f"{source}:old", "on": "2025-01-31"})
    again = await graphql(RETIRE_SYSTEM, {"id": f"{source}:old", "on": "2025-02-28"})

    assert body["data"]["retireSystem"] == {"id": f"{source}:old", "retiredOn": "2025-01-31"}
    assert again["data"]["retireSystem"]["retiredOn"] == "2025-01-31"
    rows = await db.read(
        "MATCH (s:System {id: $id})-[:HOSTED_IN]->(c) RETURN toString(s.retired_on) AS on, "
        "c.code AS code",
        {"id": f"{source}:old"},
    )
    assert rows == [{"on": "2025-01-31", "code": "DE"}]

    flow = await graphql(
        REGISTER_FLOW,
        {
            "input": {
                "source": source,
                "externalId": "f",
                "fromSystemId": f"{source}:old",
                "toOrganisationId": controller,
                "categories": ["user.name"],
                "purpose": "marketing",
                "mode": "PUSH",
            }
        },
    )
    assert flow["errors"][0]["extensions"] == {
        "code": "BAD_USER_INPUT",
        "field": "input.fromSystemId",
    }
    assert "retired" in flow["errors"][0]["message"]


async def test_retiring_what_does_not_exist_is_not_found(graphql: GraphQL) -> None:
    body = await graphql(RETIRE_SYSTEM, {"id": f"{unique_source()}:nothing"})
    extensions = body["errors"][0]["extensions"]
    assert (extensions["code"], extensions["field"]) == ("NOT_FOUND", "id")


async def map_digest(db: Database) -> str:
    """The digest of the graph without the audit trail, which every mutation extends."""
    rows = await db.read(
        "MATCH (n) WHERE NOT n:AuditEvent RETURN count(n) AS n, collect(properties(n)) AS props"
    )
    return repr(sorted(repr(sorted(p.items())) for p in rows[0]["props"])) + str(rows[0]["n"])


async def test_a_registration_takes_global_ids_and_returns_the_ids_it_created(
    graphql: GraphQL, controller: str
) -> None:
    source = unique_source()
    ids = "{ id key engagementId }"
    organisation = (
        await graphql("query($id: ID!) { organisation(id: $id) { id } }", {"id": controller})
    )["data"]["organisation"]["id"]
    vendor = await graphql(
        "mutation($input: ProcessorInput!) { registerProcessor(input: $input) " + ids + " }",
        {"input": processor(source, "vendor", organisation)},
    )
    assert "errors" not in vendor, vendor
    registered = vendor["data"]["registerProcessor"]
    assert registered["key"] == f"{source}:vendor"
    system = await graphql(
        "mutation($input: SystemInput!) { registerSystem(input: $input) " + ids + " }",
        {
            "input": {
                "source": source,
                "externalId": "app",
                "name": "App",
                "kind": "APPLICATION",
                "operatorId": registered["id"],
                "operatorRole": "PROCESSOR",
                "hostedIn": ["US"],
            }
        },
    )
    assert "errors" not in system, system
    app = system["data"]["registerSystem"]
    assert app["engagementId"] is None
    flow = await graphql(
        "mutation($input: DataFlowInput!) { registerDataFlow(input: $input) " + ids + " }",
        {
            "input": {
                "source": source,
                "externalId": "out",
                "fromSystemId": app["id"],
                "toOrganisationId": organisation,
                "categories": ["user.contact.email"],
                "purpose": "marketing",
                "mode": "PUSH",
            }
        },
    )
    assert "errors" not in flow, flow
    found = await graphql(
        """query($o: ID!, $e: ID!, $s: ID!, $f: ID!) {
             o: node(id: $o) { key } s: node(id: $s) { key }
             e: node(id: $e) { ... on Engagement { engager { key } engaged { key } } }
             f: node(id: $f) { ... on Flow { source { key }
               target { ... on Organisation { key } } } }
             map: dataMap(filter: {organisation: $o}) { edges { id } } }""",
        {
            "o": registered["id"],
            "e": registered["engagementId"],
            "s": app["id"],
            "f": flow["data"]["registerDataFlow"]["id"],
        },
    )
    assert "errors" not in found, found
    data = found["data"]
    assert data["o"] == {"key": f"{source}:vendor"}
    assert data["s"] == {"key": f"{source}:app"}
    assert data["e"] == {"engager": {"key": controller}, "engaged": {"key": f"{source}:vendor"}}
    assert data["f"] == {"source": {"key": f"{source}:app"}, "target": {"key": controller}}
    assert flow["data"]["registerDataFlow"]["id"] in {edge["id"] for edge in data["map"]["edges"]}


async def test_a_reference_naming_nothing_is_not_found(graphql: GraphQL) -> None:
    body = await graphql(
        REGISTER_PROCESSOR, {"input": processor(unique_source(), "x", "t-reg-nobody")}
    )
    extensions = body["errors"][0]["extensions"]
    assert (extensions["code"], extensions["field"]) == ("NOT_FOUND", "input.engagedBy")
