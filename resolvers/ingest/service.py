"""What `POST /api/v1/lineage` and the `drift` query do: one event is one transaction (read the
mapping and the systems' fields, decide the movements, write them, audit the event), and the drift
report is read from the flows' observations."""

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from neo4j import AsyncManagedTransaction
from neo4j.time import DateTime

from graph.database import Database
from graph.queries import audit as audit_queries
from graph.queries import ingest as queries
from resolvers.auth.audit import EntityType
from resolvers.auth.audit import event as audit_event
from resolvers.auth.principal import Principal
from resolvers.errors import BadUserInput
from resolvers.ingest.decisions import (
    CATEGORY_TAGS,
    Drift,
    Facts,
    FlowFacts,
    Movement,
    NamespaceMapping,
    drift,
    movements,
    system_of,
    unmapped,
)
from resolvers.ingest.events import Received, RunEvent, received

MAX_WINDOW_DAYS = 3660
"""The longest drift window: ten years."""


@dataclass(frozen=True)
class Ingested:
    event_id: str
    replayed: bool
    observed_flows: list[str]
    """The ids of the flows the event was recorded on (declared or observed)."""
    unmapped_datasets: list[str]


def observed_id(movement: Movement) -> str:
    digest = hashlib.sha256(f"{movement.from_system}\0{movement.to_system}".encode()).hexdigest()
    return f"observed:{digest[:20]}"


def event_row(event: Received) -> dict[str, object]:
    model = event.event
    run = model if isinstance(model, RunEvent) else None
    job = getattr(model, "job", None)
    return {
        "id": event.id,
        "kind": event.kind.value,
        "event_type": run.eventType.value if run and run.eventType else None,
        "event_time": model.eventTime,
        "run_id": run.run.runId if run else None,
        "job_namespace": job.namespace if job else None,
        "job_name": job.name if job else None,
        "producer": model.producer,
        "schema_url": model.schemaURL,
    }


async def ingest(db: Database, actor: Principal, body: bytes) -> Ingested:
    event = received(body)
    at = event.event.eventTime
    namespaces = sorted({dataset.namespace for dataset in event.datasets})
    tags = sorted(
        {
            tag.value
            for dataset in event.datasets
            for tag in dataset.all_tags
            if tag.key in CATEGORY_TAGS
        }
    )

    async def work(tx: AsyncManagedTransaction) -> Ingested:
        recorded = event_row(event)
        if not await queries.record_event(tx, db, recorded):
            return Ingested(event.id, True, [], [])
        maps = tuple(
            NamespaceMapping(row["namespace"], row["name_prefix"], row["system"])
            for row in await queries.mappings(tx, db, namespaces)
        )
        systems = sorted({entry.system for entry in maps})
        rows = await queries.system_facts(tx, db, systems, tags)
        held: dict[str, frozenset[str]] = {}
        for row in rows["held"]:
            held[row["system"]] = held.get(row["system"], frozenset()) | set(row["categories"])
        facts = Facts(
            mappings=maps,
            field_categories={
                (row["system"], row["name"]): frozenset(row["categories"]) for row in rows["fields"]
            },
            held=held,
            known_categories=frozenset(rows["known"]),
        )
        missing = unmapped(event, maps)
        await queries.record_datasets(
            tx,
            db,
            event.id,
            [
                {
                    "id": dataset.key,
                    "namespace": dataset.namespace,
                    "name": dataset.name,
                    "system": system_of(dataset, maps),
                    "fields": dataset.field_names,
                    "at": at,
                }
                for dataset in event.datasets
            ],
        )
        moved = movements(event, facts)
        pairs = [{"from_system": m.from_system, "to_system": m.to_system} for m in moved]
        declared_ids = {
            (row["from_system"], row["to_system"]): row["id"]
            for row in await queries.declared_flows(tx, db, pairs)
        }
        declared, observed = [], []
        for movement in moved:
            categories = sorted(movement.categories)
            known = declared_ids.get((movement.from_system, movement.to_system))
            if known is not None:
                declared.append({"id": known, "categories": categories})
            else:
                observed.append(
                    {
                        "id": observed_id(movement),
                        "from_system": movement.from_system,
                        "to_system": movement.to_system,
                        "categories": categories,
                        "inferred": movement.inferred,
                    }
                )
        await queries.observe(tx, db, event.id, at, declared, observed)
        await audit_queries.write_events(
            tx,
            db,
            [
                audit_event(
                    actor, "ingestLineageEvent", EntityType.LineageEvent, event.id, None, recorded
                )
            ],
        )
        return Ingested(
            event.id,
            False,
            [row["id"] for row in declared] + [row["id"] for row in observed],
            [dataset.key for dataset in missing],
        )

    return await db.write_tx(work)


@dataclass(frozen=True)
class UnmappedDataset:
    namespace: str
    name: str
    last_seen_at: datetime | None
    events: list[str]


@dataclass(frozen=True)
class DriftReport:
    drift: Drift
    unmapped: list[UnmappedDataset]
    since: datetime


async def drift_report(
    db: Database, *, window_days: int, now: datetime | None = None
) -> DriftReport:
    if not 1 <= window_days <= MAX_WINDOW_DAYS:
        raise BadUserInput(
            f"windowDays must be between 1 and {MAX_WINDOW_DAYS}", field="windowDays"
        )
    since = (now or datetime.now(UTC)) - timedelta(days=window_days)
    rows = await queries.drift_rows(db)
    flows = [
        FlowFacts(
            id=row["id"],
            from_system=row["from_system"],
            to_system=row["to_system"],
            provenance=row["provenance"],
            categories=tuple(row["categories"] or ()),
            observed_categories=tuple(row["observed_categories"]),
            last_observed_at=_datetime(row["last_observed_at"]),
            events=tuple(row["events"]),
        )
        for row in rows["flows"]
    ]
    return DriftReport(
        drift(flows, frozenset(rows["instrumented"]), since),
        [
            UnmappedDataset(
                row["namespace"], row["name"], _datetime(row["last_seen_at"]), list(row["events"])
            )
            for row in rows["unmapped"]
        ],
        since,
    )


def _datetime(value: DateTime | None) -> datetime | None:
    return None if value is None else value.to_native()
