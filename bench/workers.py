"""Several uvicorn workers against one Neo4j: `datamap serve` with DATAMAP_WORKERS of 1, 2 and 4
over the generated map of a scale, a representative read mix (the nested systems page, a lookup by
key, an access plan, a deletion plan and a lineage, in turn) at one concurrency. Each run prints
the CPU check (`bench.run.cpu_check_ms`) before and after and the machine's load average, since a
shared machine's speed and other work change what more workers can give.

    python -m bench.workers --scale 1k --workers 1 2 4 --concurrency 16 --requests 800
"""

import argparse
import asyncio
import json
import os
import sys
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from app.settings import PROJECT_ROOT, Settings
from bench.generate import DOMAIN_SIZE, SCALES
from bench.run import (
    ACCESS_PLAN,
    DELETION_PLAN,
    LINEAGE,
    PAGE_SIZE,
    RESULTS,
    SYSTEM_LOOKUP,
    SYSTEMS_PAGE,
    Call,
    cpu_check_ms,
    environment,
    graphql_call,
    loaded,
    machine,
    measure,
    neo4j_server,
    served,
    summary,
)
from graph.database import Database
from resolvers.auth import keys
from resolvers.auth.principal import Role

SERVICE_PORT = 8713


@dataclass
class WorkersResult:
    workers: int
    concurrency: int
    requests: int
    throughput_rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    cpu_check_ms: list[float]
    load_average: list[str]


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def read_mix(http: httpx.AsyncClient, url: str, auth: dict[str, str], domains: int) -> Call:
    """The five reads in turn, each call another domain's subject or system."""

    def spread(template: str) -> list[str]:
        return [template.format((i * 7919) % domains) for i in range(domains)]

    subjects, systems = spread("bench-subject-{}"), spread("bench-sys-{}-0")
    calls = [
        graphql_call(http, url, SYSTEMS_PAGE, lambda i: {"first": PAGE_SIZE}, auth),
        graphql_call(http, url, SYSTEM_LOOKUP, lambda i: {"key": systems[i % domains]}, auth),
        graphql_call(http, url, ACCESS_PLAN, lambda i: {"subject": subjects[i % domains]}, auth),
        graphql_call(http, url, DELETION_PLAN, lambda i: {"subject": subjects[i % domains]}, auth),
        graphql_call(http, url, LINEAGE, lambda i: {"from": systems[i % domains]}, auth),
    ]

    async def call(i: int) -> Any:
        return await calls[i % len(calls)](i // len(calls))

    return call


async def run(args: argparse.Namespace) -> list[WorkersResult]:
    settings = Settings(local_neo4j_data_dir=args.data_dir / f"neo4j-{args.scale}")
    results = []
    with neo4j_server(settings):
        db = Database.connect(settings)
        try:
            await loaded(db, SCALES[args.scale], args.seed)
            created = await keys.create(db, Role.ANALYST, "bench workers", keys.SYSTEM_ACTOR)
        finally:
            await db.close()
        auth = {"Authorization": f"Bearer {created.key}"}
        url = f"http://127.0.0.1:{args.service_port}/graphql"
        command = [sys.executable, "-c", "from app.cli import main; main()", "serve"]
        for workers in args.workers:
            env = environment(settings) | {
                "DATAMAP_WORKERS": str(workers),
                "DATAMAP_PORT": str(args.service_port),
                "PYTHONPATH": str(PROJECT_ROOT),
            }
            with served(command, url, env, PROJECT_ROOT):
                limits = httpx.Limits(max_connections=args.concurrency)
                async with httpx.AsyncClient(timeout=600, limits=limits) as http:
                    call = read_mix(http, url, auth, SCALES[args.scale] // DOMAIN_SIZE)
                    # a cold server compiles each statement once: two rounds one at a time
                    # (16 cold accessPlans at once outlasted the 30 s transaction timeout),
                    # then every worker warms up on many connections
                    await measure(call, requests=10, concurrency=1)
                    await measure(call, requests=args.warmup, concurrency=args.concurrency)
                    before, load = cpu_check_ms(), load_average()
                    started = time.perf_counter()
                    latencies = await measure(
                        call, requests=args.requests, concurrency=args.concurrency
                    )
                    wall = time.perf_counter() - started
                    timing = summary("datamap", args.concurrency, latencies, wall)
                    results.append(
                        WorkersResult(
                            workers=workers,
                            concurrency=args.concurrency,
                            requests=timing.requests,
                            throughput_rps=timing.throughput_rps,
                            p50_ms=timing.p50_ms,
                            p95_ms=timing.p95_ms,
                            p99_ms=timing.p99_ms,
                            cpu_check_ms=[before, cpu_check_ms()],
                            load_average=[load, load_average()],
                        )
                    )
                    print(f"  {results[-1]}")
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description="datamap with 1, 2 and 4 uvicorn workers")
    parser.add_argument("--scale", choices=SCALES, default="1k")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--requests", type=int, default=800)
    parser.add_argument("--warmup", type=int, default=160)
    parser.add_argument("--service-port", type=int, default=SERVICE_PORT)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--data-dir", type=Path, default=PROJECT_ROOT / "var" / "bench")
    args = parser.parse_args()
    os.environ.setdefault("DATAMAP_LOCAL_NEO4J_PORT", "7713")
    os.environ.setdefault("DATAMAP_LOCAL_NEO4J_HEAP_MB", "1024")
    os.environ.setdefault("DATAMAP_LOCAL_NEO4J_PAGE_CACHE_MB", "512")
    started = datetime.now(UTC)
    record_machine = machine()
    results = asyncio.run(run(args))
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"workers-{started.strftime('%Y-%m-%dT%H%M%S%z')}.json"
    record = {
        "started": started.isoformat(timespec="seconds"),
        "machine": record_machine,
        "arguments": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
        "results": [asdict(result) for result in results],
    }
    out.write_text(json.dumps(record, indent=2) + "\n")
    print(f"wrote {out}")
    print("| workers | conc. | requests | req/s | p50 ms | p95 ms | CPU check ms | load average |")
    print("|---:|---:|---:|---:|---:|---:|---|---|")
    for r in results:
        print(
            f"| {r.workers} | {r.concurrency} | {r.requests} | {r.throughput_rps} | {r.p50_ms} "
            f"| {r.p95_ms} | {r.cpu_check_ms[0]} → {r.cpu_check_ms[1]} "
            f"| {r.load_average[0]} → {r.load_average[1]} |"
        )


if __name__ == "__main__":
    main()
