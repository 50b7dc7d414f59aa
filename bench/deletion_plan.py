"""Benchmark deletionPlan at 10,000 systems: 100 subject kinds of 100 systems each (a collection
point feeding a tree of copies, with cross links, a cycle and a backup); plans one subject
repeatedly through the ASGI app and prints p50/p95/p99. Run with the test server up:
`python -m bench.deletion_plan`."""

import asyncio
import statistics
import time

import httpx

from app.main import create_app
from app.settings import Settings
from graph.database import Database
from resolvers import keys
from resolvers.auth import Role

PREFIX = "bench-del-"
SUBJECTS = 100
PER_SUBJECT = 100
QUERY = """query($s: String!) { deletionPlan(subject: $s, asOf: "2026-01-01") {
  steps { position systems actions { system action categories until reasons { path rule } } }
  notifications { recipient { id } categories } blockers { kind system } } }"""

LOAD = """
UNWIND range(0, $subjects - 1) AS k
MERGE (ds:DataSubject {key: $prefix + 'subject-' + k})
WITH k, ds
UNWIND range(0, $per - 1) AS i
MERGE (s:System {id: $prefix + k + '-' + i})
SET s.owner_team = 'team', s.deletion_method = 'API', s.identifiers = ['email']
WITH k, i, s, ds
MERGE (c:DataCategory {key: 'user.contact.email'})
WITH k, i, s, ds, c WHERE i % 10 = 0
MERGE (st:Storage {id: $prefix + 'st-' + k + '-' + i})
SET st.retention_days = 30, st.collected_from_subject = (i = 0)
MERGE (st)-[:IN_SYSTEM]->(s)
MERGE (st)-[:OF_SUBJECT]->(ds)
MERGE (st)-[:OF_CATEGORY]->(c)
"""
FLOWS = """
UNWIND range(0, $subjects - 1) AS k
UNWIND range(1, $per - 1) AS i
MATCH (a:System {id: $prefix + k + '-' + ((i - 1) / 2)}), (b:System {id: $prefix + k + '-' + i})
MERGE (a)-[:FLOWS_TO {id: $prefix + 'f-' + k + '-' + i, categories: ['user.contact.email']}]->(b)
WITH k, i, b WHERE i % 7 = 0 AND i > 7
MATCH (c:System {id: $prefix + k + '-' + (i - 7)})
MERGE (b)-[:FLOWS_TO {id: $prefix + 'x-' + k + '-' + i, categories: ['user.contact']}]->(c)
"""


async def main() -> None:
    settings = Settings()
    db = Database.connect(settings)
    params = {"prefix": PREFIX, "subjects": SUBJECTS, "per": PER_SUBJECT}
    await db.write(LOAD, params)
    await db.write(FLOWS, params)
    count = await db.read("MATCH (s:System) RETURN count(s) AS n")
    created = await keys.create(db, Role.ANALYST, "bench", keys.SYSTEM_ACTOR)
    await db.close()
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        headers = {"Authorization": f"Bearer {created.key}"}
        async with httpx.AsyncClient(
            transport=transport, base_url="http://b", headers=headers
        ) as http:
            timings = []
            for run in range(230):
                variables = {"s": f"{PREFIX}subject-{run % SUBJECTS}"}
                started = time.perf_counter()
                response = await http.post(
                    "/graphql", json={"query": QUERY, "variables": variables}
                )
                elapsed = (time.perf_counter() - started) * 1000
                body = response.json()
                assert "errors" not in body, body
                if run >= 30:
                    timings.append(elapsed)
    steps = len(body["data"]["deletionPlan"]["steps"])
    quantiles = statistics.quantiles(timings, n=100)
    print(
        f"systems={count[0]['n']} steps/plan={steps} runs={len(timings)} "
        f"p50={quantiles[49]:.1f}ms p95={quantiles[94]:.1f}ms p99={quantiles[98]:.1f}ms"
    )


if __name__ == "__main__":
    asyncio.run(main())
