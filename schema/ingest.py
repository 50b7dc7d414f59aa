"""Declared versus observed: the `drift` query over what OpenLineage events showed."""

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry.types import Info

from graph.queries import ingest as queries
from resolvers.ingest.decisions import FlowFacts
from resolvers.ingest.events import EventKind, RunState
from resolvers.ingest.service import DriftReport, drift_report
from schema.context import Context

strawberry.enum(
    EventKind,
    name="LineageEventKind",
    description="What an OpenLineage event is about: a RUN (a run event, `run` and `job`), a JOB "
    "(a job event) or a DATASET (a dataset event).",
)
strawberry.enum(
    RunState,
    name="LineageEventType",
    description="A run event's `eventType` in the OpenLineage spec: START, RUNNING, COMPLETE, "
    "ABORT, FAIL or OTHER. Only COMPLETE runs show data moving.",
)


@strawberry.type(description="An OpenLineage event, as evidence of a drift.")
class LineageEvent:
    id: str = strawberry.field(description="The SHA-256 of the event's JSON.")
    kind: EventKind = strawberry.field(description="What the event is about.")
    event_type: RunState | None = strawberry.field(
        description="A run event's state; null for job and dataset events, and a run event "
        "that gives none."
    )
    event_time: datetime = strawberry.field(description="When the event happened.")
    job_namespace: str | None = strawberry.field(description="The job's namespace.")
    job_name: str | None = strawberry.field(description="The job's name.")
    run_id: str | None = strawberry.field(description="The run's id.")
    producer: str = strawberry.field(description="What emitted it.")


@strawberry.type(description="A flow between two systems, with what was observed of it.")
class DriftFlow:
    id: str = strawberry.field(description="The flow's id (as on `Flow.id`).")
    from_system: str = strawberry.field(description="The source system's id.")
    to_system: str = strawberry.field(description="The target system's id.")
    categories: list[str] = strawberry.field(description="The category keys it carries.")
    observed_categories: list[str] = strawberry.field(
        description="The category keys events showed moving along it."
    )
    last_observed_at: datetime | None = strawberry.field(description="Its latest observation.")
    event_ids: strawberry.Private[tuple[str, ...]]

    @strawberry.field(description="The events that observed it (the newest 20).")
    async def events(self, info: Info[Context, None]) -> list[LineageEvent]:
        return await events_of(info, list(self.event_ids))


@strawberry.type(description="A declared flow that carries fewer categories than observed.")
class CategoryDrift:
    flow: DriftFlow = strawberry.field(description="The declared flow.")
    categories: list[str] = strawberry.field(
        description="Observed category keys that none of its declared categories covers."
    )


@strawberry.type(description="A dataset events named whose namespace maps to no system.")
class UnmappedDataset:
    namespace: str = strawberry.field(description="Its OpenLineage namespace.")
    name: str = strawberry.field(description="Its name in that namespace.")
    last_seen_at: datetime | None = strawberry.field(description="The latest event naming it.")
    event_ids: strawberry.Private[list[str]]

    @strawberry.field(description="The newest events that named it.")
    async def events(self, info: Info[Context, None]) -> list[LineageEvent]:
        return await events_of(info, self.event_ids)


@strawberry.type(description="Where the declared map and the observed lineage disagree.")
class Drift:
    since: datetime = strawberry.field(description="The start of the observation window.")
    undeclared_flows: list[DriftFlow] = strawberry.field(
        description="Observed flows that no declared flow between the same systems explains."
    )
    unobserved_flows: list[DriftFlow] = strawberry.field(
        description="Declared flows between two instrumented systems (the namespace mapping "
        "covers both) that no event showed within the window."
    )
    undeclared_categories: list[CategoryDrift] = strawberry.field(
        description="Declared flows along which events showed categories they do not carry."
    )
    unmapped_datasets: list[UnmappedDataset] = strawberry.field(
        description="Datasets of namespaces the mapping does not know: add a LineageNamespace "
        "entry (seeds/data/preemptly/lineage_namespaces.yaml) to map them."
    )


async def events_of(info: Info[Context, None], ids: list[str]) -> list[LineageEvent]:
    rows = await queries.events(info.context.db, ids)
    order = {event_id: index for index, event_id in enumerate(ids)}
    return [
        LineageEvent(
            id=row["id"],
            kind=EventKind(row["kind"]),
            event_type=None if row["event_type"] is None else RunState(row["event_type"]),
            event_time=row["event_time"].to_native(),
            job_namespace=row["job_namespace"],
            job_name=row["job_name"],
            run_id=row["run_id"],
            producer=row["producer"],
        )
        for row in sorted(rows, key=lambda row: order[row["id"]])
    ]


def drift_flow(flow: FlowFacts) -> DriftFlow:
    return DriftFlow(
        id=flow.id,
        from_system=flow.from_system,
        to_system=flow.to_system,
        categories=list(flow.categories),
        observed_categories=list(flow.observed_categories),
        last_observed_at=flow.last_observed_at,
        event_ids=flow.events,
    )


def drift_of(report: DriftReport) -> Drift:
    found = report.drift
    return Drift(
        since=report.since,
        undeclared_flows=[drift_flow(flow) for flow in found.undeclared],
        unobserved_flows=[drift_flow(flow) for flow in found.unobserved],
        undeclared_categories=[
            CategoryDrift(flow=drift_flow(flow), categories=categories)
            for flow, categories in found.undeclared_categories
        ],
        unmapped_datasets=[
            UnmappedDataset(
                namespace=item.namespace,
                name=item.name,
                last_seen_at=item.last_seen_at,
                event_ids=item.events,
            )
            for item in report.unmapped
        ],
    )


@strawberry.type
class IngestQuery:
    @strawberry.field(
        description="Declared versus observed flows: what OpenLineage events showed that the "
        "map does not declare, and what the map declares that no event showed."
    )
    async def drift(
        self,
        info: Info[Context, None],
        window_days: Annotated[
            int,
            strawberry.argument(description="The observation window, in days before now."),
        ] = 30,
    ) -> Drift:
        return drift_of(await drift_report(info.context.db, window_days=window_days))
