"""What running against a Neo4j cluster needs, checked on the local server: a `neo4j://` routing
URI serves the API, every read field runs in read transactions (which a cluster routes to its
readers), writes in write transactions, and a process's bookmarks chain its reads after its
writes."""

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from app.main import create_app
from app.settings import Settings
from graph.database import Database
from graph.migrations import migrate
from tests.conftest import GraphQL
from tests.graph.test_statements import DOCUMENTS

pytestmark = pytest.mark.usefixtures("seeded")


@pytest.fixture
async def routed(neo4j_server: Settings) -> AsyncIterator[httpx.AsyncClient]:
    host_port = neo4j_server.bolt_uri.split("://", 1)[1]
    settings = neo4j_server.model_copy(
        update={"neo4j_uri": f"neo4j://{host_port}", "auth_disabled": True}
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://routed") as http:
            yield http


async def test_a_routing_uri_serves_reads_and_writes(routed: httpx.AsyncClient) -> None:
    ready = await routed.get("/health/ready")
    assert ready.status_code == 200, ready.text
    read = await routed.post("/graphql", json={"query": '{ system(id: "accounts-db") { name } }'})
    assert read.json() == {"data": {"system": {"name": "Accounts database"}}}
    write = await routed.post(
        "/graphql",
        json={"query": 'mutation { createApiKey(role: VIEWER, name: "t-routed") { key } }'},
    )
    assert "errors" not in write.json(), write.text
    listed = await routed.post("/graphql", json={"query": "{ apiKeys { name } }"})
    assert {"name": "t-routed"} in listed.json()["data"]["apiKeys"]


async def recorded_modes(app: FastAPI, graphql: GraphQL, document: str) -> set[str | None]:
    await graphql("{ __typename }")  # the session key's lookup, cached before recording
    db: Database = app.state.db
    db.recorded = []
    try:
        body = await graphql(document)
        statements = db.recorded
    finally:
        db.recorded = None
    assert "errors" not in body, body
    assert statements, "the field ran no statement"
    return {statement.mode for statement in statements}


@pytest.mark.parametrize("field", sorted(DOCUMENTS))
async def test_every_query_field_reads_in_read_transactions(
    field: str, app: FastAPI, graphql: GraphQL
) -> None:
    assert await recorded_modes(app, graphql, DOCUMENTS[field]) == {"READ"}


async def test_a_mutation_writes_in_a_write_transaction_and_leaves_a_bookmark(
    app: FastAPI, graphql: GraphQL
) -> None:
    document = 'mutation { createApiKey(role: VIEWER, name: "t-bookmark") { key } }'
    assert await recorded_modes(app, graphql, document) == {"WRITE"}
    db: Database = app.state.db
    assert await db.bookmarks.get_bookmarks(), "reads after this write wait for it"


async def test_workers_starting_together_on_missing_rules_all_migrate(
    db: Database, neo4j_server: Settings
) -> None:
    """Workers that find constraints missing apply them at once without failing one another
    (concurrent schema changes deadlock, and one may find the rule another just created)."""
    await db.write("DROP INDEX system_name IF EXISTS")
    await db.write("DROP CONSTRAINT keyrevocations_key IF EXISTS")
    workers = [Database.connect(neo4j_server) for _ in range(3)]
    try:
        outcomes = await asyncio.gather(*(migrate(w) for w in workers), return_exceptions=True)
    finally:
        for worker in workers:
            await worker.close()
    assert outcomes == [None, None, None]
    names = {row["name"] for row in await db.read("SHOW INDEXES YIELD name RETURN name")}
    assert {"system_name", "keyrevocations_key"} <= names
