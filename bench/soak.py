"""Soak: uvicorn serving datamap on 127.0.0.1 only, concurrent clients (16 unless `--clients`)
sending mixed reads and writes (`registerProcessor`, and `registerSystem` of systems all run by
one operator in a few countries, the shared nodes writes used to queue on) for a bounded time and
request count. Reports errors, lost writes
(acknowledged ids counted back in Neo4j), p50/p95 latency and the server's RSS over time.
Run with a Neo4j up (the test server, for example):
`DATAMAP_LOCAL_NEO4J_PORT=7711 python -m bench.soak --seconds 180 --clients 200`."""

import argparse
import asyncio
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from app.settings import PROJECT_ROOT, Settings
from graph import sort_names
from graph.database import Database
from resolvers.auth import keys
from resolvers.auth.principal import Principal, Role

HOST = "127.0.0.1"
REGISTER = "mutation($input: ProcessorInput!) { registerProcessor(input: $input) { key } }"
REGISTER_SYSTEM = "mutation($input: SystemInput!) { registerSystem(input: $input) { key } }"
COUNTRIES = ["IE", "US", "DE", "IN"]
READS = [
    "{ processors(first: 20) { totalCount nodes { id legalName } } }",
    "{ systems(first: 20) { totalCount nodes { id name } } }",
    "{ about { version nodeCounts { label count } } }",
]
WRITE_SHARE = 0.3
REQUEST_TIMEOUT_S = 60
KEEPALIVE_EXPIRY_S = 2.0


@dataclass
class Tally:
    latencies_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    acknowledged: list[str] = field(default_factory=list)
    rss_mb: list[tuple[float, float]] = field(default_factory=list)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
    return port


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for {pid}")


async def client(
    http: httpx.AsyncClient,
    tally: Tally,
    engaged_by: str,
    source: str,
    until: float,
    budget: list[int],
    write_share: float,
) -> None:
    rng = random.Random()
    while time.monotonic() < until and budget[0] > 0:
        budget[0] -= 1
        if rng.random() < write_share:
            external_id = uuid.uuid4().hex[:12]
            common = {"source": source, "externalId": external_id}
            fields: dict[str, object]
            if rng.random() < 0.5:
                field, query = "registerProcessor", REGISTER
                fields = {
                    "legalName": f"Soak vendor {external_id}",
                    "country": rng.choice(COUNTRIES),
                    "engagedBy": engaged_by,
                }
            else:
                field, query = "registerSystem", REGISTER_SYSTEM
                fields = {
                    "name": f"Soak system {external_id}",
                    "kind": "DATABASE",
                    "operatorId": engaged_by,
                    "operatorRole": "CONTROLLER",
                    "hostedIn": [rng.choice(COUNTRIES)],
                }
            variables = {"input": {**common, **fields}}
            body = await timed(http, tally, {"query": query, "variables": variables})
            if body is not None:
                tally.acknowledged.append(body["data"][field]["key"])
        else:
            await timed(http, tally, {"query": rng.choice(READS)})


async def timed(http: httpx.AsyncClient, tally: Tally, payload: object) -> dict[str, Any] | None:
    started = time.perf_counter()
    try:
        response = await http.post("/graphql", json=payload)
    except httpx.HTTPError as error:
        tally.errors.append(type(error).__name__)
        return None
    tally.latencies_ms.append((time.perf_counter() - started) * 1000)
    try:
        body: dict[str, Any] = response.json()
    except ValueError:
        tally.errors.append(f"{response.status_code} not JSON: {response.text[:120]!r}")
        return None
    if response.status_code != 200 or body.get("errors"):
        tally.errors.append(error_kind(response.status_code, body))
        return None
    return body


def error_kind(status: int, body: dict[str, Any]) -> str:
    """`<status> <code> <root field>` of a refused request's first error, for counting."""
    errors = body.get("errors") or [{}]
    first = errors[0]
    code = (first.get("extensions") or {}).get("code", "-")
    path = (first.get("path") or ["-"])[0]
    return f"{status} {code} {path}"


async def sample_rss(pid: int, tally: Tally, until: float, every_s: float) -> None:
    start = time.monotonic()
    while time.monotonic() < until:
        tally.rss_mb.append((time.monotonic() - start, rss_mb(pid)))
        await asyncio.sleep(every_s)
    tally.rss_mb.append((time.monotonic() - start, rss_mb(pid)))


async def prepare(settings: Settings) -> tuple[str, str]:
    """An integration key and a controller organisation of this run."""
    db = Database.connect(settings)
    try:
        admin = Principal(key_id="soak", role=Role.ADMIN)
        key = (await keys.create(db, Role.INTEGRATION, "soak", admin)).key
        controller = f"soak-{uuid.uuid4().hex[:8]}"
        await db.write(
            "CREATE (o:Organisation {id: $id, legal_name: 'Soak controller', country: 'DE', "
            "source: 'soak'})" + sort_names.kept("o", "Organisation"),
            {"id": controller},
        )
    finally:
        await db.close()
    return key, controller


