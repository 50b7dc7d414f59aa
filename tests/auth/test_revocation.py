"""A key revoked in one process is refused by the others within about the watch interval, not
the cache's time-to-live: two service instances over the test Neo4j stand for two workers."""

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import httpx
import pytest

from app.main import create_app
from app.settings import Settings
from graph.database import Database
from resolvers.auth import keys
from resolvers.auth.principal import Principal, Role, key_id_of

ABOUT = {"query": "{ about { version } }"}
Worker = Callable[[float], AbstractAsyncContextManager[httpx.AsyncClient]]


@pytest.fixture
def worker(neo4j_server: Settings) -> Worker:
    @asynccontextmanager
    async def start(poll_s: float) -> AsyncIterator[httpx.AsyncClient]:
        settings = neo4j_server.model_copy(
            update={"api_key_cache_seconds": 300, "key_revocation_poll_s": poll_s}
        )
        app = create_app(settings)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://w") as http:
                yield http

    return start


async def fresh_key(db: Database, name: str) -> str:
    actor = Principal(key_id="tests", role=Role.ADMIN)
    return (await keys.create(db, Role.VIEWER, name, actor)).key


async def status_within(http: httpx.AsyncClient, key: str, wanted: int, seconds: float) -> int:
    """The status of the key's requests once it is `wanted`, or the last one after `seconds`."""
    headers = {"Authorization": f"Bearer {key}"}
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    status = (await http.post("/graphql", json=ABOUT, headers=headers)).status_code
    while status != wanted and loop.time() < deadline:
        await asyncio.sleep(0.1)
        status = (await http.post("/graphql", json=ABOUT, headers=headers)).status_code
    return status


async def test_a_key_revoked_elsewhere_is_refused_in_every_worker(
    db: Database, worker: Worker
) -> None:
    key = await fresh_key(db, "t-revocation-watched")
    async with worker(0.2) as watching, worker(0) as not_watching:
        assert await status_within(watching, key, 200, 0) == 200  # cached for 300 s
        assert await status_within(not_watching, key, 200, 0) == 200
        key_id = key_id_of(key)
        assert key_id is not None
        record = await keys.revoke(db, key_id, Principal(key_id="tests", role=Role.ADMIN))
        assert record["revoked_at"] is not None
        assert await status_within(watching, key, 401, 10) == 401
        assert await status_within(not_watching, key, 401, 0) == 200, (
            "without the watch, the cached record serves until its time-to-live"
        )
