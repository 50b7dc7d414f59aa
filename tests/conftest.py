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
from resolvers.auth import keys
from resolvers.auth.principal import Principal, Role
from seeds.loader import load_all

os.environ.setdefault("DATAMAP_LOCAL_NEO4J_PORT", "7688")
os.environ.setdefault("DATAMAP_LOCAL_NEO4J_DATA_DIR", str(PROJECT_ROOT / "var" / "test" / "neo4j"))
os.environ.setdefault("DATAMAP_LOCAL_NEO4J_HEAP_MB", "1024")

GraphQL = Callable[..., Awaitable[dict[str, Any]]]
NewKey = Callable[[], Awaitable[str]]
NewRoleKey = Callable[[Role], Awaitable[str]]
ADMIN = "admin"  # the default `key=` of the graphql fixture: the session's admin key


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
    await clear_test_nodes(database)  # what earlier runs left, so a local run starts as CI does
    _session_db.append(database)
    yield database
    _session_db.clear()
    await database.close()


_session_db: list[Database] = []
"""The session's database once a test has asked for it."""


@pytest.fixture(scope="module", autouse=True)
async def module_leaves_no_test_nodes() -> AsyncIterator[None]:
    """Each test module's synthetic nodes are deleted when it ends, so the next module sees
    Preemptly's seeded map and its own nodes only: lists, the data map, the explorer and the
    map owner (`is_self`) are not changed by what another module built. A module that never
    touched Neo4j starts none."""
    yield
    if _session_db:
        await clear_test_nodes(_session_db[0])


@pytest.fixture(scope="session")
async def seeded(db: Database) -> Database:
    """The database with every seed loaded (reference facts and Preemptly's map); loading is
    idempotent, so tests that create their own `t-` nodes beside the seeds are unaffected."""
    await load_all(db)
    return db


async def clear_test_nodes(db: Database) -> None:
    """Delete the nodes tests created (their ids and keys start with `t-`), and the flows and
    engagements they drew between seeded nodes."""
    await db.write(
        "MATCH (n) WHERE n.id STARTS WITH 't-' OR n.key STARTS WITH 't-' DETACH DELETE n"
    )
    await db.write("MATCH ()-[r:FLOWS_TO|ENGAGES]->() WHERE r.id STARTS WITH 't-' DELETE r")


async def clear(db: Database) -> None:
    await db.write("MATCH (n) DETACH DELETE n")


@pytest.fixture(scope="session")
async def app(db: Database, neo4j_server: Settings) -> AsyncIterator[FastAPI]:
    from app.main import create_app

    application = create_app(neo4j_server)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture(scope="module")
async def roomy_app(neo4j_server: Settings) -> AsyncIterator[FastAPI]:
    """The service with query limits wide enough for documents that select every field, and a
    transaction timeout that a loaded machine does not reach (such tests ask whether fields
    answer, and what, not how fast: speed is measured in bench/)."""
    from app.main import create_app

    settings = neo4j_server.model_copy(
        update={
            "max_query_tokens": 1_000_000,
            "max_query_depth": 50,
            "max_aliases": 100_000,
            "max_query_cost": 10**12,
            "max_response_bytes": 1 << 30,
            "neo4j_transaction_timeout_s": 600.0,
        }
    )
    application: FastAPI = create_app(settings)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture(scope="module")
async def roomy(roomy_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=roomy_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://datamap.test") as http:
        yield http


@pytest.fixture(scope="session")
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://datamap.test") as http:
        yield http


@pytest.fixture(scope="session")
async def api_keys(db: Database) -> dict[Role, str]:
    """One key per role, created once per session through the real key store."""
    actor = Principal(key_id="tests", role=Role.ADMIN)
    return {role: (await keys.create(db, role, f"tests {role.value}", actor)).key for role in Role}


@pytest.fixture
def new_key(db: Database) -> NewRoleKey:
    """Create a fresh key of a role: its first request pays exactly one key lookup, where a
    session key may or may not be cached (a revocation anywhere clears the cache), so statement
    counts need a fresh key to be known."""
    actor = Principal(key_id="tests", role=Role.ADMIN)

    async def create(role: Role) -> str:
        return (await keys.create(db, role, f"tests fresh {role.value}", actor)).key

    return create


@pytest.fixture
def new_admin_key(new_key: NewRoleKey) -> NewKey:
    return lambda: new_key(Role.ADMIN)


@pytest.fixture(scope="session")
def admin_headers(api_keys: dict[Role, str]) -> dict[str, str]:
    """Headers that authenticate a raw HTTP request with the session's admin key."""
    return {"Authorization": f"Bearer {api_keys[Role.ADMIN]}"}


@pytest.fixture(scope="session")
def graphql(client: httpx.AsyncClient, api_keys: dict[Role, str]) -> GraphQL:
    """POST a GraphQL document to /graphql and return the decoded response body. It sends the
    session's admin key unless `key=` names another (or None for no key); `status=` is the HTTP
    status expected (200)."""

    async def post(
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        key: str | None = ADMIN,
        status: int = 200,
        **headers: str,
    ) -> Any:
        sent = api_keys[Role.ADMIN] if key is ADMIN else key
        if sent is not None:
            headers = {"Authorization": f"Bearer {sent}", **headers}
        response = await client.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
        )
        assert response.status_code == status, response.text
        return response.json()

    return post


@pytest.fixture
def tmp_settings(tmp_path: Path) -> Settings:
    return Settings(local_neo4j_data_dir=tmp_path / "neo4j")


FIELD_TYPE = """query($type: String!) {
  __type(name: $type) {
    fields {
      name type { kind name ofType { kind name ofType { kind name ofType { kind name } } } }
    }
  }
}"""
ENUM_VALUES = "query($type: String!) { __type(name: $type) { kind enumValues { name } } }"


async def enum_of(graphql: GraphQL, type_name: str, field: str) -> tuple[str, set[str]]:
    """The enum that `type_name.field` answers (through lists and non-null), by introspection:
    its name and members. Fails when the field answers no enum."""
    body = await graphql(FIELD_TYPE, {"type": type_name})
    assert "errors" not in body, body
    wanted = [f for f in body["data"]["__type"]["fields"] if f["name"] == field]
    assert wanted, f"{type_name} has no field {field}"
    named = wanted[0]["type"]
    while named["kind"] in ("NON_NULL", "LIST"):
        named = named["ofType"]
    assert named["kind"] == "ENUM", (type_name, field, named)
    body = await graphql(ENUM_VALUES, {"type": named["name"]})
    return named["name"], {value["name"] for value in body["data"]["__type"]["enumValues"]}


async def answer_enums(graphql: GraphQL, expected: dict[tuple[str, str], str]) -> None:
    """Each `(type, field)` answers the enum named."""
    for (type_name, field), name in expected.items():
        assert (await enum_of(graphql, type_name, field))[0] == name, (type_name, field)