async def count_and_remove(settings: Settings, ids: list[str], controller: str) -> int:
    """How many acknowledged writes are present; then the run's organisations are removed, so
    a soak against the test server leaves no untagged map entries behind."""
    db = Database.connect(settings)
    try:
        rows = await db.read(
            "MATCH (n) WHERE (n:Organisation OR n:System) AND n.id IN $ids RETURN count(n) AS n",
            {"ids": ids},
        )
        await db.write(
            "MATCH (n) WHERE ((n:Organisation OR n:System) AND n.id IN $ids) "
            "OR (n:Organisation AND n.id = $controller) DETACH DELETE n",
            {"ids": ids, "controller": controller},
        )
    finally:
        await db.close()
    count: int = rows[0]["n"]
    return count


def wait_listening(port: int, server: subprocess.Popen[bytes]) -> None:
    for _ in range(240):
        if server.poll() is not None:
            raise RuntimeError("uvicorn exited during start-up")
        with socket.socket() as probe:
            if probe.connect_ex((HOST, port)) == 0:
                return
        time.sleep(0.25)
    raise RuntimeError("uvicorn did not listen within 60 s")


async def load(
    port: int,
    pid: int,
    key: str,
    controller: str,
    seconds: float,
    max_requests: int,
    clients: int,
    write_share: float,
) -> tuple[Tally, float]:
    tally = Tally()
    until = time.monotonic() + seconds
    budget = [max_requests]
    source = f"soak-{uuid.uuid4().hex[:8]}"
    headers = {"Authorization": f"Bearer {key}"}
    # one connection per client, so no request waits for a connection of the pool; an idle
    # connection is dropped well before uvicorn's 5 s keep-alive closes it, so a request is never
    # sent on a connection the server is closing (httpx's default expiry is the same 5 s)
    limits = httpx.Limits(
        max_connections=clients,
        max_keepalive_connections=clients,
        keepalive_expiry=KEEPALIVE_EXPIRY_S,
    )
    async with httpx.AsyncClient(
        base_url=f"http://{HOST}:{port}", headers=headers, timeout=REQUEST_TIMEOUT_S, limits=limits
    ) as http:
        started = time.monotonic()
        await asyncio.gather(
            sample_rss(pid, tally, until, every_s=15),
            *(
                client(http, tally, controller, source, until, budget, write_share)
                for _ in range(clients)
            ),
        )
    return tally, time.monotonic() - started


def soak(seconds: float, max_requests: int, clients: int, write_share: float) -> None:
    settings = Settings()
    key, controller = asyncio.run(prepare(settings))
    port = free_port()
    env = {**os.environ, "DATAMAP_HOST": HOST, "DATAMAP_PORT": str(port)}
    command = [sys.executable, "-m", "uvicorn", "app.asgi:app", "--host", HOST]
    command += ["--port", str(port), "--log-level", "warning"]
    server = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env)
    try:
        wait_listening(port, server)
        tally, elapsed = asyncio.run(
            load(port, server.pid, key, controller, seconds, max_requests, clients, write_share)
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
    present = asyncio.run(count_and_remove(settings, tally.acknowledged, controller))
    report(tally, elapsed, clients, present, write_share)


def report(tally: Tally, elapsed: float, clients: int, present: int, write_share: float) -> None:
    cuts = statistics.quantiles(tally.latencies_ms, n=100)
    print(
        f"machine: {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    )
    print(
        f"clients: {clients}, writes: {write_share:.0%}, duration: {elapsed:.0f} s, "
        f"requests: {len(tally.latencies_ms)}"
    )
    print(f"throughput: {len(tally.latencies_ms) / elapsed:.1f} req/s")
    print(f"latency ms: p50 {cuts[49]:.0f}, p95 {cuts[94]:.0f}, p99 {cuts[98]:.0f}")
    counted = ", ".join(f"{kind}: {n}" for kind, n in Counter(tally.errors).most_common())
    print(f"errors: {len(tally.errors)} ({counted})")
    print(
        f"writes acknowledged: {len(tally.acknowledged)}, present: {present}, "
        f"lost: {len(tally.acknowledged) - present}"
    )
    print("server RSS MB over time: " + ", ".join(f"{t:.0f}s {mb:.0f}" for t, mb in tally.rss_mb))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=180)
    parser.add_argument("--max-requests", type=int, default=200_000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--write-share", type=float, default=WRITE_SHARE)
    arguments = parser.parse_args()
    soak(arguments.seconds, arguments.max_requests, arguments.clients, arguments.write_share)


if __name__ == "__main__":
    main()
