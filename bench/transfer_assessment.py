"""Whole-map transfer assessment on 10,000 systems and 2,000 organisations: p50/p95 of the
`transferAssessment` GraphQL query through the ASGI app (HTTP, API key check, resolvers, Neo4j).

Run against the local test server; the seeds are loaded (idempotent) and the synthetic map (prefix
`bench-xfer-`) is removed afterwards:
    python -m bench.transfer_assessment
"""

import asyncio
import random
import statistics
import time
from collections.abc import Mapping, Sequence

import httpx

from app.main import create_app
from app.settings import Settings
from graph.database import Database
from graph.migrations import migrate
from resolvers import keys
from resolvers.auth import Role
from seeds.loader import load_all

P = "bench-xfer-"
QUERY = """{ transferAssessment(asOf: "2026-11-26") {
  totalCount counts { verdict count }
  paths { verdict hops { id verdict reason legalBasis { article instrumentId } } } } }"""
COUNTRIES = ["DE", "FR", "IE", "US", "US", "CA", "IN", "GB", "JP", "BR"]

ORGANISATIONS = """
UNWIND $rows AS row
MERGE (o:Organisation {id: row.id}) SET o.country = row.country, o.subject_to = row.subject_to
MERGE (c:Country {code: row.country}) MERGE (o)-[:ESTABLISHED_IN]->(c)
FOREACH (_ IN CASE WHEN row.dpf THEN [1] ELSE [] END |
  MERGE (d:DpfCertification {id: row.id + ':EU_US'})
  SET d.framework = 'EU_US', d.status = 'ACTIVE', d.data_types = ['NON_HR']
  MERGE (o)-[:CERTIFIED_UNDER]->(d))
"""
SYSTEMS = """
UNWIND $rows AS row
MERGE (s:System {id: row.id})
WITH s, row MATCH (o:Organisation {id: row.operator})
MERGE (s)-[op:OPERATED_BY]->(o) SET op.role = row.role
MERGE (c:Country {code: row.hosted}) MERGE (s)-[:HOSTED_IN]->(c)
"""
FLOWS = """
UNWIND $rows AS row
MATCH (a:System {id: row.source}), (b:System {id: row.target})
MERGE (a)-[f:FLOWS_TO {id: row.id}]->(b) SET f.categories = ['user.contact.email'], f.mode = 'PUSH'
"""
ENGAGES = """
UNWIND $rows AS row
MATCH (a:Organisation {id: row.exporter}), (b:Organisation {id: row.importer})
MERGE (a)-[e:ENGAGES {id: row.id}]->(b) SET e.role = 'SUB_PROCESSOR', e.authorisation = 'GENERAL'
"""
SAFEGUARDS = """
UNWIND $rows AS row
MATCH (a:Organisation {id: row.exporter}), (b:Organisation {id: row.importer})
MERGE (s:Safeguard {id: row.id})
SET s.type = 'SCC', s.module = 2, s.regimes = ['EU'], s.tia_on = date('2025-01-01')
MERGE (s)-[:EXPORTER]->(a) MERGE (s)-[:IMPORTER]->(b)
"""
CLEANUP = """
MATCH (n) WHERE (n:System OR n:Organisation OR n:DpfCertification OR n:Safeguard)
  AND n.id STARTS WITH $prefix
CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 2000 ROWS
"""


def chunks(
    rows: Sequence[Mapping[str, object]], size: int = 2000
) -> list[Sequence[Mapping[str, object]]]:
    return [rows[i : i + size] for i in range(0, len(rows), size)]


async def build(db: Database, rng: random.Random) -> None:
    organisations = [
        {
            "id": f"{P}o{i}",
            "country": rng.choice(COUNTRIES),
            "subject_to": ["PIPEDA"] if rng.random() < 0.5 else [],
            "dpf": rng.random() < 0.6,
        }
        for i in range(2000)
    ]
    systems = [
        {
            "id": f"{P}s{i}",
            "operator": f"{P}o{rng.randrange(2000)}",
            "role": rng.choice(["CONTROLLER", "PROCESSOR", "PROCESSOR"]),
            "hosted": rng.choice(COUNTRIES),
        }
        for i in range(10_000)
    ]
    flows = [
        {"id": f"{P}f{i}", "source": f"{P}s{rng.randrange(10_000)}",
         "target": f"{P}s{rng.randrange(10_000)}"}
        for i in range(15_000)
    ]  # fmt: skip
    engagements = [
        {"id": f"{P}e{i}", "exporter": f"{P}o{rng.randrange(2000)}",
         "importer": f"{P}o{rng.randrange(2000)}"}
        for i in range(3000)
    ]  # fmt: skip
    safeguards = [
        {"id": f"{P}g{i}", "exporter": f"{P}o{rng.randrange(2000)}",
         "importer": f"{P}o{rng.randrange(2000)}"}
        for i in range(3000)
    ]  # fmt: skip
    for statement, rows in (
        (ORGANISATIONS, organisations),
        (SYSTEMS, systems),
        (FLOWS, flows),
        (ENGAGES, engagements),
        (SAFEGUARDS, safeguards),
    ):
        for chunk in chunks(rows):
            await db.write(statement, {"rows": chunk})


async def main(runs: int = 20) -> None:
    settings = Settings()
    db = Database.connect(settings)
    await migrate(db)
    try:
        await load_all(db)
        await build(db, random.Random(7))
        created = await keys.create(db, Role.ANALYST, "bench-transfer", keys.SYSTEM_ACTOR)
        app = create_app(settings)
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app),
                base_url="http://bench",
                headers={"Authorization": f"Bearer {created.key}"},
                timeout=60,
            ) as http,
        ):
            timings = []
            for run in range(runs + 2):
                started = time.perf_counter()
                response = await http.post("/graphql", json={"query": QUERY})
                elapsed = time.perf_counter() - started
                body = response.json()
                assert "errors" not in body, body
                if run >= 2:  # two warm-up runs
                    timings.append(elapsed)
        timings.sort()
        p95 = timings[max(0, round(0.95 * runs) - 1)]
        print(
            f"{body['data']['transferAssessment']['totalCount']} paths; "
            f"p50 {statistics.median(timings):.3f}s, p95 {p95:.3f}s, max {timings[-1]:.3f}s"
            f" over {runs} runs"
        )
    finally:
        async with db.driver.session(database=db.name) as session:
            await (await session.run(CLEANUP, {"prefix": P})).consume()
        await db.close()


if __name__ == "__main__":
    asyncio.run(main())
