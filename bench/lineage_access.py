"""Benchmark `lineage` (5 hops) and `accessPlan` on a generated map of 10,000 systems and 50,000
flows: 100 domains of 100 systems; each system sends 4 flows inside its domain (offsets 1, 4, 9, 16,
so cycles and diamonds abound) and 1 to the next domain; 20 operators engaging each other; one
subject kind per domain stored in 10 of its systems. Each query runs through the ASGI app and the
script prints p50/p95/p99. Run with the test server up: `python -m bench.lineage_access`."""

import asyncio
import statistics
import time
from typing import Any

import httpx

from app.main import create_app
from app.settings import Settings
from bench.run import ACCESS_PLAN, LINEAGE
from graph import sort_names
from graph.database import Database
from resolvers.auth import keys
from resolvers.auth.principal import Role

PREFIX = "bench-lin-"
DOMAINS = 100
PER_DOMAIN = 100
RUNS = 110
WARM_UP = 10

# Art. 15(2) asks the transfer engine, which reads the whole map: measured apart, with fewer runs.
ACCESS_TRANSFERS = """query($subject: ID!) { accessPlan(subject: $subject) {
  locations { systemId } transfers { verdict decisions { id verdict } } } }"""
ENGINE_RUNS = 6
ENGINE_WARM_UP = 1

ORGANISATIONS = (
    """
UNWIND range(0, 19) AS m
MERGE (o:Organisation {id: $prefix + 'org-' + m})
SET o.legal_name = 'Org ' + m, o.is_self = (m = 0),
    o.country = CASE m % 3 WHEN 0 THEN 'DE' WHEN 1 THEN 'US' ELSE 'IN' END
"""
    + sort_names.kept("o", "Organisation")
    + """
WITH o, m WHERE m > 0
MATCH (next:Organisation {id: $prefix + 'org-' + ((m % 19) + 1)})
MERGE (o)-[e:ENGAGES {id: $prefix + 'e-' + m}]->(next) SET e.role = 'SUB_PROCESSOR'
"""
)
SYSTEMS = (
    """
UNWIND range(0, $domains - 1) AS k
UNWIND range(0, $per - 1) AS i
MERGE (s:System {id: $prefix + k + '-' + i})
SET s.name = 'System ' + k + '-' + i, s.owner_team = CASE WHEN i % 17 = 0 THEN null ELSE 'team' END,
    s.retrieval_method = 'API', s.identifiers = ['email']
"""
    + sort_names.kept("s", "System")
    + """
WITH s, k, i
MATCH (o:Organisation {id: $prefix + 'org-' + ((k + i) % 20)})
MERGE (s)-[op:OPERATED_BY]->(o)
SET op.role = CASE WHEN o.is_self THEN 'CONTROLLER' ELSE 'PROCESSOR' END
"""
)
FLOWS = """
UNWIND range($first, $last) AS k
UNWIND range(0, $per - 1) AS i
UNWIND range(1, 5) AS j
WITH k, i, j, CASE WHEN j = 5 THEN (k + 1) % $domains ELSE k END AS tk,
     CASE WHEN j = 5 THEN i ELSE (i + j * j) % $per END AS ti
MATCH (a:System {id: $prefix + k + '-' + i}), (b:System {id: $prefix + tk + '-' + ti})
MERGE (a)-[f:FLOWS_TO {id: $prefix + 'f-' + k + '-' + i + '-' + j}]->(b)
SET f.categories = [['user.contact.email', 'user.name'], ['user.device'], ['user.contact'],
                    ['user.behavior', 'user.name'], ['user']][(i + j) % 5]
"""
SUBJECTS = """
MERGE (email:DataCategory {key: 'user.contact.email'})
MERGE (name:DataCategory {key: 'user.name'})
WITH email, name
UNWIND range(0, $domains - 1) AS k
MERGE (ds:DataSubject {key: $prefix + 'subject-' + k})
WITH email, name, ds, k
UNWIND range(0, $per - 1, 10) AS i
MATCH (s:System {id: $prefix + k + '-' + i})
MERGE (st:Storage {id: $prefix + 'st-' + k + '-' + i})
SET st.retention_days = CASE WHEN i = 50 THEN null ELSE 30 END,
    st.collected_from_subject = (i = 0), st.controller_role = 'CONTROLLER'
MERGE (st)-[:IN_SYSTEM]->(s) MERGE (st)-[:OF_SUBJECT]->(ds)
MERGE (st)-[:OF_CATEGORY]->(email) MERGE (st)-[:OF_CATEGORY]->(name)
"""


