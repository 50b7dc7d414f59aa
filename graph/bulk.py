"""Bulk writes of whole data maps: each statement merges one batch of rows with `UNWIND`, so a
large map loads in a few thousand round trips. Every write is a MERGE on the node key or the
relationship id, so reloading the same rows changes nothing."""

from collections.abc import Callable, Mapping, Sequence
from typing import Any, LiteralString

from graph import sort_names
from graph.database import Database

Row = Mapping[str, Any]

REGIMES: LiteralString = """
UNWIND $rows AS row
MERGE (r:Regime {key: row.key})
ON CREATE SET r.name = row.name, r.instrument = row.instrument, r.source = row.source
"""

COUNTRIES: LiteralString = """
UNWIND $rows AS row
MERGE (c:Country {code: row.code})
ON CREATE SET c.name = row.name, c.eu = row.eu, c.eea = row.eea, c.source = row.source
WITH c, row
UNWIND row.regimes AS regime_key
MATCH (r:Regime {key: regime_key})
MERGE (c)-[:IN_AREA_OF]->(r)
"""

CATEGORIES: LiteralString = """
UNWIND $rows AS row
MERGE (c:DataCategory {key: row.key})
ON CREATE SET c.name = row.name, c.parent_key = row.parent_key, c.source = row.source
WITH c, row WHERE row.parent_key IS NOT NULL
MERGE (p:DataCategory {key: row.parent_key})
MERGE (c)-[:CHILD_OF]->(p)
"""

DATA_USES: LiteralString = """
UNWIND $rows AS row
MERGE (u:DataUse {key: row.key})
ON CREATE SET u.name = row.name, u.parent_key = row.parent_key
WITH u, row WHERE row.parent_key IS NOT NULL
MERGE (p:DataUse {key: row.parent_key})
MERGE (u)-[:CHILD_OF]->(p)
"""

SUBJECTS: LiteralString = """
UNWIND $rows AS row
MERGE (s:DataSubject {key: row.key})
ON CREATE SET s.name = row.name, s.source = row.source
"""

LEGAL_BASES: LiteralString = """
UNWIND $rows AS row
MERGE (b:LegalBasis {key: row.key})
ON CREATE SET b.text = row.text, b.article = row.article, b.source = row.source
"""

RETENTION_OBLIGATIONS: LiteralString = """
UNWIND $rows AS row
MERGE (o:RetentionObligation {id: row.id})
SET o += row.properties
"""

ORGANISATIONS: LiteralString = (
    """
UNWIND $rows AS row
MERGE (o:Organisation {id: row.id})
SET o += row.properties
"""
    + sort_names.kept("o", "Organisation")
    + """
WITH o, row
MATCH (c:Country {code: row.properties.country})
MERGE (o)-[:ESTABLISHED_IN]->(c)
"""
)

ENGAGEMENTS: LiteralString = """
UNWIND $rows AS row
MATCH (a:Organisation {id: row.source}), (b:Organisation {id: row.target})
MERGE (a)-[e:ENGAGES {id: row.id}]->(b)
SET e += row.properties
"""

CERTIFICATIONS: LiteralString = """
UNWIND $rows AS row
MATCH (o:Organisation {id: row.organisation})
MERGE (d:DpfCertification {id: row.id})
SET d += row.properties
MERGE (o)-[:CERTIFIED_UNDER]->(d)
"""

SAFEGUARDS: LiteralString = """
UNWIND $rows AS row
MATCH (exporter:Organisation {id: row.exporter}), (importer:Organisation {id: row.importer})
MERGE (s:Safeguard {id: row.id})
SET s += row.properties
MERGE (s)-[:EXPORTER]->(exporter)
MERGE (s)-[:IMPORTER]->(importer)
"""

SYSTEMS: LiteralString = (
    """
UNWIND $rows AS row
MATCH (o:Organisation {id: row.operator})
MERGE (s:System {id: row.id})
SET s += row.properties
"""
    + sort_names.kept("s", "System")
    + """
MERGE (s)-[op:OPERATED_BY]->(o)
SET op.role = row.role
WITH s, row
CALL (s, row) {
  UNWIND row.hosted_in AS code
  MATCH (c:Country {code: code})
  MERGE (s)-[:HOSTED_IN]->(c)
}
CALL (s, row) {
  UNWIND row.accessed_from AS access
  MATCH (c:Country {code: access.country})
  MERGE (s)-[a:ACCESSED_FROM]->(c)
  SET a.purpose = access.purpose
}
"""
)

