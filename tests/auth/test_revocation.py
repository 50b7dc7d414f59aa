"""A key revoked anywhere is refused by every process on its next request, whatever its cache
holds: two service instances over the test Neo4j, then a real `datamap serve` with two uvicorn
workers, where the revocation is served by one worker and the key is then refused by the other."""

import asyncio
import os
import signal
import socket
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager, contextmanager
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from app.main import create_app
from app.settings import PROJECT_ROOT, Settings
from graph.database import Database
from graph.queries import keys as key_queries
from resolvers.auth import keys
from resolvers.auth.principal import Principal, Role, key_id_of

ABOUT = {"query": "{ about { version } }"}
ACTOR = Principal(key_id="tests", role=Role.ADMIN)
Instance = Callable[[], AbstractAsyncContextManager[httpx.AsyncClient]]


AppInstance = Callable[[], AbstractAsyncContextManager[tuple[FastAPI, httpx.AsyncClient]]]


@pytest.fixture
def instance_app(neo4j_server: Settings) -> AppInstance:
    """A service instance over the test Neo4j that keeps key records 300 s, and its client."""

    @asynccontextmanager
    async def start() -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
        app = create_app(neo4j_server.model_copy(update={"api_key_cache_seconds": 300}))
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://w") as http:
                yield app, http

    return start


@pytest.fixture
def instance(instance_app: AppInstance) -> Instance:
    @asynccontextmanager
    async def start() -> AsyncIterator[httpx.AsyncClient]:
        async with instance_app() as (_, http):
            yield http

    return start


async def fresh_key(db: Database, name: str, role: Role = Role.VIEWER) -> str:
    return (await keys.create(db, role, name, ACTOR)).key


async def status(http: httpx.AsyncClient, key: str) -> int:
    response = await http.post("/graphql", json=ABOUT, headers={"Authorization": f"Bearer {key}"})
    return response.status_code


async def test_a_key_revoked_elsewhere_is_refused_on_the_next_request(
    db: Database, instance: Instance
) -> None:
    key = await fresh_key(db, "t-revocation-elsewhere")
    key_id = key_id_of(key)
    assert key_id is not None
    async with instance() as one, instance() as other:
        assert [await status(one, key), await status(other, key)] == [200, 200]  # cached 300 s
        await keys.revoke(db, key_id, ACTOR)  # as `datamap keys revoke` does, in no instance
        assert [await status(one, key), await status(other, key)] == [401, 401]


async def test_a_revocation_served_by_one_instance_is_refused_by_the_other(
    db: Database, instance: Instance
) -> None:
    admin = await fresh_key(db, "t-revocation-admin", Role.ADMIN)
    key = await fresh_key(db, "t-revocation-other")
    async with instance() as one, instance() as other:
        assert await status(other, key) == 200
        revoke = f'mutation {{ revokeApiKey(id: "{key_id_of(key)}") {{ revokedAt }} }}'
        response = await one.post(
            "/graphql", json={"query": revoke}, headers={"Authorization": f"Bearer {admin}"}
        )
        assert "errors" not in response.json(), response.text
        assert await status(other, key) == 401


async def test_a_mutation_waits_for_the_revocation_check(db: Database, instance: Instance) -> None:
    """A read may run while the epoch is read, its answer held until the check is done; an
    operation that may write runs only after it: a key revoked elsewhere writes nothing."""
    admin = await fresh_key(db, "t-revocation-writer", Role.ADMIN)
    admin_id = key_id_of(admin)
    assert admin_id is not None
    late = f"t-revocation-late-{uuid.uuid4().hex[:8]}"
    create = {"query": f'mutation {{ createApiKey(role: VIEWER, name: "{late}") {{ key }} }}'}
    async with instance() as other:
        assert await status(other, admin) == 200  # its record is cached from here on
        await keys.revoke(db, admin_id, ACTOR)
        response = await other.post(
            "/graphql", json=create, headers={"Authorization": f"Bearer {admin}"}
        )
        assert response.status_code == 401, response.text
    names = [record["name"] for record in await key_queries.list_keys(db)]
    assert late not in names


