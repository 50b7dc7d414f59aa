"""Benchmark the records-of-processing export (`datamap export ropa`) on the generated map of
10,000 systems: the records read, decided (with the EU transfer assessment) and rendered as
XLSX, CSV and JSON, each timed end to end as the CLI and the HTTP download run it. Each format is
warmed up once and then run `--runs` times; a fixed pure-Python loop is timed before and after
(`bench.run.cpu_check_ms`), since this machine's speed changes by up to 2x within minutes.

`python -m bench.records` (its own Neo4j data directory `var/bench/neo4j-10k`, as `bench.run`
uses, on `DATAMAP_LOCAL_NEO4J_PORT` or 7707; the map is loaded when it is not there yet)."""

import argparse
import asyncio
import os
import statistics
import time
from datetime import date
from pathlib import Path

from app.settings import PROJECT_ROOT, Settings
from bench.generate import SCALES, generate, load
from bench.run import cpu_check_ms, neo4j_server
from graph.database import Database
from graph.migrations import migrate
from resolvers.records.document import Format, render
from resolvers.records.service import records_of
from seeds.loader import load_all

TARGET_S = 10.0
AS_OF = date(2026, 6, 1)


async def export_once(db: Database, fmt: Format, profile: str) -> tuple[float, int, int]:
    started = time.perf_counter()
    records = await records_of(db, profile=profile, as_of=AS_OF)
    size = len(render(records, fmt))
    return time.perf_counter() - started, size, len(records.controller) + len(records.processor)


async def run(args: argparse.Namespace) -> None:
    settings = Settings(local_neo4j_data_dir=args.data_dir / f"neo4j-{args.scale}")
    with neo4j_server(settings):
        db = Database.connect(settings)
        try:
            data_map = generate(SCALES[args.scale], seed=args.seed)
            present = await db.read(
                "MATCH (s:System) WHERE s.id STARTS WITH 'bench-' RETURN count(s) AS n"
            )
            if present[0]["n"] != len(data_map.systems):
                print(f"loading {args.scale} ...")
                report = await load(db, data_map)
                print(f"  {report.rows} rows in {report.seconds:.1f} s")
            else:
                await migrate(db)
                await load_all(db, example=False)
            print(
                f"{len(data_map.systems)} systems, {data_map.flows} flows, "
                f"{len(data_map.activities)} activities; load average "
                f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}"
            )
            for fmt in Format:
                before = cpu_check_ms()
                await export_once(db, fmt, args.profile)
                timings = []
                for _ in range(args.runs):
                    seconds, size, count = await export_once(db, fmt, args.profile)
                    timings.append(seconds)
                after = cpu_check_ms()
                verdict = "within" if max(timings) < TARGET_S else "OVER"
                print(
                    f"  {fmt.value:<4} {args.profile}: {count} records, {size:,} bytes; "
                    f"median {statistics.median(timings):.2f} s, max {max(timings):.2f} s "
                    f"({verdict} the {TARGET_S:.0f} s target); cpu check {[before, after]} ms"
                )
        finally:
            await db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=SCALES, default="10k")
    parser.add_argument("--profile", default="GDPR")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--data-dir", type=Path, default=PROJECT_ROOT / "var" / "bench")
    args = parser.parse_args()
    os.environ.setdefault("DATAMAP_LOCAL_NEO4J_PORT", "7707")
    os.environ.setdefault("DATAMAP_LOCAL_NEO4J_HEAP_MB", "2048")
    os.environ.setdefault("DATAMAP_LOCAL_NEO4J_PAGE_CACHE_MB", "1024")
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
