"""What a Fides import reads and writes besides the register upserts (the taxonomy keys it
checks against, the custom keys it adds), and what an export reads: the entities one source
registered."""

from typing import LiteralString

from neo4j import AsyncManagedTransaction

from graph.database import Database, Record, fetch, fetch_single
from graph.queries.registration import Rows


async def taxonomy_keys(
    tx: AsyncManagedTransaction, db: Database, source: str, key_id: str
) -> Record:
    """Every category, data use and data subject key the graph holds, those of them that
    `source` added (`own`), and of those the ones another key than `key_id` registered
    (`foreign`)."""
    return await fetch_single(
        tx,
        db,
        "RETURN COLLECT { MATCH (c:DataCategory) RETURN c.key } AS categories, "
        "COLLECT { MATCH (u:DataUse) RETURN u.key } AS uses, "
        "COLLECT { MATCH (d:DataSubject) RETURN d.key } AS subjects, "
        "COLLECT { MATCH (n) WHERE (n:DataCategory OR n:DataUse OR n:DataSubject) "
        "  AND n.source = $source RETURN n.key } AS own, "
        "COLLECT { MATCH (n) WHERE (n:DataCategory OR n:DataUse OR n:DataSubject) "
        "  AND n.source = $source AND n.registered_by IS NOT NULL "
        "  AND n.registered_by <> $key_id RETURN n.key } AS foreign",
        {"source": source, "key_id": key_id},
    )


TAXONOMY_UPSERT: dict[str, LiteralString] = {
    label: "UNWIND $rows AS row "
    "MERGE (n:" + label + " {key: row.key}) "
    "ON CREATE SET n.registered_by = $registered_by "
    "WITH row, n, CASE WHEN n.name IS NULL THEN null ELSE n {.key, .name, .description, "
    "  .parent_key, .source} END AS before "
    "SET n += row.props "
    "WITH row, n, before "
    "CALL (row, n) { "
    "  OPTIONAL MATCH (n)-[old:CHILD_OF]->(p) WHERE p.key <> row.props.parent_key "
    "  DELETE old "
    "} "
    "CALL (row, n) { "
    "  MATCH (parent:" + label + " {key: row.props.parent_key}) "
    "  MERGE (n)-[:CHILD_OF]->(parent) "
    "} "
    "RETURN row.key AS id, before, n {.key, .name, .description, .parent_key, .source} AS after"
    for label in ("DataCategory", "DataUse", "DataSubject")
}


async def upsert_taxonomy(
    tx: AsyncManagedTransaction, db: Database, label: str, rows: Rows, registered_by: str
) -> list[Record]:
    """Custom keys (rows: key, props {name, description, parent_key, source}) of one label,
    each `CHILD_OF` its parent, a new one owned by the key id `registered_by`; per row the key
    before (null when new) and after."""
    return await fetch(
        tx, db, TAXONOMY_UPSERT[label], {"rows": list(rows), "registered_by": registered_by}
    )


async def registered_by(db: Database, source: str) -> Record:
    """The active entities `source` registered, with what a fideslang resource says of them."""
    return await db.read_tx(
        lambda tx: fetch_single(
            tx,
            db,
            "RETURN COLLECT { MATCH (o:Organisation {source: $source}) "
            "  WHERE o.external_id IS NOT NULL AND o.retired_on IS NULL "
            "  RETURN o {.external_id, .legal_name} } AS organisations, "
            "COLLECT { MATCH (s:System {source: $source}) "
            "  WHERE s.external_id IS NOT NULL AND s.retired_on IS NULL "
            "  RETURN s {.external_id, .name, .kind, .description, .owner_team, "
            "    .deletion_method, .retrieval_method, "
            "    identifiers: coalesce(s.identifiers, []), "
            "    operator: [(s)-[r:OPERATED_BY]->(o) | "
            "      {id: o.id, source: o.source, external_id: o.external_id, role: r.role}][0], "
            "    hosted_in: [(s)-[:HOSTED_IN]->(c) | c.code]} } AS systems, "
            "COLLECT { MATCH (pa:ProcessingActivity {source: $source}) "
            "  WHERE pa.external_id IS NOT NULL AND pa.retired_on IS NULL "
            "  RETURN pa {.external_id, .name, .purpose, .legal_basis, "
            "    .special_category_condition, .retention, .profiling, "
            "    categories: coalesce(pa.categories, []), "
            "    recipient_categories: coalesce(pa.recipient_categories, []), "
            "    subjects: [(pa)-[:CONCERNS]->(d) | d.key], "
            "    systems: [(pa)-[:RUNS_ON]->(s) WHERE s.source = $source | s.external_id]} "
            "} AS activities, "
            "COLLECT { MATCH (st:Storage {source: $source})-[:IN_SYSTEM]->(s:System) "
            "  WHERE st.external_id IS NOT NULL AND st.retired_on IS NULL "
            "  AND s.source = $source "
            "  RETURN st {.external_id, .retention, .collected_from_subject, "
            "    categories: coalesce(st.categories, []), "
            "    subject: [(st)-[:OF_SUBJECT]->(d) | d.key][0], system: s.external_id} "
            "} AS storages, "
            "COLLECT { MATCH (a:System {source: $source})-[f:FLOWS_TO]->(b:System) "
            "  WHERE f.source = $source AND f.external_id IS NOT NULL AND f.retired_on IS NULL "
            "  AND b.source = $source "
            "  RETURN f {.purpose, categories: coalesce(f.categories, []), "
            "    from_system: a.external_id, to_system: b.external_id} } AS flows, "
            "COLLECT { MATCH (n) WHERE (n:DataCategory OR n:DataUse OR n:DataSubject) "
            "  AND n.source = $source "
            "  RETURN n {.key, .name, .description, .parent_key, "
            "    label: head(labels(n))} } AS taxonomy",
            {"source": source},
        )
    )
