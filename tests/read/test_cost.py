"""A query's cost is bounded before it runs: on a generated map where one operator runs many
systems (the shape that made one viewer query stall the service), the unbounded query is refused
without a statement, a bounded one is answered, and the service answers others meanwhile."""

import asyncio
import time
from collections.abc import Awaitable

import httpx
import pytest
from fastapi import FastAPI

from graph.database import Database
from resolvers.auth.principal import Role
from tests.conftest import GraphQL, NewRoleKey
from tests.read.graph import load

SYSTEMS = 300

ISSUE_QUERY = """{ systems(first: 100) { nodes { key organisations { nodes { organisation {
  key systems { nodes { system { key hostingCountries { nodes { code adequacy {
  nodes { status } } } } } } } } } } } } }"""

BOUNDED_QUERY = """query($search: String!) {
  systems(first: 40, filter: {search: $search}) { nodes { key
    organisations(first: 1) { nodes { organisation { key
      systems(first: 100) { totalCount nodes { system { key
        hostingCountries(first: 2) { nodes { code } } } } } } } } } } }"""


@pytest.fixture(scope="module", autouse=True)
async def one_operator_map(db: Database) -> None:
    systems = [{"id": f"t-cost-{i:04}", "name": f"T-Cost {i:04}"} for i in range(SYSTEMS)]
    await load(
        db,
        {
            "Country": [{"code": "QM", "name": "T-Read Inland"}, {"code": "QN", "name": "QN"}],
            "Organisation": [{"id": "t-cost-operator", "legal_name": "T-Cost", "country": "QM"}],
            "System": systems,
        },
        [
            *(
                ("System", s["id"], "OPERATED_BY", "Organisation", "t-cost-operator", {})
                for s in systems
            ),
            *(("System", s["id"], "HOSTED_IN", "Country", "QM", {}) for s in systems),
            *(("System", s["id"], "HOSTED_IN", "Country", "QN", {}) for s in systems),
        ],
    )


async def test_the_unbounded_nested_query_is_refused_before_it_runs(
    graphql: GraphQL, app: FastAPI, new_key: NewRoleKey
) -> None:
    viewer = await new_key(Role.VIEWER)
    before = app.state.db.statements
    body = await graphql(ISSUE_QUERY, key=viewer)
    assert app.state.db.statements - before == 1  # the new key's lookup, and nothing else
    assert body["data"] is None
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["limit"] == "DATAMAP_MAX_QUERY_COST"
    assert error["extensions"]["cost"] > error["extensions"]["maximum"]
    assert "DATAMAP_MAX_QUERY_COST" in error["message"]


async def test_a_bounded_query_is_answered_while_others_are_served(
    client: httpx.AsyncClient, api_keys: dict[Role, str]
) -> None:
    headers = {"Authorization": f"Bearer {api_keys[Role.VIEWER]}"}
    finished: dict[str, float] = {}

    async def timed(name: str, request: Awaitable[httpx.Response]) -> httpx.Response:
        response = await request
        finished[name] = time.monotonic()
        return response

    heavy = asyncio.ensure_future(
        timed(
            "heavy",
            client.post(
                "/graphql",
                json={"query": BOUNDED_QUERY, "variables": {"search": "T-Cost"}},
                headers=headers,
            ),
        )
    )
    await asyncio.sleep(0)
    live = await timed("live", client.get("/health/live"))
    small = await timed(
        "small",
        client.post("/graphql", json={"query": "{ about { version } }"}, headers=headers),
    )
    answered = (await heavy).json()
    assert live.status_code == 200
    assert "errors" not in small.json()
    assert "errors" not in answered, answered
    systems = answered["data"]["systems"]["nodes"]
    assert len(systems) == 40
    operated = systems[0]["organisations"]["nodes"][0]["organisation"]["systems"]
    assert operated["totalCount"] == SYSTEMS
    assert len(operated["nodes"]) == 100
    # answered while the heavy query still ran
    assert finished["live"] < finished["heavy"]
    assert finished["small"] < finished["heavy"]
