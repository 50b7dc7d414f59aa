"""The benchmark: for each scale, a Neo4j of its own (loaded once by `bench.generate`), datamap over
HTTP (uvicorn, one worker, on loopback), the same graph-layer Cypher run directly with the driver,
and `@neo4j/graphql` (bench/neo4j-graphql) for the shared reads. Each query is warmed up, then
timed at each concurrency; p50/p95/p99 and throughput go to `bench/results/<date>.json`, and
`bench/README.md` holds the table.

`make bench` runs every scale; `python -m bench.run --scales 1k` runs one."""

import argparse
import asyncio
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from strawberry.utils.str_converters import to_camel_case

from app.settings import PROJECT_ROOT, Settings
from bench.generate import DOMAIN_SIZE, SCALES, generate, load
from graph import bulk, provision
from graph.database import Database, Record
from graph.queries import datamap as datamap_queries
from graph.queries import lists
from graph.queries.deletion import deletion_subgraph
from graph.queries.registration import upsert_organisations
from graph.queries.relations import neighbours
from resolvers import deletion_references, keys
from resolvers.auth import Role
from resolvers.registration.inputs import ProcessorInput
from resolvers.registration.service import organisation_row
from schema.query import Query

BENCH = PROJECT_ROOT / "bench"
NODE_PROJECT = BENCH / "neo4j-graphql"
RESULTS = BENCH / "results"
SERVICE_PORT = 8707
NODE_PORT = 4707
Call = Callable[[int], Awaitable[Any]]


@dataclass
class Timing:
    side: str
    concurrency: int
    requests: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    throughput_rps: float


@dataclass
class QueryResult:
    query: str
    timings: list[Timing] = field(default_factory=list)
    skipped: str | None = None
    equal_to_neo4j_graphql: bool | None = None

    def p50(self, side: str, concurrency: int = 1) -> float | None:
        return next(
            (t.p50_ms for t in self.timings if t.side == side and t.concurrency == concurrency),
            None,
        )


@dataclass
class ScaleResult:
    scale: str
    systems: int
    flows: int
    organisations: int
    load_rows: int | None
    load_seconds: float | None
    service_rss_mb: float
    service_peak_rss_mb: float
    queries: list[QueryResult] = field(default_factory=list)


async def measure(call: Call, *, requests: int, concurrency: int, warmup: int) -> list[float]:
    """Latencies in ms of `requests` calls, `concurrency` at a time, after `warmup` calls."""
    for i in range(warmup):
        await call(i)
    latencies: list[float] = []
    counter = iter(range(requests))

    async def worker() -> None:
        for i in counter:
            started = time.perf_counter()
            await call(i)
            latencies.append((time.perf_counter() - started) * 1000)

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies


def summary(side: str, concurrency: int, latencies: list[float], wall_s: float) -> Timing:
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    return Timing(
        side=side,
        concurrency=concurrency,
        requests=len(latencies),
        p50_ms=round(cuts[49], 2),
        p95_ms=round(cuts[94], 2),
        p99_ms=round(cuts[98], 2),
        throughput_rps=round(len(latencies) / wall_s, 1),
    )


async def timed(side: str, call: Call, args: argparse.Namespace) -> list[Timing]:
    """Timings at each concurrency; a concurrency whose calls fail is reported and left out."""
    timings = []
    for concurrency in args.concurrency:
        started = time.perf_counter()
        try:
            latencies = await measure(
                call, requests=args.requests, concurrency=concurrency, warmup=args.warmup
            )
        except RuntimeError as error:
            print(f"    {side:<14} c={concurrency:<3} FAILED: {str(error)[:200]}")
            continue
        timings.append(summary(side, concurrency, latencies, time.perf_counter() - started))
        print(f"    {side:<14} c={concurrency:<3} {timings[-1]}")
    return timings