async def test_concurrent_requests_share_the_epoch_read(
    db: Database, instance_app: AppInstance
) -> None:
    """Requests that arrive before the epoch read is sent share it: a burst pays fewer reads
    than it has requests (the reads run on a handle of their own, so requests count none), and
    the cache is kept while the epoch stays."""
    key = await fresh_key(db, "t-revocation-burst")
    async with instance_app() as (app, http):
        assert await status(http, key) == 200
        reads: Database = app.state.revocations.db
        before = reads.statements
        statuses = await asyncio.gather(*(status(http, key) for _ in range(16)))
        assert statuses == [200] * 16
        assert 1 <= reads.statements - before < 16
        assert app.state.key_cache.get(key_id_of(key)) is not None  # no revocation: kept


PAGE = {"query": "{ systems(first: 1) { nodes { id } } }"}
LOOKUP = {"query": '{ system(id: "accounts-db") { name } }'}
TYPENAME = {"query": "{ __typename }"}
LINEAGE = {"query": '{ lineage(from: "accounts-db") { nodes { id } } }'}
DELETION = {"query": '{ deletionPlan(subject: "preemptly.account_user") { steps { position } } }'}
ACCESS = {"query": '{ accessPlan(subject: "preemptly.account_user") { locations { systemId } } }'}
DATA_MAP = {"query": "{ dataMap { truncated } }"}


async def answered(http: httpx.AsyncClient, key: str, document: dict[str, str]) -> int:
    response = await http.post(
        "/graphql", json=document, headers={"Authorization": f"Bearer {key}"}
    )
    assert response.status_code != 200 or "errors" not in response.json(), response.text
    return response.status_code


@pytest.mark.usefixtures("seeded")
@pytest.mark.parametrize(
    "document",
    [PAGE, LOOKUP, LINEAGE, DELETION, ACCESS, DATA_MAP],
    ids=["page", "lookup", "lineage", "deletion", "access", "data map"],
)
async def test_a_read_carries_the_revocation_check_in_its_own_statement(
    db: Database, instance_app: AppInstance, document: dict[str, str]
) -> None:
    """On one server the epoch is read by the first statement of the request's list, lookup,
    lineage, deletion plan, access plan or data map: no transaction of its own."""
    key = await fresh_key(db, "t-revocation-rider", Role.ANALYST)
    async with instance_app() as (app, http):
        assert await answered(http, key, ABOUT) == 200  # its record is cached from here on
        reads: Database = app.state.revocations.db
        before = reads.statements
        assert await answered(http, key, document) == 200
        assert reads.statements == before


@pytest.mark.usefixtures("seeded")
@pytest.mark.parametrize(
    "document",
    [PAGE, LOOKUP, LINEAGE, DELETION, ACCESS, DATA_MAP, TYPENAME, ABOUT],
    ids=["page", "lookup", "lineage", "deletion", "access", "data map", "typename", "about"],
)
async def test_a_key_revoked_elsewhere_is_refused_whatever_carries_the_check(
    db: Database, instance_app: AppInstance, document: dict[str, str]
) -> None:
    """The epoch read by a page or a lookup statement, or on its own by a request that reads no
    list (a `__typename`, a field with statements of its own), refuses a key revoked meanwhile."""
    key = await fresh_key(db, "t-revocation-carried", Role.ANALYST)
    key_id = key_id_of(key)
    assert key_id is not None
    async with instance_app() as (_, http):
        assert await answered(http, key, document) == 200
        await keys.revoke(db, key_id, ACTOR)
        assert await answered(http, key, document) == 401


@pytest.mark.usefixtures("seeded")
async def test_a_revoked_key_is_refused_when_the_lineage_start_names_nothing(
    db: Database, instance_app: AppInstance
) -> None:
    """The lineage statement returns no row for a start that names nothing, so the epoch it
    would have carried is read on its own: a revoked key is still refused."""
    key = await fresh_key(db, "t-revocation-nowhere", Role.ANALYST)
    key_id = key_id_of(key)
    assert key_id is not None
    nowhere = {"query": '{ lineage(from: "t-no-such-start") { nodes { id } } }'}
    headers = {"Authorization": f"Bearer {key}"}
    async with instance_app() as (_, http):
        response = await http.post("/graphql", json=nowhere, headers=headers)
        assert response.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"
        await keys.revoke(db, key_id, ACTOR)
        response = await http.post("/graphql", json=nowhere, headers=headers)
        assert response.status_code == 401


