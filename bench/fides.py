"""Benchmark `datamap import fides` at 10,000 systems against the 60 s target: generated
fideslang manifests (100 organisations; per system one privacy declaration, one dataset of two
collections and an egress to the next system), imported through the service as the command
line does (validation, mapping, one write transaction), then imported again (a no-op).

`python -m bench.fides [--systems 10000]` against the Neo4j the environment names (for example
the test server: `DATAMAP_LOCAL_NEO4J_PORT=7697 DATAMAP_LOCAL_NEO4J_DATA_DIR=...`); it loads the
reference seeds, removes what an earlier run registered under its source, and removes it again
at the end. The one transaction has the import's timeout (`DATAMAP_NEO4J_IMPORT_TIMEOUT_S`,
300 s). Each run prints and records (`bench/results/fides-<start>.json`) the CPU check and the
load average before and after it, since this machine's speed changes with its other load."""

import argparse
import asyncio
import functools
import json
import os
import time
from datetime import UTC, datetime

import yaml

from app.settings import Settings
from bench.run import RESULTS, cpu_check_ms, machine, neo4j_server
from graph.database import Database
from graph.migrations import migrate
from resolvers.auth.keys import SYSTEM_ACTOR
from resolvers.fides.document import SAFE_DUMPER
from resolvers.fides.service import import_manifests, options
from seeds.loader import load_all

print = functools.partial(print, flush=True)  # progress shows as it happens
SOURCE = "bench-fides"
TARGET_S = 60.0
ORGANISATIONS = 100
CATEGORIES = ["user.contact.email", "user.name", "user.device.cookie_id", "user.financial"]
USES = ["essential.service", "marketing.communications.email", "functional.service.improve"]


def dump(data: object) -> str:
    return yaml.dump(data, Dumper=SAFE_DUMPER)


def manifests(systems: int) -> list[tuple[str, str]]:
    organisations = [
        {"fides_key": f"org_{o}", "name": f"Organisation {o}"} for o in range(ORGANISATIONS)
    ]
    system_list = []
    datasets = []
    for s in range(systems):
        key = f"sys_{s}"
        use = USES[s % len(USES)]
        system_list.append(
            {
                "fides_key": key,
                "organization_fides_key": f"org_{s % ORGANISATIONS}",
                "name": f"System {s}",
                "system_type": ["Application", "Database", "SaaS"][s % 3],
                "responsibility": ["Controller"],
                "dataset_references": [f"ds_{s}"],
                "egress": [{"fides_key": f"sys_{(s + 1) % systems}", "type": "system"}],
                "privacy_declarations": [
                    {
                        "name": f"Declaration {s}",
                        "data_use": use,
                        "data_categories": CATEGORIES[: 1 + s % len(CATEGORIES)],
                        "data_subjects": ["customer"],
                        "legal_basis_for_processing": "Contract",
                        "retention_period": f"{30 + s % 365} days",
                    }
                ],
            }
        )
        datasets.append(
            {
                "fides_key": f"ds_{s}",
                "collections": [
                    {
                        "name": "users",
                        "fields": [
                            {"name": "email", "data_categories": ["user.contact.email"]},
                            {"name": "name", "data_categories": ["user.name"]},
                        ],
                    },
                    {
                        "name": "events",
                        "fields": [
                            {"name": "cookie", "data_categories": ["user.device.cookie_id"]}
                        ],
                    },
                ],
            }
        )
    return [
        ("organizations.yml", dump({"organization": organisations})),
        ("systems.yml", dump({"system": system_list})),
        ("datasets.yml", dump({"dataset": datasets})),
    ]


async def remove(db: Database) -> None:
    """What this benchmark registered, in batches (a system's storages and flows with it)."""
    while True:
        rows = await db.write(
            "MATCH (n) WHERE n.source = $source WITH n LIMIT 5000 DETACH DELETE n "
            "RETURN count(*) AS n",
            {"source": SOURCE},
        )
        if rows[0]["n"] == 0:
            return


def load_average() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


async def run(args: argparse.Namespace) -> None:
    settings = Settings()
    record: dict[str, object] = {
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "systems": args.systems,
        "neo4j": {
            "heap_mb": settings.local_neo4j_heap_mb,
            "page_cache_mb": settings.local_neo4j_page_cache_mb,
        },
        "runs": [],
    }
    with neo4j_server(settings):
        db = Database.connect(settings)
        try:
            await migrate(db)
            await load_all(db, example=False)
            await remove(db)
            started = time.perf_counter()
            documents = manifests(args.systems)
            generated = time.perf_counter() - started
            size = sum(len(text) for _, text in documents)
            print(
                f"{args.systems} systems, {size:,} bytes of YAML generated in {generated:.1f} s; "
                f"load average {load_average()}"
            )
            given = options(SOURCE, "DE")
            for label in ("first import", "second import (no-op)"):
                before = cpu_check_ms()
                started = time.perf_counter()
                report = await import_manifests(db, SYSTEM_ACTOR, documents, given)
                seconds = time.perf_counter() - started
                touched = sum(entity.changed for entity in report.entities)
                verdict = "under" if seconds < TARGET_S else "OVER"
                after = cpu_check_ms()
                print(
                    f"{label}: {seconds:.1f} s ({verdict} the {TARGET_S:.0f} s target), "
                    f"{len(report.entities)} entities, {touched} written, "
                    f"{len(report.unmapped)} not mapped; cpu check {before} / {after} ms; "
                    f"load average {load_average()}"
                )
                runs = record["runs"]
                assert isinstance(runs, list)
                runs.append(
                    {
                        "run": label,
                        "seconds": round(seconds, 1),
                        "entities": len(report.entities),
                        "written": touched,
                        "unmapped": len(report.unmapped),
                        "cpu_check_ms": [before, after],
                        "load_average": load_average(),
                    }
                )
            await remove(db)
            out = RESULTS / f"fides-{record['started']}.json".replace(":", "")
            out.write_text(json.dumps(record, indent=2) + "\n")
            print(f"wrote {out}")
        finally:
            await db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--systems", type=int, default=10_000)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