def graphql_call(
    http: httpx.AsyncClient,
    url: str,
    document: str,
    variables: Callable[[int], dict[str, Any]],
    headers: dict[str, str] | None = None,
) -> Call:
    async def call(i: int) -> Any:
        response = await http.post(
            url, json={"query": document, "variables": variables(i)}, headers=headers
        )
        body = response.json()
        if response.status_code != 200 or "errors" in body:
            raise RuntimeError(f"{url}: {response.status_code} {str(body)[:300]}")
        return body["data"]

    return call


DELETION_PLAN = """query($subject: String!) { deletionPlan(subject: $subject, asOf: "2026-01-01") {
  steps { position systems actions { system action categories until reasons { path rule } } }
  notifications { recipient { id } categories } blockers { kind system } } }"""

DATA_MAP = """query($subject: String!) { dataMap(filter: {subject: $subject}) {
  totalNodes truncated nodes { id kind key label attributes }
  edges { id kind source target attributes } } }"""

NOT_ON_MAIN = {
    "lineage": "lineage (5 hops)",
    "accessPlan": "accessPlan",
    "transferAssessment": "transferAssessment",
}

PAGE_SIZE = 20
SYSTEMS_PAGE = """query($first: Int!) { systems(first: $first) { nodes {
  key name kind ownerTeam
  organisations { role organisation { key legalName establishedIn { code name } } }
  hostingCountries { code name } } } }"""
NEO4J_GRAPHQL_SYSTEMS_PAGE = """query($limit: Int!) {
  systems(limit: $limit, sort: [{ name: ASC }, { key: ASC }]) {
  key name kind ownerTeam
  operatorConnection { edges { properties { role } node { key legalName
    establishedIn { code name } } } }
  hostingCountries { code name } } }"""


def systems_page_rows(data: Any) -> list[tuple[Any, ...]]:
    """A systems page of either side as comparable rows: datamap's is a connection (`nodes`),
    @neo4j/graphql's a list with the operator's role on the relationship."""
    systems = data["systems"]["nodes"] if isinstance(data["systems"], dict) else data["systems"]
    rows = []
    for system in systems:
        if "organisations" in system:
            operators = [
                (
                    o["role"],
                    o["organisation"]["key"],
                    o["organisation"]["legalName"],
                    o["organisation"]["establishedIn"]["code"],
                )
                for o in system["organisations"]
            ]
        else:
            operators = [
                (
                    e["properties"]["role"],
                    e["node"]["key"],
                    e["node"]["legalName"],
                    e["node"]["establishedIn"][0]["code"],
                )
                for e in system["operatorConnection"]["edges"]
            ]
        countries = sorted((c["code"], c["name"]) for c in system["hostingCountries"])
        rows.append(
            (
                system["key"],
                system["name"],
                system["kind"],
                system["ownerTeam"],
                tuple(sorted(operators)),
                tuple(countries),
            )
        )
    return rows


async def raw_systems_page(db: Database) -> list[Record]:
    """The statements the `systems` resolvers run for SYSTEMS_PAGE, level by level."""
    page = await lists.page(db, lists.SYSTEMS, {}, offset=0, limit=PAGE_SIZE)
    ids = [row["id"] for row in page["page"]]
    operators, _ = await asyncio.gather(
        neighbours(db, "system.operators", ids), neighbours(db, "system.hosting_countries", ids)
    )
    organisations = sorted({row["node"]["id"] for row in operators})
    await neighbours(db, "organisation.established_in", organisations)
    return operators


def root_fields() -> set[str]:
    definition = Query.__strawberry_definition__  # type: ignore[attr-defined]
    return {f.graphql_name or to_camel_case(f.python_name) for f in definition.fields}


