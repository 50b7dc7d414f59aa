"""What ingesting OpenLineage events reads and writes, and what the drift report reads.

An event is a `LineageEvent` (keyed by the SHA-256 of its JSON, so a replay is found and changes
nothing); each dataset it names a `Dataset` (`namespace/name`), `IN_SYSTEM` its mapped system.
A completed run's movement between two systems updates the declared `FLOWS_TO` between them
(`last_observed_at`, `observed_categories`, `observed_events`), or, when none is declared, an
observed `FLOWS_TO` (`provenance: 'OBSERVED'`)."""

from datetime import datetime
from typing import Any, LiteralString

from neo4j import AsyncManagedTransaction

from graph.database import Database, Record, fetch, fetch_optional, fetch_single

OBSERVED_EVENTS_KEPT = 20
"""How many event ids a flow keeps as evidence of its observations (the newest)."""


async def mappings(
    tx: AsyncManagedTransaction, db: Database, namespaces: list[str]
) -> list[Record]:
    return await fetch(
        tx,
        db,
        "MATCH (n:LineageNamespace)-[:MAPS_TO]->(s:System) "
        "WHERE n.namespace IN $namespaces AND s.retired_on IS NULL "
        "RETURN n.namespace AS namespace, coalesce(n.name_prefix, '') AS name_prefix, "
        "s.id AS system",
        {"namespaces": namespaces},
    )


async def system_facts(
    tx: AsyncManagedTransaction, db: Database, systems: list[str], tags: list[str]
) -> Record:
    """Per system its storage fields' categories and everything it holds; and which of the
    tag values are category keys."""
    return await fetch_single(
        tx,
        db,
        "RETURN COLLECT { MATCH (s:System)<-[:IN_SYSTEM]-(:Storage)<-[:OF_STORAGE]-(f:Field) "
        "  WHERE s.id IN $systems RETURN {system: s.id, name: toLower(f.name), "
        "  categories: f.categories} } AS fields, "
        "COLLECT { MATCH (s:System)<-[:IN_SYSTEM]-(st:Storage) WHERE s.id IN $systems "
        "  RETURN {system: s.id, categories: st.categories} } AS held, "
        "COLLECT { MATCH (c:DataCategory) WHERE c.key IN $tags RETURN c.key } AS known",
        {"systems": systems, "tags": tags},
    )


async def record_event(tx: AsyncManagedTransaction, db: Database, event: dict[str, Any]) -> bool:
    """Write the event unless it is there already; True when it was new."""
    row = await fetch_optional(
        tx,
        db,
        "OPTIONAL MATCH (known:LineageEvent {id: $event.id}) "
        "WITH known WHERE known IS NULL "
        "CREATE (e:LineageEvent) SET e = $event, e.received_at = datetime() "
        "RETURN e.id AS id",
        {"event": event},
    )
    return row is not None


async def record_datasets(
    tx: AsyncManagedTransaction, db: Database, event_id: str, datasets: list[dict[str, Any]]
) -> None:
    await fetch(
        tx,
        db,
        "MATCH (e:LineageEvent {id: $event}) "
        "UNWIND $datasets AS row "
        "MERGE (d:Dataset {id: row.id}) "
        "SET d.namespace = row.namespace, d.name = row.name, d.system = row.system, "
        "d.fields = CASE WHEN size(row.fields) > 0 THEN row.fields ELSE d.fields END, "
        "d.last_seen_at = CASE WHEN d.last_seen_at IS NULL OR d.last_seen_at < $at "
        "  THEN $at ELSE d.last_seen_at END "
        "MERGE (e)-[:SAW]->(d) "
        "WITH d, row WHERE row.system IS NOT NULL "
        "MATCH (s:System {id: row.system}) MERGE (d)-[:IN_SYSTEM]->(s)",
        {"event": event_id, "datasets": datasets, "at": datasets[0]["at"] if datasets else None},
    )