async def test_a_routed_service_reads_the_epoch_on_its_own(
    db: Database, neo4j_server: Settings
) -> None:
    """Over `neo4j://` a read may go to a reader behind the leader, so the epoch is read on its
    own, from the leader, and not by the request's statement."""
    host_port = neo4j_server.bolt_uri.split("://", 1)[1]
    settings = neo4j_server.model_copy(
        update={"neo4j_uri": f"neo4j://{host_port}", "api_key_cache_seconds": 300}
    )
    key = await fresh_key(db, "t-revocation-routed")
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        assert not app.state.db.direct
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://routed") as http:
            assert await answered(http, key, ABOUT) == 200
            reads: Database = app.state.revocations.db
            before = reads.statements
            assert await answered(http, key, PAGE) == 200
            assert reads.statements == before + 1


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def descendants(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            found += [int(child), *descendants(int(child))]
    return found


def socket_inodes(pid: int) -> set[str]:
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[len("socket:[") : -1])
    return inodes


def server_inode(server_port: int, client_port: int) -> str | None:
    """The inode of the server side of the loopback connection from `client_port`."""
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local, remote, inode = fields[1], fields[2], fields[9]
        if int(local.split(":")[1], 16) == server_port and int(remote.split(":")[1], 16) == (
            client_port
        ):
            return inode
    return None


@contextmanager
def served(
    settings: Settings, port: int, workers: int, log: Path
) -> Iterator[subprocess.Popen[bytes]]:
    env = {
        **os.environ,
        "PYTHONPATH": str(PROJECT_ROOT),
        "NEO4J_URI": settings.bolt_uri,
        "DATAMAP_PORT": str(port),
        "DATAMAP_WORKERS": str(workers),
        "DATAMAP_API_KEY_CACHE_SECONDS": "300",
    }
    command = [sys.executable, "-c", "from app.cli import main; main()", "serve"]
    with log.open("wb") as output:
        process = subprocess.Popen(command, env=env, cwd=PROJECT_ROOT, stdout=output, stderr=output)
        try:
            yield process
        finally:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def logged(log: Path) -> str:
    return log.read_text()


async def until_ready(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    """Wait (at most 60 s) until the service says it is ready."""
    async with httpx.AsyncClient() as http:
        for _ in range(600):
            assert process.poll() is None, logged(log)
            try:
                if (await http.get(f"{url}/health/ready")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)
    raise AssertionError("the service did not become ready within 60 s")


async def worker_of(http: httpx.AsyncClient, port: int, workers: dict[int, set[str]]) -> int:
    """The worker that serves `http`'s one kept-alive connection (after a request on it)."""
    response = await http.get("/health/live")
    stream = response.extensions["network_stream"]
    inode = server_inode(port, stream.get_extra_info("client_addr")[1])
    owners = [pid for pid, inodes in workers.items() if inode in inodes]
    assert len(owners) == 1, (inode, owners)
    return owners[0]


async def test_a_revocation_served_by_one_worker_is_refused_by_the_others_at_once(
    db: Database, neo4j_server: Settings, tmp_path: Path
) -> None:
    admin = await fresh_key(db, "t-workers-admin", Role.ADMIN)
    key = await fresh_key(db, "t-workers-viewer")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = tmp_path / "serve.log"
    with served(neo4j_server, port, 2, log) as process:
        await until_ready(url, process, log)
        one_connection = httpx.Limits(max_connections=1, max_keepalive_connections=1)
        clients = [httpx.AsyncClient(base_url=url, limits=one_connection) for _ in range(24)]
        try:
            assert all([await status(http, key) == 200 for http in clients])  # all cache it
            workers = {pid: socket_inodes(pid) for pid in descendants(process.pid)}
            served_by = {id(http): await worker_of(http, port, workers) for http in clients}
            assert len(set(served_by.values())) == 2, "both workers serve some connections"
            revoking = clients[0]
            others = [http for http in clients if served_by[id(http)] != served_by[id(revoking)]]
            revoke = f'mutation {{ revokeApiKey(id: "{key_id_of(key)}") {{ revokedAt }} }}'
            response = await revoking.post(
                "/graphql", json={"query": revoke}, headers={"Authorization": f"Bearer {admin}"}
            )
            assert "errors" not in response.json(), response.text
            assert [await status(http, key) for http in others] == [401] * len(others)
            assert [await status(http, key) for http in clients] == [401] * len(clients)
            assert all([await status(http, admin) == 200 for http in clients])
        finally:
            for http in clients:
                await http.aclose()