async def run_scale(scale: str, args: argparse.Namespace) -> ScaleResult:
    settings = Settings(local_neo4j_data_dir=args.data_dir / f"neo4j-{scale}")
    systems = SCALES[scale]
    with neo4j_server(settings):
        db = Database.connect(settings)
        try:
            data_map = generate(systems, seed=args.seed)
            present = await db.read(
                "MATCH (s:System) WHERE s.id STARTS WITH 'bench-' RETURN count(s) AS n"
            )
            await bulk.remove_registered(db, "bench")
            report = None
            if present[0]["n"] != len(data_map.systems):
                print(f"loading {scale} ...")
                report = await load(db, data_map)
                print(f"  {report.rows} rows in {report.seconds:.1f} s")
            result = ScaleResult(
                scale=scale,
                systems=len(data_map.systems),
                flows=data_map.flows,
                organisations=len(data_map.organisations),
                load_rows=report.rows if report else None,
                load_seconds=round(report.seconds, 1) if report else None,
                service_rss_mb=0.0,
                service_peak_rss_mb=0.0,
            )
            with service(settings) as (pid, url), neo4j_graphql(settings) as node_url:
                async with httpx.AsyncClient(timeout=120) as http:
                    result.queries = await run_queries(db, http, url, node_url, scale, args)
                rss, peak = resident_mb(pid)
                result.service_rss_mb, result.service_peak_rss_mb = rss, peak
        finally:
            await db.close()
    return result


async def run_queries(
    db: Database,
    http: httpx.AsyncClient,
    url: str,
    node_url: str | None,
    scale: str,
    args: argparse.Namespace,
) -> list[QueryResult]:
    fields = root_fields()
    domains = SCALES[scale] // DOMAIN_SIZE
    results = []
    for name, label in NOT_ON_MAIN.items():
        if name not in fields:
            print(f"  {label}: skipped, `{name}` is not on this branch yet")
            results.append(QueryResult(label, skipped=f"`{name}` is not in the schema yet"))

    created = await keys.create(db, Role.ADMIN, "bench", keys.SYSTEM_ACTOR)
    auth = {"Authorization": f"Bearer {created.key}"}

    subjects = [f"bench-subject-{(i * 7919) % domains}" for i in range(domains)]
    max_nodes = Settings().datamap_max_nodes

    print("  nested systems page (3 levels)")
    page = QueryResult("nested systems page (3 levels)")
    service_page = graphql_call(http, url, SYSTEMS_PAGE, lambda i: {"first": PAGE_SIZE}, auth)
    if node_url is not None:
        node_page = graphql_call(
            http, node_url, NEO4J_GRAPHQL_SYSTEMS_PAGE, lambda i: {"limit": PAGE_SIZE}
        )
        page.equal_to_neo4j_graphql = systems_page_rows(await service_page(0)) == (
            systems_page_rows(await node_page(0))
        )
        print(f"    equal to @neo4j/graphql: {page.equal_to_neo4j_graphql}")
        if not page.equal_to_neo4j_graphql:
            raise RuntimeError("the systems page differs between datamap and @neo4j/graphql")
    page.timings += await timed("datamap", service_page, args)
    page.timings += await timed("raw Cypher", lambda i: raw_systems_page(db), args)
    if node_url is not None:
        page.timings += await timed("neo4j-graphql", node_page, args)
    results.append(page)

    print("  dataMap (one domain's subject kind)")
    data_map = QueryResult("dataMap")
    data_map.timings += await timed(
        "datamap",
        graphql_call(http, url, DATA_MAP, lambda i: {"subject": subjects[i % domains]}, auth),
        args,
    )

    async def raw_data_map(i: int) -> Record:
        values = {"subject": subjects[i % domains]}
        return await datamap_queries.data_map(db, values, max_nodes=max_nodes)

    data_map.timings += await timed("raw Cypher", raw_data_map, args)
    results.append(data_map)

    print("  deletionPlan")
    reference_keys = sorted(deletion_references.ALL)

    async def raw_deletion(i: int) -> Any:
        return await deletion_subgraph(
            db,
            subject=subjects[i % domains],
            categories=None,
            reference_keys=reference_keys,
        )

    deletion = QueryResult("deletionPlan")
    deletion.timings += await timed(
        "datamap",
        graphql_call(http, url, DELETION_PLAN, lambda i: {"subject": subjects[i % domains]}, auth),
        args,
    )
    deletion.timings += await timed("raw Cypher", raw_deletion, args)
    results.append(deletion)

    results.append(await register_processors(db, http, url, auth, args))
    return results


