"""The audit trail: one `AuditEvent` node per entity a mutation touched, written in the mutation's
own transaction, so an event exists exactly when its change does."""

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from neo4j import AsyncManagedTransaction

from graph.database import Database, Record, fetch

EVENTS_PER_STATEMENT = 1000
"""A Fides import's 50,000 events go as 50 statements of one text in its one transaction."""


async def write_events(
    tx: AsyncManagedTransaction, db: Database, events: list[Mapping[str, Any]]
) -> None:
    """Each event: id, actor, operation, entity_type, entity_id, before, after (JSON text). Sent
    in statements of at most `EVENTS_PER_STATEMENT` (one text, planned once); none when there
    are no events."""
    for start in range(0, len(events), EVENTS_PER_STATEMENT):
        await fetch(
            tx,
            db,
            "UNWIND $events AS event "
            "CREATE (a:AuditEvent {id: event.id, at: datetime(), actor: event.actor, "
            "operation: event.operation, entity_type: event.entity_type, "
            "entity_id: event.entity_id, before: event.before, after: event.after})",
            {"events": list(events[start : start + EVENTS_PER_STATEMENT])},
        )


async def search(
    db: Database,
    *,
    actor: str | None,
    operation: str | None,
    entity_type: str | None,
    entity_id: str | None,
    since: datetime | None,
    until: datetime | None,
    limit: int,
    hidden_types: list[str],
) -> list[Record]:
    """The newest events that match, leaving out those about an entity type in `hidden_types`."""
    return await db.read(
        "MATCH (a:AuditEvent) "
        "WHERE ($actor IS NULL OR a.actor = $actor) "
        "AND ($operation IS NULL OR a.operation = $operation) "
        "AND ($entity_type IS NULL OR a.entity_type = $entity_type) "
        "AND NOT a.entity_type IN $hidden_types "
        "AND ($entity_id IS NULL OR a.entity_id = $entity_id) "
        "AND ($since IS NULL OR a.at >= $since) "
        "AND ($until IS NULL OR a.at < $until) "
        "RETURN a.id AS id, a.at.epochMillis AS at_ms, a.actor AS actor, "
        "a.operation AS operation, a.entity_type AS entity_type, a.entity_id AS entity_id, "
        "a.before AS before, a.after AS after "
        "ORDER BY a.at DESC, a.id LIMIT $limit",
        {
            "actor": actor,
            "operation": operation,
            "entity_type": entity_type,
            "entity_id": entity_id,
            "since": since,
            "until": until,
            "limit": limit,
            "hidden_types": hidden_types,
        },
    )
