"""OpenLineage events through `POST /api/v1/lineage` into the test Neo4j, and the `drift` query
over what they showed. The map is the tests' own (`t-ol-` systems and `t-ns-` namespaces)."""

import asyncio
import json
import threading
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import uvicorn
from openlineage.client import OpenLineageClient
from openlineage.client.event_v2 import InputDataset, Job, OutputDataset, Run, RunEvent, RunState
from openlineage.client.facet_v2 import column_lineage_dataset, schema_dataset
from openlineage.client.transport.http import ApiKeyTokenProvider, HttpConfig, HttpTransport

from app.main import create_app
from app.settings import Settings
from graph.database import Database
from resolvers.auth.principal import Role
from resolvers.ingest import events
from tests.conftest import GraphQL, enum_of
from tests.graph.test_faults import free_port
from tests.graph_digest import graph_digest

SOURCE, WAREHOUSE, DECLARED, QUIET = "t-ol-source", "t-ol-warehouse", "t-ol-declared", "t-ol-quiet"
SETUP = """
UNWIND $systems AS id CREATE (:System {id: id, name: id, kind: 'DATABASE'})
WITH count(*) AS made
MATCH (s:System {id: $source})
CREATE (st:Storage {id: 't-ol-st', categories: ['user.contact.email', 'user.name']})
       -[:IN_SYSTEM]->(s)
CREATE (:Field {id: 't-ol-st/email', name: 'email', categories: ['user.contact.email']})
       -[:OF_STORAGE]->(st)
CREATE (:Field {id: 't-ol-st/full_name', name: 'full_name', categories: ['user.name']})
       -[:OF_STORAGE]->(st)
WITH s
MATCH (d:System {id: $declared}) MATCH (q:System {id: $quiet})
CREATE (s)-[:FLOWS_TO {id: 't-ol-f-declared', categories: ['user.contact.email'],
                       mode: 'PUSH'}]->(d)
CREATE (s)-[:FLOWS_TO {id: 't-ol-f-quiet', categories: ['user.name'], mode: 'PUSH'}]->(q)
WITH s
UNWIND $namespaces AS ns
MATCH (target:System {id: ns.system})
CREATE (:LineageNamespace {id: ns.id, namespace: ns.namespace, name_prefix: ns.prefix})
       -[:MAPS_TO]->(target)
"""
NAMESPACES = [
    {"id": "t-ns-source", "namespace": "t-pg://source", "prefix": "", "system": SOURCE},
    {"id": "t-ns-wh", "namespace": "t-bq", "prefix": "wh.", "system": WAREHOUSE},
    {"id": "t-ns-declared", "namespace": "t-bq", "prefix": "declared.", "system": DECLARED},
    {"id": "t-ns-quiet", "namespace": "t-bq", "prefix": "quiet.", "system": QUIET},
]
CLEANUP = [
    "MATCH (e:LineageEvent)-[:SAW]->(d:Dataset) WHERE d.id STARTS WITH 't-' DETACH DELETE e",
    "MATCH (n) WHERE n.id STARTS WITH 't-ol' OR n.id STARTS WITH 't-ns' "
    "OR (n:Dataset AND n.id STARTS WITH 't-') DETACH DELETE n",
]


@pytest.fixture
async def lineage_map(db: Database) -> AsyncIterator[None]:
    for statement in CLEANUP:
        await db.write(statement)
    await db.write(
        SETUP,
        {
            "systems": [SOURCE, WAREHOUSE, DECLARED, QUIET],
            "source": SOURCE,
            "declared": DECLARED,
            "quiet": QUIET,
            "namespaces": NAMESPACES,
        },
    )
    yield
    for statement in CLEANUP:
        await db.write(statement)