async def load(settings: Settings) -> dict[str, int]:
    db = Database.connect(settings.model_copy(update={"neo4j_transaction_timeout_s": 600}))
    params = {"prefix": PREFIX, "domains": DOMAINS, "per": PER_DOMAIN}
    await db.write(ORGANISATIONS, params)
    await db.write(SYSTEMS, params)
    for first in range(0, DOMAINS, 10):
        await db.write(FLOWS, {**params, "first": first, "last": first + 9})
    await db.write(SUBJECTS, params)
    [counts] = await db.read(
        "MATCH (s:System) WHERE s.id STARTS WITH $prefix WITH count(s) AS systems "
        "MATCH ()-[f:FLOWS_TO]->() WHERE f.id STARTS WITH $prefix "
        "RETURN systems, count(f) AS flows",
        {"prefix": PREFIX},
    )
    await db.close()
    return counts


async def unload(settings: Settings) -> None:
    """Remove the generated map, so the tests' checks of the seeded map do not see it."""
    db = Database.connect(settings.model_copy(update={"neo4j_transaction_timeout_s": 600}))
    for domain in range(DOMAINS):
        await db.write(
            "MATCH (n) WHERE n.id STARTS WITH $system OR n.id STARTS WITH $storage DETACH DELETE n",
            {"system": f"{PREFIX}{domain}-", "storage": f"{PREFIX}st-{domain}-"},
        )
    await db.write(
        "MATCH (n) WHERE n.id STARTS WITH $prefix OR n.key STARTS WITH $prefix DETACH DELETE n",
        {"prefix": PREFIX},
    )
    await db.close()


async def timed(
    http: httpx.AsyncClient,
    query: str,
    variables: Any,
    runs: int = RUNS,
    warm_up: int = WARM_UP,
) -> tuple[list[float], dict[str, Any]]:
    timings = []
    body: dict[str, Any] = {}
    for run in range(runs):
        started = time.perf_counter()
        response = await http.post("/graphql", json={"query": query, "variables": variables(run)})
        elapsed = (time.perf_counter() - started) * 1000
        body = response.json()
        assert "errors" not in body, body
        if run >= warm_up:
            timings.append(elapsed)
    return timings, body


def report(name: str, timings: list[float], size: str) -> None:
    quantiles = statistics.quantiles(timings, n=100)
    print(
        f"{name}: {size} runs={len(timings)} p50={quantiles[49]:.1f}ms "
        f"p95={quantiles[94]:.1f}ms p99={quantiles[98]:.1f}ms"
    )


async def main() -> None:
    settings = Settings()
    counts = await load(settings)
    print(f"systems={counts['systems']} flows={counts['flows']}")
    try:
        await measure(settings)
    finally:
        await unload(settings)


async def measure(settings: Settings) -> None:
    db = Database.connect(settings)
    created = await keys.create(db, Role.ANALYST, "bench", keys.SYSTEM_ACTOR)
    await db.close()
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        headers = {"Authorization": f"Bearer {created.key}"}
        async with httpx.AsyncClient(
            transport=transport, base_url="http://b", headers=headers
        ) as http:
            lineage, body = await timed(
                http, LINEAGE, lambda run: {"from": f"{PREFIX}{run % DOMAINS}-{run % 7}"}
            )
            nodes = len(body["data"]["lineage"]["nodes"])
            report("lineage (5 hops)", lineage, f"nodes={nodes}")
            access, body = await timed(
                http, ACCESS_PLAN, lambda run: {"subject": f"{PREFIX}subject-{run % DOMAINS}"}
            )
            locations = len(body["data"]["accessPlan"]["locations"])
            report("accessPlan", access, f"locations={locations}")
            engine, body = await timed(
                http,
                ACCESS_TRANSFERS,
                lambda run: {"subject": f"{PREFIX}subject-{run % DOMAINS}"},
                ENGINE_RUNS,
                ENGINE_WARM_UP,
            )
            transfers = len(body["data"]["accessPlan"]["transfers"])
            report("accessPlan with transfers", engine, f"transfers={transfers}")


if __name__ == "__main__":
    asyncio.run(main())
