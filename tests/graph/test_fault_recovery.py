"""Neo4j stops under concurrent reads and writes, then comes back: requests in the gap get
UNAVAILABLE, the service is not ready, it recovers by itself, and no acknowledged write is lost.
Transactions in flight at the moment Neo4j stops are terminated by it and answer TIMEOUT.
The test runs its own Neo4j server (its own port and data directory) so it can stop it."""

import asyncio
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from app.main import create_app
from app.settings import Settings
from graph import provision
from graph.database import Database
from resolvers.auth import keys
from resolvers.auth.principal import Principal, Role
from tests.graph.test_faults import free_port, wait_ready

REGISTER = "mutation($input: ProcessorInput!) { registerProcessor(input: $input) { id: key } }"
READ = "{ processors(first: 5) { totalCount } }"
WRITERS = 4
READERS = 4
GAP_PROBES = 6
HANG_GUARD_S = 180.0  # a bound on every request, so a hang fails the test instead of stalling it


@dataclass
class Load:
    """What the clients saw: the ids whose registration was acknowledged, and every error code."""

    acknowledged: list[str] = field(default_factory=list)
    codes: Counter[str] = field(default_factory=Counter)
    answers: int = 0
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    progress: asyncio.Event = field(default_factory=asyncio.Event)

    async def acknowledged_at_least(self, count: int, clients: list[asyncio.Task[None]]) -> None:
        """Wait until `count` writes are acknowledged; a client that failed fails the test."""
        while len(self.acknowledged) < count:
            self.progress.clear()
            progressed = asyncio.ensure_future(self.progress.wait())
            done, _ = await asyncio.wait(
                [progressed, *clients], timeout=HANG_GUARD_S, return_when=asyncio.FIRST_COMPLETED
            )
            progressed.cancel()
            assert done, (
                f"no write acknowledged within {HANG_GUARD_S} s; "
                f"{self.answers} answers so far, error codes {dict(self.codes)}"
            )
            for client in done & set(clients):
                client.result()


def error_codes(response: httpx.Response) -> list[str]:
    assert response.status_code in (200, 503), response.text
    body = response.json()
    errors = body.get("errors") or []
    if response.status_code == 503:
        assert errors, body
    return [error["extensions"]["code"] for error in errors]


@dataclass(frozen=True)
class Service:
    settings: Settings
    http: httpx.AsyncClient
    db: Database
    controller: str


@pytest.fixture
async def service(tmp_path: Path) -> AsyncIterator[Service]:
    settings = Settings(
        neo4j_uri=None,
        local_neo4j_port=free_port(),
        local_neo4j_data_dir=tmp_path / "neo4j",
        neo4j_connection_timeout_s=1,
        neo4j_retry_time_s=1,
    )
    await asyncio.to_thread(provision.start, settings)
    app = create_app(settings)
    try:
        async with app.router.lifespan_context(app):
            admin = Principal(key_id="tests", role=Role.ADMIN)
            key = (await keys.create(app.state.db, Role.INTEGRATION, "fault test", admin)).key
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(
                transport=transport,
                base_url="http://datamap",
                headers={"Authorization": f"Bearer {key}"},
            ) as http:
                db: Database = app.state.db
                yield Service(settings, http, db, await controller(db))
    finally:
        await asyncio.to_thread(provision.stop, settings)


async def controller(db: Database) -> str:
    org_id = f"t-fault-{uuid.uuid4().hex[:8]}"
    await db.write(
        "CREATE (:Organisation {id: $id, legal_name: 'Fault controller', country: 'DE', "
        "source: 'test'})",
        {"id": org_id},
    )
    return org_id


async def post(http: httpx.AsyncClient, query: str, variables: object = None) -> httpx.Response:
    sent = http.post("/graphql", json={"query": query, "variables": variables or {}})
    return await asyncio.wait_for(sent, HANG_GUARD_S)


async def writer(http: httpx.AsyncClient, engaged_by: str, name: str, load: Load) -> None:
    number = 0
    while not load.stop.is_set():
        number += 1
        value = {
            "source": "t-fault",
            "externalId": f"{name}-{number}",
            "legalName": f"Vendor {name}-{number}",
            "country": "IE",
            "engagedBy": engaged_by,
        }
        response = await post(http, REGISTER, {"input": value})
        codes = error_codes(response)
        load.answers += 1
        load.codes.update(codes)
        if not codes:
            load.acknowledged.append(response.json()["data"]["registerProcessor"]["id"])
            load.progress.set()


async def reader(http: httpx.AsyncClient, load: Load) -> None:
    while not load.stop.is_set():
        load.codes.update(error_codes(await post(http, READ)))
        load.answers += 1


async def test_neo4j_stops_under_load_and_the_service_recovers_without_losing_writes(
    service: Service,
) -> None:
    settings, http, engaged_by = service.settings, service.http, service.controller
    load = Load()
    clients = [
        *(asyncio.create_task(writer(http, engaged_by, f"w{n}", load)) for n in range(WRITERS)),
        *(asyncio.create_task(reader(http, load)) for _ in range(READERS)),
    ]
    await load.acknowledged_at_least(20, clients)
    before_stop = len(load.acknowledged)

    await asyncio.to_thread(provision.stop, settings)
    assert (await http.get("/health/ready")).status_code == 503
    gap_codes = [error_codes(await post(http, READ)) for _ in range(GAP_PROBES)]
    assert gap_codes == [["UNAVAILABLE"]] * GAP_PROBES
    gap_input = {"source": "t-fault", "externalId": "gap", "legalName": "Vendor gap"}
    gap_input |= {"country": "IE", "engagedBy": engaged_by}
    gap_write = await post(http, REGISTER, {"input": gap_input})
    assert error_codes(gap_write) == ["UNAVAILABLE"]
    acknowledged_in_gap = len(load.acknowledged)

    await asyncio.to_thread(provision.start, settings)
    ready = await wait_ready(http)
    assert ready.status_code == 200, ready.text
    await load.acknowledged_at_least(acknowledged_in_gap + 20, clients)
    load.stop.set()
    await asyncio.gather(*clients)

    # A transaction Neo4j terminates as it shuts down comes back as Neo4j reports it: TIMEOUT.
    assert set(load.codes) <= {"UNAVAILABLE", "TIMEOUT"}, load.codes
    assert load.codes["UNAVAILABLE"] > 0
    assert before_stop >= 20
    rows = await service.db.read(
        "MATCH (o:Organisation) WHERE o.id IN $ids RETURN count(o) AS n",
        {"ids": load.acknowledged},
    )
    assert rows == [{"n": len(load.acknowledged)}]
    assert len(set(load.acknowledged)) == len(load.acknowledged)
