"""The tests run against a real Neo4j: the local test server (its own port and data directory,
so the database of `make run` is never touched), or the server NEO4J_URI names."""

import os
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from app.settings import PROJECT_ROOT, Settings
from graph import provision
from graph.database import Database
from graph.migrations import migrate

os.environ.setdefault("DATAMAP_LOCAL_NEO4J_PORT", "7688")
os.environ.setdefault("DATAMAP_LOCAL_NEO4J_DATA_DIR", str(PROJECT_ROOT / "var" / "test" / "neo4j"))
os.environ.setdefault("DATAMAP_LOCAL_NEO4J_HEAP_MB", "1024")

GraphQL = Callable[..., Awaitable[dict[str, Any]]]


@pytest.fixture(scope="session")
def settings() -> Settings:
    return Settings()


@pytest.fixture(scope="session")
def neo4j_server(settings: Settings) -> Iterator[Settings]:
    """The test server, started for the session unless it runs already or NEO4J_URI is set."""
    if settings.uses_external_neo4j:
        yield settings
        return
    started = not provision.status(settings).running
    provision.start(settings)
    yield settings
    if started:
        provision.stop(settings)


@pytest.fixture(scope="session")
async def db(neo4j_server: Settings) -> AsyncIterator[Database]:
    database = Database.connect(neo4j_server)
    await migrate(database)
    yield database
    await database.close()


@pytest.fixture(scope="module")
async def seeded(db: Database) -> Database:
    """The database with every seed loaded (idempotent: loading again changes nothing)."""
    from seeds.loader import load_all

    await load_all(db)
    return db


async def clear(db: Database) -> None:
    await db.write("MATCH (n) DETACH DELETE n")


@pytest.fixture(scope="session")
async def app(db: Database, neo4j_server: Settings) -> AsyncIterator[FastAPI]:
    from app.main import create_app

    application = create_app(neo4j_server)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture(scope="session")
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://datamap.test") as http:
        yield http


@pytest.fixture(scope="session")
def graphql(client: httpx.AsyncClient) -> GraphQL:
    """POST a GraphQL document to /graphql and return the decoded response body."""

    async def post(query: str, variables: dict[str, Any] | None = None, **headers: str) -> Any:
        response = await client.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
        )
        assert response.status_code == 200, response.text
        return response.json()

    return post


@pytest.fixture
def tmp_settings(tmp_path: Path) -> Settings:
    return Settings(local_neo4j_data_dir=tmp_path / "neo4j")
