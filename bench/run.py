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
import timeit
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import httpx

from app.settings import PROJECT_ROOT, Settings
from bench.generate import DOMAIN_SIZE, SCALES, DataMap, LoadReport, generate, load
from graph import bulk, provision
from graph.database import Database, Record
from graph.queries import access as access_queries
from graph.queries import datamap as datamap_queries
from graph.queries import lineage as lineage_queries
from graph.queries import lists
from graph.queries import transfers as transfer_queries
from graph.queries.breach import BreachRecords, breach_subgraph
from graph.queries.deletion import DeletionRecords, deletion_subgraph
from graph.queries.nodes import nodes_by_keys
from graph.queries.registration import upsert_organisations
from graph.queries.relations import neighbour_pages
from resolvers.access import reach as flow_reach
from resolvers.auth import keys
from resolvers.auth.principal import Role
from resolvers.registration.inputs import ProcessorInput
from resolvers.registration.service import organisation_row
from resolvers.transfer.hops import placed, regime_rules
from resolvers.transfer.service import map_rows

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
    cpu_check_ms: list[float] = field(default_factory=list)

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


async def measure(call: Call, *, requests: int, concurrency: int) -> list[float]:
    """Latencies in ms of `requests` calls, `concurrency` at a time."""
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
        try:
            await measure(call, requests=args.warmup, concurrency=1)
            started = time.perf_counter()  # throughput counts the timed calls' wall time alone
            latencies = await measure(call, requests=args.requests, concurrency=concurrency)
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


DELETION_PLAN = """query($subject: ID!) { deletionPlan(subject: $subject, asOf: "2026-01-01") {
  steps { position systems actions { system action categories until reasons { path rule } } }
  notifications { recipient { id } categories } blockers { kind system } } }"""

BREACH_IMPACT = """query($systemIds: [ID!]) { breachImpact(systemIds: $systemIds,
    awareAt: "2026-11-30T09:00:00Z", kind: CONFIDENTIALITY) {
  systems { id reach } subjects { subject records } controllersToNotify { controller { id } }
  obligations { key status deadline } notifications { authority json } } }"""
DATA_MAP = """query($subject: ID!) { dataMap(filter: {subject: $subject}) {
  totalNodes truncated nodes { id kind key label attributes }
  edges { id kind source target attributes } } }"""

LINEAGE_HOPS = 5
LINEAGE = """query($from: ID!) { lineage(from: $from, maxHops: 5) {
  truncated nodes { id degree categories paths { nodeIds hops { edgeId } } } } }"""

ACCESS_PLAN = """query($subject: ID!) { accessPlan(subject: $subject) {
  locations { systemId reasons categories } recipients { organisation { id } reasons }
  sources { systemId } gaps { systemId missing } } }"""

TRANSFER_AS_OF = "2026-11-26"
TRANSFER_ASSESSMENT = """query($asOf: Date!) { transferAssessment(asOf: $asOf, first: 100) {
  totalCount truncated counts { verdict count }
  paths { verdict hops { id verdict reason legalBasis { article } } } } }"""
TRANSFER_REQUESTS_DIVISOR = 10
"""transferAssessment reads the whole map and takes seconds: it runs a tenth of the requests."""

PAGE_SIZE = 20
NESTED_PAGE_SIZE = 100
"""The default `first` of a nested list: the server's default maximum page size."""
SYSTEMS_PAGE = """query($first: Int!) { systems(first: $first) { nodes {
  key name kind ownerTeam
  organisations { nodes { role organisation { key legalName establishedIn { code name } } } }
  hostingCountries { nodes { code name } } } } }"""
NEO4J_GRAPHQL_SYSTEMS_PAGE = """query($limit: Int!) {
  systems(limit: $limit, sort: [{ name: ASC }, { key: ASC }]) {
  key name kind ownerTeam
  operatorConnection { edges { properties { role } node { key legalName
    establishedIn { code name } } } }
  hostingCountries { code name } } }"""