def event(
    inputs: list[dict[str, Any]],
    outputs: list[dict[str, Any]],
    state: str = "COMPLETE",
    at: datetime | None = None,
) -> dict[str, Any]:
    return {
        "eventType": state,
        "eventTime": (at or datetime.now(UTC)).isoformat(),
        "producer": "https://example.test/pipelines",
        "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
        "run": {"runId": str(uuid.uuid4()), "facets": {"someVendorFacet": {"x": 1}}},
        "job": {"namespace": "t-jobs", "name": "nightly-copy"},
        "inputs": inputs,
        "outputs": outputs,
    }


COLUMN_LINEAGE = {
    "columnLineage": {
        "fields": {
            "email": {
                "inputFields": [
                    {
                        "namespace": "t-pg://source",
                        "name": "public.users",
                        "field": "email",
                        "transformations": [{"type": "DIRECT", "subtype": "IDENTITY"}],
                    }
                ]
            },
            "name_digest": {
                "inputFields": [
                    {
                        "namespace": "t-pg://source",
                        "name": "public.users",
                        "field": "full_name",
                        "transformations": [
                            {"type": "DIRECT", "subtype": "TRANSFORMATION", "masking": True}
                        ],
                    }
                ]
            },
        }
    }
}
USERS = {"namespace": "t-pg://source", "name": "public.users"}


@pytest.fixture
def integration_headers(api_keys: dict[Role, str]) -> dict[str, str]:
    return {"Authorization": f"Bearer {api_keys[Role.INTEGRATION]}"}


async def post(
    client: httpx.AsyncClient, body: Any, headers: dict[str, str], status: int
) -> dict[str, Any]:
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    response = await client.post(
        "/api/v1/lineage", content=content, headers={**headers, "Content-Type": "application/json"}
    )
    assert response.status_code == status, response.text
    answer: dict[str, Any] = response.json()
    return answer


DOWNSTREAM = f"""{{ system(id: "{SOURCE}") {{ downstream {{ nodes {{
    id: key provenance categories observedCategories lastObservedAt
    target {{ ... on System {{ key }} }} }} }} }} }}"""
DRIFT = """{ drift(windowDays: 7) {
    undeclaredFlows { id fromSystem toSystem categories events { kind eventType jobName } }
    unobservedFlows { id }
    undeclaredCategories { flow { id } categories }
    unmappedDatasets { namespace name events { id } } } }"""