BACKUPS: LiteralString = """
UNWIND $rows AS row
MATCH (backup:System {id: row.backup}), (source:System {id: row.source})
MERGE (backup)-[:BACKS_UP]->(source)
"""

STORAGES: LiteralString = """
UNWIND $rows AS row
MATCH (s:System {id: row.system}), (ds:DataSubject {key: row.subject})
MERGE (st:Storage {id: row.id})
SET st += row.properties
MERGE (st)-[:IN_SYSTEM]->(s)
MERGE (st)-[:OF_SUBJECT]->(ds)
WITH st, row
CALL (st, row) {
  UNWIND row.categories AS key
  MATCH (c:DataCategory {key: key})
  MERGE (st)-[:OF_CATEGORY]->(c)
}
CALL (st, row) {
  UNWIND row.obligations AS obligation_id
  MATCH (o:RetentionObligation {id: obligation_id})
  MERGE (st)-[:RETAINED_UNDER]->(o)
}
"""

SYSTEM_FLOWS: LiteralString = """
UNWIND $rows AS row
MATCH (a:System {id: row.source}), (b:System {id: row.target})
MERGE (a)-[f:FLOWS_TO {id: row.id}]->(b)
SET f += row.properties
"""

ORGANISATION_FLOWS: LiteralString = """
UNWIND $rows AS row
MATCH (a:System {id: row.source}), (b:Organisation {id: row.target})
MERGE (a)-[f:FLOWS_TO {id: row.id}]->(b)
SET f += row.properties
"""

ACTIVITIES: LiteralString = (
    """
UNWIND $rows AS row
MATCH (controller:Organisation {id: row.controller})
MATCH (purpose:DataUse {key: row.properties.purpose})
MATCH (basis:LegalBasis {key: row.properties.legal_basis})
MATCH (subject:DataSubject {key: row.subject})
MERGE (pa:ProcessingActivity {id: row.id})
SET pa += row.properties
"""
    + sort_names.kept("pa", "ProcessingActivity")
    + """
MERGE (pa)-[:CONTROLLED_BY]->(controller)
MERGE (pa)-[:FOR_PURPOSE]->(purpose)
MERGE (pa)-[:ON_LEGAL_BASIS]->(basis)
MERGE (pa)-[:CONCERNS]->(subject)
WITH pa, row
CALL (pa, row) {
  UNWIND row.systems AS system_id
  MATCH (s:System {id: system_id})
  MERGE (pa)-[:RUNS_ON]->(s)
}
CALL (pa, row) {
  UNWIND row.categories AS key
  MATCH (c:DataCategory {key: key})
  MERGE (pa)-[:USES_CATEGORY]->(c)
}
"""
)


REMOVE_REGISTERED: LiteralString = """
MATCH (o:Organisation {source: $source})
CALL (o) { DETACH DELETE o } IN TRANSACTIONS OF 1000 ROWS
"""


async def remove_registered(db: Database, source: str) -> None:
    """Delete the organisations registered with `source` (a benchmark's own registrations)."""
    async with db.driver.session(database=db.name, bookmark_manager=db.bookmarks) as session:
        result = await session.run(REMOVE_REGISTERED, {"source": source})
        await result.consume()


async def write_batches(
    db: Database,
    statement: LiteralString,
    rows: Sequence[Row],
    *,
    batch_size: int = 1000,
    on_batch: Callable[[int], None] | None = None,
) -> int:
    """Write `rows` in batches of `batch_size`, one write transaction each; call `on_batch` with
    the size of each batch once it is committed. Returns how many rows were written."""
    for start in range(0, len(rows), batch_size):
        batch = [dict(row) for row in rows[start : start + batch_size]]
        await db.write(statement, {"rows": batch})
        if on_batch is not None:
            on_batch(len(batch))
    return len(rows)