SYSTEM_LOOKUP = """query($key: ID!) { system(id: $key) {
  key name kind ownerTeam
  organisations { nodes { role organisation { key legalName establishedIn { code name } } } }
  hostingCountries { nodes { code name } } } }"""
NEO4J_GRAPHQL_SYSTEM_LOOKUP = """query($key: String!) { systems(where: { key: { eq: $key } }) {
  key name kind ownerTeam
  operatorConnection { edges { properties { role } node { key legalName
    establishedIn { code name } } } }
  hostingCountries { code name } } }"""


def system_rows(systems: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """Systems of either side as comparable rows: datamap names the operators `organisations`
    and pages its nested lists (`nodes`), @neo4j/graphql has the operators as a connection with
    the role on the relationship and the countries as a list."""
    rows = []
    for system in systems:
        hosting = system["hostingCountries"]
        if "organisations" in system:
            operators = [
                (
                    o["role"],
                    o["organisation"]["key"],
                    o["organisation"]["legalName"],
                    o["organisation"]["establishedIn"]["code"],
                )
                for o in system["organisations"]["nodes"]
            ]
            hosting = hosting["nodes"]
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
        countries = sorted((c["code"], c["name"]) for c in hosting)
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


def systems_page_rows(data: Any) -> list[tuple[Any, ...]]:
    """A systems page of either side: datamap's is a connection (`nodes`), @neo4j/graphql's a
    list."""
    systems = data["systems"]["nodes"] if isinstance(data["systems"], dict) else data["systems"]
    return system_rows(systems)


def system_lookup_rows(data: Any) -> list[tuple[Any, ...]]:
    """One system looked up by key: datamap's `system` field, @neo4j/graphql's filtered list."""
    return system_rows([data["system"]] if "system" in data else data["systems"])


async def raw_systems_page(db: Database) -> list[Record]:
    """The statements the `systems` resolvers run for SYSTEMS_PAGE, level by level."""
    page = await lists.page(db, lists.SYSTEMS, {}, offset=0, limit=PAGE_SIZE)
    return await raw_system_details(db, [row["id"] for row in page["page"]])


async def raw_system_lookup(db: Database, key: str) -> list[Record]:
    """The statements the `system` resolvers run for SYSTEM_LOOKUP, level by level."""
    found = await nodes_by_keys(db, "System", [key])
    return await raw_system_details(db, [row["key"] for row in found])


async def raw_system_details(db: Database, ids: list[str]) -> list[Record]:
    """The operators and hosting countries of systems (a first page of each, the nested lists'
    default), then the operators' countries."""
    window = {"offset": 0, "limit": NESTED_PAGE_SIZE}
    operators, _ = await asyncio.gather(
        neighbour_pages(db, "system.operators", ids, **window),
        neighbour_pages(db, "system.hosting_countries", ids, **window),
    )
    countries = sorted({row["node"]["country"] for page in operators for row in page["page"]})
    await nodes_by_keys(db, "Country", countries)
    return operators


async def loaded(db: Database, systems: int, seed: int) -> tuple[DataMap, LoadReport | None]:
    """The generated map of `systems` systems in `db`, loaded unless the graph holds it already
    (then the load report is None); earlier runs' registered rows are removed."""
    data_map = generate(systems, seed=seed)
    present = await db.read("MATCH (s:System) WHERE s.id STARTS WITH 'bench-' RETURN count(s) AS n")
    await bulk.remove_registered(db, "bench")
    if present[0]["n"] == len(data_map.systems):
        return data_map, None
    print(f"loading {systems} systems ...")
    report = await load(db, data_map)
    print(f"  {report.rows} rows in {report.seconds:.1f} s")
    return data_map, report


async def run_scale(scale: str, args: argparse.Namespace) -> ScaleResult:
    settings = Settings(local_neo4j_data_dir=args.data_dir / f"neo4j-{scale}")
    systems = SCALES[scale]
    with neo4j_server(settings):
        db = Database.connect(settings)
        try:
            data_map, report = await loaded(db, systems, args.seed)
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
            with (
                service(settings, args.service_port) as (pid, url),
                neo4j_graphql(settings, args.node_port) as node_url,
            ):
                async with httpx.AsyncClient(timeout=600) as http:
                    result.queries = await run_queries(db, http, url, node_url, scale, args)
                rss, peak = resident_mb(pid)
                result.service_rss_mb, result.service_peak_rss_mb = rss, peak
        finally:
            await db.close()
    return result


@dataclass
class Bench:
    """What every query's benchmark needs: the database, datamap's and @neo4j/graphql's URLs
    (None without Node), an admin key, the arguments, and the deterministic inputs."""

    db: Database
    http: httpx.AsyncClient
    url: str
    node_url: str | None
    auth: dict[str, str]
    args: argparse.Namespace
    settings: Settings
    domains: int

    def spread(self, template: str) -> list[str]:
        """One input per domain, in a fixed order that jumps between domains."""
        return [template.format((i * 7919) % self.domains) for i in range(self.domains)]

    @property
    def subjects(self) -> list[str]:
        return self.spread("bench-subject-{}")

    @property
    def collection_points(self) -> list[str]:
        """The first system of each domain: it collects the domain's subject kind."""
        return self.spread("bench-sys-{}-0")

    def service(self, document: str, variables: Callable[[int], dict[str, Any]]) -> Call:
        return graphql_call(self.http, self.url, document, variables, self.auth)


async def equal_to_neo4j_graphql(
    result: QueryResult,
    bench: Bench,
    service: Call,
    node: Call,
    rows: Callable[[Any], list[tuple[Any, ...]]],
) -> None:
    """Check that both sides answer the same before timing; a difference stops the run."""
    result.equal_to_neo4j_graphql = rows(await service(0)) == rows(await node(0))
    print(f"    equal to @neo4j/graphql: {result.equal_to_neo4j_graphql}")
    if not result.equal_to_neo4j_graphql:
        raise RuntimeError(f"{result.query} differs between datamap and @neo4j/graphql")


async def systems_page(bench: Bench) -> QueryResult:
    page = QueryResult("nested systems page (3 levels)")
    service = bench.service(SYSTEMS_PAGE, lambda i: {"first": PAGE_SIZE})
    node = None
    if bench.node_url is not None:
        node = graphql_call(
            bench.http, bench.node_url, NEO4J_GRAPHQL_SYSTEMS_PAGE, lambda i: {"limit": PAGE_SIZE}
        )
        await equal_to_neo4j_graphql(page, bench, service, node, systems_page_rows)
    page.timings += await timed("datamap", service, bench.args)
    page.timings += await timed("raw Cypher", lambda i: raw_systems_page(bench.db), bench.args)
    if node is not None:
        page.timings += await timed("neo4j-graphql", node, bench.args)
    return page


async def system_lookup(bench: Bench) -> QueryResult:
    """One system by key, each call another domain's collection point."""
    lookup = QueryResult("system lookup (by key, 3 levels)")
    starts = bench.collection_points
    service = bench.service(SYSTEM_LOOKUP, lambda i: {"key": starts[i % bench.domains]})
    node = None
    if bench.node_url is not None:
        node = graphql_call(
            bench.http,
            bench.node_url,
            NEO4J_GRAPHQL_SYSTEM_LOOKUP,
            lambda i: {"key": starts[i % bench.domains]},
        )
        await equal_to_neo4j_graphql(lookup, bench, service, node, system_lookup_rows)
    lookup.timings += await timed("datamap", service, bench.args)

    async def raw(i: int) -> list[Record]:
        return await raw_system_lookup(bench.db, starts[i % bench.domains])

    lookup.timings += await timed("raw Cypher", raw, bench.args)
    if node is not None:
        lookup.timings += await timed("neo4j-graphql", node, bench.args)
    return lookup


async def per_subject(
    bench: Bench, name: str, document: str, raw: Callable[[str], Awaitable[Any]]
) -> QueryResult:
    """`document` and its raw side `raw` for each domain's subject kind in turn."""
    subjects = bench.subjects
    result = QueryResult(name)
    result.timings += await timed(
        "datamap",
        bench.service(document, lambda i: {"subject": subjects[i % bench.domains]}),
        bench.args,
    )
    result.timings += await timed(
        "raw Cypher", lambda i: raw(subjects[i % bench.domains]), bench.args
    )
    return result


async def data_map(bench: Bench) -> QueryResult:
    """dataMap of one domain's subject kind."""

    async def raw(subject: str) -> Record:
        return await datamap_queries.data_map(
            bench.db, {"subject": subject}, max_nodes=bench.settings.datamap_max_nodes
        )

    return await per_subject(bench, "dataMap", DATA_MAP, raw)


async def lineage(bench: Bench) -> QueryResult:
    """Downstream lineage of 5 hops from each domain's collection point in turn."""
    starts = bench.collection_points
    result = QueryResult(f"lineage ({LINEAGE_HOPS} hops)")
    result.timings += await timed(
        "datamap", bench.service(LINEAGE, lambda i: {"from": starts[i % bench.domains]}), bench.args
    )

    async def raw(i: int) -> Record | None:
        return await lineage_queries.expand(
            bench.db,
            start=starts[i % bench.domains],
            kind="System",
            hops=LINEAGE_HOPS,
            downstream=True,
            upstream=False,
            categories=None,
            subject=None,
            limit=bench.settings.lineage_max_nodes + 1,
        )

    result.timings += await timed("raw Cypher", raw, bench.args)
    return result


async def access_plan(bench: Bench) -> QueryResult:
    """accessPlan (EU) of one domain's subject kind, without the transfer engine's answer."""

    async def raw(subject: str) -> access_queries.AccessRows:
        return await access_queries.access_rows(
            bench.db,
            subject=subject,
            regime="EU",
            hops=bench.settings.lineage_default_hops,
            limit=bench.settings.lineage_max_nodes,
            reach=flow_reach.reach_rows,
        )

    return await per_subject(bench, "accessPlan", ACCESS_PLAN, raw)


async def deletion_plan(bench: Bench) -> QueryResult:
    async def raw(subject: str) -> DeletionRecords:
        return await deletion_subgraph(bench.db, subject=subject, categories=None, regime="EU")

    return await per_subject(bench, "deletionPlan", DELETION_PLAN, raw)


async def transfer_assessment(bench: Bench) -> QueryResult:
    """The EU assessment of the whole map; the raw side reads the map the engine decides on (its
    five statements, then the flows that can be on a path)."""
    calls = argparse.Namespace(**vars(bench.args))
    calls.requests = max(bench.args.requests // TRANSFER_REQUESTS_DIVISOR, 4)
    calls.warmup = min(bench.args.warmup, 2)
    result = QueryResult("transferAssessment")
    result.timings += await timed(
        "datamap", bench.service(TRANSFER_ASSESSMENT, lambda i: {"asOf": TRANSFER_AS_OF}), calls
    )
    head = await map_rows(bench.db, "EU")
    area = regime_rules("EU", head.regime).area
    exposed = placed(head, date.fromisoformat(TRANSFER_AS_OF)).exposed_systems(area)

    async def raw(i: int) -> list[Record]:
        await map_rows(bench.db, "EU")
        return await transfer_queries.flows_into(bench.db, exposed)

    result.timings += await timed("raw Cypher", raw, calls)
    return result


async def breach_impact(bench: Bench) -> QueryResult:
    """breachImpact of each domain's collection point in turn (with its backups and everything
    flows reach from it, at most 12 hops)."""
    starts = bench.collection_points
    result = QueryResult("breachImpact")
    result.timings += await timed(
        "datamap",
        bench.service(BREACH_IMPACT, lambda i: {"systemIds": [starts[i % bench.domains]]}),
        bench.args,
    )

    async def raw(i: int) -> BreachRecords:
        return await breach_subgraph(
            bench.db, system_ids=[starts[i % bench.domains]], organisation_id=None
        )

    result.timings += await timed("raw Cypher", raw, bench.args)
    return result


async def register_processors(bench: Bench) -> QueryResult:
    return await register_processors_bulk(bench.db, bench.http, bench.url, bench.auth, bench.args)


QUERIES: dict[str, Callable[[Bench], Awaitable[QueryResult]]] = {
    "systems": systems_page,
    "lookup": system_lookup,
    "dataMap": data_map,
    "lineage": lineage,
    "accessPlan": access_plan,
    "deletionPlan": deletion_plan,
    "transferAssessment": transfer_assessment,
    "breachImpact": breach_impact,
    "registerProcessors": register_processors,
}
"""Every query of the benchmark by the name `--queries` takes, in the order they run."""


async def run_queries(
    db: Database,
    http: httpx.AsyncClient,
    url: str,
    node_url: str | None,
    scale: str,
    args: argparse.Namespace,
) -> list[QueryResult]:
    created = await keys.create(db, Role.ADMIN, "bench", keys.SYSTEM_ACTOR)
    bench = Bench(
        db=db,
        http=http,
        url=url,
        node_url=node_url,
        auth={"Authorization": f"Bearer {created.key}"},
        args=args,
        settings=Settings(),
        domains=SCALES[scale] // DOMAIN_SIZE,
    )
    results = []
    for name in args.queries:
        print(f"  {name}")
        before = cpu_check_ms()
        results.append(await QUERIES[name](bench))
        results[-1].cpu_check_ms = [before, cpu_check_ms()]
        print(f"    cpu check {results[-1].cpu_check_ms} ms")
    return results


def cpu_check_ms() -> float:
    """How long a fixed pure-Python loop takes now (the best of five), in ms: this machine's speed
    changes by up to 2x within minutes, so each query's timings carry the speed it ran at."""
    loop = "sum(i * i for i in range(100_000))"
    return round(min(timeit.repeat(loop, number=10, repeat=5)) * 100, 2)


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


async def register_processors_bulk(
    db: Database, http: httpx.AsyncClient, url: str, auth: dict[str, str], args: argparse.Namespace
) -> QueryResult:
    """Every call creates BULK organisations, removed again at the end. Throughput is in calls
    per second; organisations per second are BULK times that. The raw side runs the upsert statement
    alone (the service also checks references and writes one audit event per organisation)."""
    # Fewer calls than the reads, but as many warm-up calls: a freshly started Neo4j compiles its
    # write path over the first few dozen calls (432 ms falling to ~230 over 25 calls of 1,000),
    # and with two warm-up calls the datamap side, timed first, ran on a cold server and the raw
    # side on a warm one.
    calls = argparse.Namespace(**{**vars(args), "requests": max(args.requests // 6, 4)})
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
        return await db.write_tx(lambda tx: upsert_organisations(tx, db, rows, codes, "bench"))

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
def service(settings: Settings, port: int) -> Iterator[tuple[int, str]]:
    """datamap under uvicorn, one worker, on loopback."""
    url = f"http://127.0.0.1:{port}/graphql"
    command = [
        sys.executable,
        *("-m", "uvicorn", "app.asgi:app", "--host", "127.0.0.1"),
        *("--port", str(port), "--workers", "1", "--log-level", "warning"),
    ]
    with served(command, url, environment(settings), PROJECT_ROOT) as pid:
        yield pid, url


@contextmanager
def neo4j_graphql(settings: Settings, port: int) -> Iterator[str | None]:
    """The @neo4j/graphql server, installed with `npm ci` when needed; None without Node."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        print("  node/npm not found: the @neo4j/graphql baseline is skipped")
        yield None
        return
    if not (NODE_PROJECT / "node_modules").exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=NODE_PROJECT, check=True)
    url = f"http://127.0.0.1:{port}/graphql"
    env = environment(settings) | {"PORT": str(port)}
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
    parser.add_argument(
        "--queries", nargs="+", choices=QUERIES, default=list(QUERIES), help="a subset, by name"
    )
    parser.add_argument("--service-port", type=int, default=SERVICE_PORT)
    parser.add_argument("--node-port", type=int, default=NODE_PORT)
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