async def declared_flows(
    tx: AsyncManagedTransaction, db: Database, pairs: list[dict[str, str]]
) -> list[Record]:
    """The active declared flow (lowest id) between each pair of systems that has one."""
    return await fetch(
        tx,
        db,
        "UNWIND $pairs AS pair "
        "MATCH (:System {id: pair.from_system})-[f:FLOWS_TO]->(:System {id: pair.to_system}) "
        "WHERE coalesce(f.provenance, 'DECLARED') = 'DECLARED' AND f.retired_on IS NULL "
        "WITH pair, min(f.id) AS id "
        "RETURN pair.from_system AS from_system, pair.to_system AS to_system, id",
        {"pairs": pairs},
    )


OBSERVATION: LiteralString = (
    "SET f.observed_categories = [c IN coalesce(f.observed_categories, []) "
    "  WHERE NOT c IN m.categories] + m.categories, "
    "f.last_observed_at = CASE WHEN f.last_observed_at IS NULL OR f.last_observed_at < $at "
    "  THEN $at ELSE f.last_observed_at END, "
    "f.observed_events = ([x IN coalesce(f.observed_events, []) WHERE x <> $event] "
    "  + [$event])[-$kept..]"
)


async def observe(
    tx: AsyncManagedTransaction,
    db: Database,
    event_id: str,
    at: datetime,
    declared: list[dict[str, Any]],
    observed: list[dict[str, Any]],
) -> None:
    """Record each movement on the declared flow it matches (`declared`: the flow's id and the
    categories seen) or on the observed flow between its systems (`observed`)."""
    params = {"at": at, "event": event_id, "kept": OBSERVED_EVENTS_KEPT}
    await fetch(
        tx,
        db,
        "UNWIND $movements AS m MATCH ()-[f:FLOWS_TO {id: m.id}]->() " + OBSERVATION,
        {**params, "movements": declared},
    )
    await fetch(
        tx,
        db,
        "UNWIND $movements AS m "
        "MATCH (a:System {id: m.from_system}) MATCH (b:System {id: m.to_system}) "
        "MERGE (a)-[f:FLOWS_TO {id: m.id}]->(b) "
        "ON CREATE SET f.provenance = 'OBSERVED', f.mode = 'PUSH', f.categories = [], "
        "  f.categories_inferred = m.inferred, f.first_observed_at = $at "
        "SET f.categories = f.categories + [c IN m.categories WHERE NOT c IN f.categories], "
        "f.categories_inferred = f.categories_inferred AND m.inferred " + OBSERVATION,
        {**params, "movements": observed},
    )


async def drift_rows(db: Database) -> Record:
    return await db.read_tx(
        lambda tx: fetch_single(
            tx,
            db,
            "RETURN COLLECT { MATCH (a:System)-[f:FLOWS_TO]->(b:System) "
            "  WHERE f.retired_on IS NULL AND a.retired_on IS NULL AND b.retired_on IS NULL "
            "  RETURN {id: f.id, from_system: a.id, to_system: b.id, "
            "    provenance: coalesce(f.provenance, 'DECLARED'), categories: f.categories, "
            "    observed_categories: coalesce(f.observed_categories, []), "
            "    last_observed_at: f.last_observed_at, "
            "    events: coalesce(f.observed_events, [])} ORDER BY f.id } AS flows, "
            "COLLECT { MATCH (:LineageNamespace)-[:MAPS_TO]->(s:System) RETURN DISTINCT s.id } "
            "  AS instrumented, "
            "COLLECT { MATCH (d:Dataset) WHERE d.system IS NULL "
            "  RETURN {namespace: d.namespace, name: d.name, last_seen_at: d.last_seen_at, "
            "    events: COLLECT { MATCH (e:LineageEvent)-[:SAW]->(d) RETURN e.id "
            "      ORDER BY e.event_time DESC LIMIT 5 }} ORDER BY d.id } AS unmapped",
        )
    )


async def events(db: Database, ids: list[str]) -> list[Record]:
    return await db.read(
        "MATCH (e:LineageEvent) WHERE e.id IN $ids "
        "RETURN e.id AS id, e.kind AS kind, e.event_type AS event_type, "
        "e.event_time AS event_time, e.job_namespace AS job_namespace, e.job_name AS job_name, "
        "e.run_id AS run_id, e.producer AS producer",
        {"ids": ids},
    )