REGISTER_PROCESSORS = """mutation($inputs: [ProcessorInput!]!) {
  registerProcessors(inputs: $inputs) { id created changed } }"""
BULK = 1000


def processor_inputs(call: int, side: str) -> list[dict[str, Any]]:
    """BULK new processors for the `call`-th request of `side`, engaged by the map's owner."""
    return [
        {
            "source": "bench",
            "externalId": f"{side}-{call}-{n}",
            "legalName": f"Registered vendor {side} {call}-{n}",
            "country": ("DE", "US", "FR", "GB")[n % 4],
            "engagedBy": "bench-org-0",
            "service": "hosting",
            "categories": ["user.contact.email"],
        }
        for n in range(BULK)
    ]


async def register_processors(
    db: Database, http: httpx.AsyncClient, url: str, auth: dict[str, str], args: argparse.Namespace
) -> QueryResult:
    """Every call creates BULK organisations, removed again at the end. Throughput is in calls
    per second; organisations per second are BULK times that. The raw side runs the upsert statement
    alone (the service also checks references and writes one audit event per organisation)."""
    print(f"  registerProcessors ({BULK} per call)")
    calls = argparse.Namespace(**{**vars(args), "requests": max(args.requests // 6, 4)})
    calls.warmup = 2
    result = QueryResult(f"registerProcessors ({BULK} per call)")
    result.timings += await timed(
        "datamap",
        graphql_call(
            http, url, REGISTER_PROCESSORS, lambda i: {"inputs": processor_inputs(i, "s")}, auth
        ),
        calls,
    )
    engagement = {"role": "PROCESSOR", "authorisation": None, "authorised_on": None}
    codes = {"DE": "Germany", "US": "United States", "FR": "France", "GB": "United Kingdom"}

    async def raw(i: int) -> list[Record]:
        rows = [
            organisation_row(
                ProcessorInput(
                    source=p["source"],
                    external_id=p["externalId"],
                    legal_name=p["legalName"],
                    country=p["country"],
                    engaged_by=p["engagedBy"],
                    service=p["service"],
                    categories=p["categories"],
                    website=None,
                    dpa_signed=None,
                    subject_to=[],
                ),
                "bench-org-0",
                engagement,
            )
            for p in processor_inputs(i, "r")
        ]
        return await db.write_tx(lambda tx: upsert_organisations(tx, db, rows, codes))

    result.timings += await timed("raw Cypher", raw, calls)
    await bulk.remove_registered(db, "bench")
    return result


@contextmanager
def neo4j_server(settings: Settings) -> Iterator[None]:
    if settings.uses_external_neo4j:
        yield
        return
    started = not provision.status(settings).running
    provision.start(settings)
    try:
        yield
    finally:
        if started:
            provision.stop(settings)


def environment(settings: Settings) -> dict[str, str]:
    return {
        **os.environ,
        "DATAMAP_LOCAL_NEO4J_PORT": str(settings.local_neo4j_port),
        "DATAMAP_LOCAL_NEO4J_DATA_DIR": str(settings.local_neo4j_data_dir),
        "NEO4J_URI": settings.bolt_uri,
        "NEO4J_USER": settings.neo4j_user,
        "NEO4J_PASSWORD": settings.neo4j_password.get_secret_value(),
        "NEO4J_DATABASE": settings.neo4j_database,
    }


def wait_until_up(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url} exited with {process.returncode}")
        try:
            httpx.post(url, json={"query": "{ __typename }"}, timeout=2)
            return
        except httpx.TransportError:
            time.sleep(0.5)
    raise RuntimeError(f"{url} did not answer within 120 s")


@contextmanager
def served(command: list[str], url: str, env: dict[str, str], cwd: Path) -> Iterator[int]:
    process = subprocess.Popen(command, env=env, cwd=cwd)
    try:
        wait_until_up(url, process)
        yield process.pid
    finally:
        process.terminate()
        process.wait(timeout=30)


@contextmanager
def service(settings: Settings) -> Iterator[tuple[int, str]]:
    """datamap under uvicorn, one worker, on loopback."""
    url = f"http://127.0.0.1:{SERVICE_PORT}/graphql"
    command = [
        sys.executable,
        *("-m", "uvicorn", "app.asgi:app", "--host", "127.0.0.1"),
        *("--port", str(SERVICE_PORT), "--workers", "1", "--log-level", "warning"),
    ]
    with served(command, url, environment(settings), PROJECT_ROOT) as pid:
        yield pid, url


@contextmanager
def neo4j_graphql(settings: Settings) -> Iterator[str | None]:
    """The @neo4j/graphql server, installed with `npm ci` when needed; None without Node."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        print("  node/npm not found: the @neo4j/graphql baseline is skipped")
        yield None
        return
    if not (NODE_PROJECT / "node_modules").exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=NODE_PROJECT, check=True)
    url = f"http://127.0.0.1:{NODE_PORT}/graphql"
    env = environment(settings) | {"PORT": str(NODE_PORT)}
    with served(["node", "server.mjs"], url, env, NODE_PROJECT):
        yield url


def resident_mb(pid: int) -> tuple[float, float]:
    """The current and peak resident set size of `pid`, in MB."""
    lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    fields = {line.split(":")[0]: line.split()[1] for line in lines if line.startswith("Vm")}
    return int(fields["VmRSS"]) / 1024, int(fields["VmHWM"]) / 1024


def machine() -> dict[str, str]:
    def run(*command: str) -> str:
        return subprocess.run(command, capture_output=True, text=True, check=False).stdout.strip()

    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    return {
        "cpu": cpu,
        "nproc": run("nproc"),
        "memory": run("free", "-h").splitlines()[1].split()[1],
        "load_average": " ".join(Path("/proc/loadavg").read_text().split()[:3]),
        "python": platform.python_version(),
        "node": run("node", "--version"),
        "neo4j": provision.neo4j_version(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description="datamap benchmarks")
    parser.add_argument("--scales", nargs="+", choices=SCALES, default=list(SCALES))
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 16])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--data-dir", type=Path, default=PROJECT_ROOT / "var" / "bench")
    args = parser.parse_args()
    os.environ.setdefault("DATAMAP_LOCAL_NEO4J_PORT", "7707")
    os.environ.setdefault("DATAMAP_LOCAL_NEO4J_HEAP_MB", "2048")
    os.environ.setdefault("DATAMAP_LOCAL_NEO4J_PAGE_CACHE_MB", "1024")
    started = datetime.now(UTC)
    scales = [asyncio.run(run_scale(scale, args)) for scale in args.scales]
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"{started.date().isoformat()}.json"
    record = {
        "started": started.isoformat(timespec="seconds"),
        "machine": machine(),
        "arguments": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
        "scales": [asdict(s) for s in scales],
    }
    out.write_text(json.dumps(record, indent=2) + "\n")
    print(f"wrote {out}")
    print("\n".join(table(scales)))


def table(scales: list[ScaleResult]) -> Iterator[str]:
    """The Markdown rows of bench/README.md's table: one per scale, query, side and concurrency,
    with the ratio of p50 to raw Cypher's at the same concurrency."""
    yield "| scale | query | side | conc. | p50 ms | p95 ms | p99 ms | req/s | p50 / raw |"
    yield "|---|---|---|---:|---:|---:|---:|---:|---:|"
    for scale in scales:
        for query in scale.queries:
            if query.skipped:
                yield f"| {scale.scale} | {query.query} | skipped: {query.skipped} |||||||"
            for t in query.timings:
                raw = query.p50("raw Cypher", t.concurrency)
                ratio = f"{t.p50_ms / raw:.2f}" if raw and t.side != "raw Cypher" else ""
                yield (
                    f"| {scale.scale} | {query.query} | {t.side} | {t.concurrency} | {t.p50_ms} "
                    f"| {t.p95_ms} | {t.p99_ms} | {t.throughput_rps} | {ratio} |"
                )


if __name__ == "__main__":
    main()