def flows_of(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {flow["target"]["key"]: flow for flow in body["data"]["system"]["downstream"]["nodes"]}


@pytest.mark.usefixtures("lineage_map")
async def test_a_completed_run_is_an_observed_flow_with_the_unmasked_categories(
    client: httpx.AsyncClient, graphql: GraphQL, integration_headers: dict[str, str], db: Database
) -> None:
    body = event([USERS], [{"namespace": "t-bq", "name": "wh.users", "facets": COLUMN_LINEAGE}])
    answer = await post(client, body, integration_headers, 201)
    assert answer["replayed"] is False and len(answer["flows"]) == 1

    flows = flows_of(await graphql(DOWNSTREAM))
    observed = flows[WAREHOUSE]
    assert observed["provenance"] == "OBSERVED"
    assert observed["categories"] == ["user.contact.email"], "the masked full_name carries nothing"
    assert observed["id"] == answer["flows"][0]
    assert observed["lastObservedAt"] is not None

    before = await graph_digest(db)
    replay = await post(client, body, integration_headers, 200)
    assert replay == {**answer, "replayed": True, "flows": [], "unmappedDatasets": []}
    assert await graph_digest(db) == before, "a replayed event changes nothing"

    lineage = await graphql(
        "query($id: ID!) { lineage(from: $id, maxHops: 1) { nodes { id name } } }", {"id": SOURCE}
    )
    assert "errors" not in lineage, lineage
    assert WAREHOUSE in {node["name"] for node in lineage["data"]["lineage"]["nodes"]}

    drift = (await graphql(DRIFT))["data"]["drift"]
    [undeclared] = [f for f in drift["undeclaredFlows"] if f["toSystem"] == WAREHOUSE]
    assert undeclared["fromSystem"] == SOURCE
    assert undeclared["events"] == [
        {"kind": "RUN", "eventType": "COMPLETE", "jobName": "nightly-copy"}
    ]


async def test_an_events_kind_and_type_are_enums_of_the_specs_values(graphql: GraphQL) -> None:
    kind = await enum_of(graphql, "LineageEvent", "kind")
    assert kind == ("LineageEventKind", {"RUN", "JOB", "DATASET"})
    event_type = await enum_of(graphql, "LineageEvent", "eventType")
    assert event_type == ("LineageEventType", {state.value for state in RunState})
    assert {state.value for state in events.RunState} == {state.value for state in RunState}


@pytest.mark.usefixtures("lineage_map")
async def test_a_run_along_a_declared_flow_is_recorded_on_it_and_extra_categories_drift(
    client: httpx.AsyncClient, graphql: GraphQL, integration_headers: dict[str, str]
) -> None:
    source = {**USERS, "facets": {"schema": {"fields": [{"name": "email"}, {"name": "full_name"}]}}}
    answer = await post(
        client,
        event([source], [{"namespace": "t-bq", "name": "declared.copy"}]),
        integration_headers,
        201,
    )
    assert answer["flows"] == ["t-ol-f-declared"]
    flows = flows_of(await graphql(DOWNSTREAM))
    declared = flows[DECLARED]
    assert declared["provenance"] == "DECLARED"
    assert declared["categories"] == ["user.contact.email"]
    assert sorted(declared["observedCategories"]) == ["user.contact.email", "user.name"]

    drift = (await graphql(DRIFT))["data"]["drift"]
    assert {"flow": {"id": "t-ol-f-declared"}, "categories": ["user.name"]} in drift[
        "undeclaredCategories"
    ]
    unobserved = {flow["id"] for flow in drift["unobservedFlows"]}
    assert "t-ol-f-quiet" in unobserved, "both ends are instrumented and nothing showed it"
    assert "t-ol-f-declared" not in unobserved
    assert not [f for f in drift["undeclaredFlows"] if f["fromSystem"] == SOURCE]


@pytest.mark.usefixtures("lineage_map")
async def test_other_events_record_datasets_but_no_flow_and_unknown_namespaces_are_reported(
    client: httpx.AsyncClient, graphql: GraphQL, integration_headers: dict[str, str]
) -> None:
    unknown = {"namespace": "t-kafka://unknown", "name": "users-topic"}
    started = await post(
        client,
        event([USERS], [{"namespace": "t-bq", "name": "wh.x"}], state="START"),
        integration_headers,
        201,
    )
    assert started["flows"] == []
    done = await post(client, event([USERS], [unknown]), integration_headers, 201)
    assert done["flows"] == [] and done["unmappedDatasets"] == ["t-kafka://unknown/users-topic"]
    base = {"eventTime": datetime.now(UTC).isoformat(), "producer": "https://example.test/p"}
    job_event = {
        **base,
        "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/JobEvent",
        "job": {"namespace": "t-jobs", "name": "designed"},
        "inputs": [USERS],
        "outputs": [{"namespace": "t-bq", "name": "wh.designed"}],
    }
    dataset_event = {
        **base,
        "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/DatasetEvent",
        "dataset": {**USERS, "facets": {"schema": {"fields": [{"name": "email"}]}}},
    }
    for other in (job_event, dataset_event):
        assert (await post(client, other, integration_headers, 201))["flows"] == []
    assert WAREHOUSE not in flows_of(await graphql(DOWNSTREAM))
    drift = (await graphql(DRIFT))["data"]["drift"]
    [reported] = [d for d in drift["unmappedDatasets"] if d["namespace"] == "t-kafka://unknown"]
    assert reported["name"] == "users-topic"
    assert [e["id"] for e in reported["events"]] == [done["eventId"]]


@pytest.mark.usefixtures("lineage_map")
@pytest.mark.parametrize(
    ("body", "field"),
    [
        (b"{not json", "body"),
        (b"[1, 2]", "body"),
        (json.dumps({"producer": "p"}).encode(), "body"),
        (json.dumps({**event([USERS], []), "eventTime": "yesterday"}).encode(), "eventTime"),
        (
            json.dumps({**event([USERS], []), "eventTime": "2026-11-30T10:00:00"}).encode(),
            "eventTime",
        ),
        (json.dumps({**event([{"namespace": "t-pg://source"}], [])}).encode(), "inputs.0.name"),
    ],
)
async def test_a_malformed_event_is_refused_and_writes_nothing(
    client: httpx.AsyncClient,
    integration_headers: dict[str, str],
    db: Database,
    body: bytes,
    field: str,
) -> None:
    before = await graph_digest(db)
    answer = await post(client, body, integration_headers, 400)
    [error] = answer["errors"]
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": field}
    assert await graph_digest(db) == before


@pytest.mark.usefixtures("lineage_map")
async def test_lineage_events_need_an_integration_key(
    client: httpx.AsyncClient, api_keys: dict[Role, str], graphql: GraphQL
) -> None:
    body = event([USERS], [{"namespace": "t-bq", "name": "wh.users"}])
    viewer = await post(client, body, {"Authorization": f"Bearer {api_keys[Role.VIEWER]}"}, 403)
    assert viewer["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert (await post(client, body, {}, 401))["errors"][0]["extensions"][
        "code"
    ] == "UNAUTHENTICATED"
    refused = await graphql(DRIFT, key=api_keys[Role.VIEWER])
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    for days in (0, 10**9):
        refused = await graphql(f"{{ drift(windowDays: {days}) {{ since }} }}")
        assert refused["errors"][0]["extensions"] == {
            "code": "BAD_USER_INPUT",
            "field": "windowDays",
        }


@pytest.fixture
def served(neo4j_server: Settings) -> Iterator[str]:
    """The service on a loopback port, as the OpenLineage client reaches it."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(neo4j_server), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        threading.Event().wait(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.mark.usefixtures("lineage_map")
async def test_the_openlineage_python_client_sends_an_observed_flow(
    served: str, api_keys: dict[Role, str], graphql: GraphQL
) -> None:
    client = OpenLineageClient(
        transport=HttpTransport(
            HttpConfig(url=served, auth=ApiKeyTokenProvider({"apiKey": api_keys[Role.INTEGRATION]}))
        )
    )
    lineage = column_lineage_dataset.ColumnLineageDatasetFacet(
        fields={
            "email": column_lineage_dataset.Fields(
                inputFields=[
                    column_lineage_dataset.InputField(
                        namespace="t-pg://source", name="public.users", field="email"
                    )
                ]
            )
        }
    )
    run_event = RunEvent(
        eventType=RunState.COMPLETE,
        eventTime=(datetime.now(UTC) - timedelta(seconds=1)).isoformat(),
        run=Run(runId=str(uuid.uuid4())),
        job=Job(namespace="t-jobs", name="client-copy"),
        inputs=[
            InputDataset(
                namespace="t-pg://source",
                name="public.users",
                facets={
                    "schema": schema_dataset.SchemaDatasetFacet(
                        fields=[schema_dataset.SchemaDatasetFacetFields(name="email", type="text")]
                    )
                },
            )
        ],
        outputs=[
            OutputDataset(namespace="t-bq", name="wh.client", facets={"columnLineage": lineage})
        ],
        producer="https://example.test/client",
    )
    await asyncio.to_thread(client.emit, run_event)
    await asyncio.to_thread(client.close)
    flows = flows_of(await graphql(DOWNSTREAM))
    assert flows[WAREHOUSE]["provenance"] == "OBSERVED"
    assert flows[WAREHOUSE]["categories"] == ["user.contact.email"]
