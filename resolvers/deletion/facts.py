"""The deletion subgraph's records (`graph.queries.deletion`) as the plain `DeletionGraph` the
planner decides over."""

from typing import Any

from graph.database import Record
from graph.queries.deletion import DeletionRecords
from resolvers.deadlines import Period
from resolvers.deletion.decisions import (
    ActivityUse,
    DeletionGraph,
    Engagement,
    Flow,
    Holding,
    Obligation,
    Organisation,
    System,
)
from resolvers.deletion.references import LegalReference


def organisation(row: Record) -> Organisation:
    return Organisation(row["id"], row.get("legal_name") or row["id"], bool(row.get("is_self")))


def reference(row: Record) -> LegalReference:
    return LegalReference(row["key"], row["article"], row.get("text"), row.get("source"))


def holding(row: Record) -> Holding:
    return Holding(
        storage_id=row["id"],
        system_id=row["system"],
        categories=tuple(sorted(row["categories"])),
        retention_days=row.get("retention_days"),
        on_erasure=row.get("on_erasure") or "ERASE",
        collected_from_subject=bool(row.get("collected_from_subject")),
        made_public=bool(row.get("made_public")),
        controller_role=row.get("controller_role") or "CONTROLLER",
        obligations=tuple(
            Obligation(
                id=o["id"],
                record_type=o.get("record_type") or "",
                period_years=o.get("period_years"),
                runs_from=o.get("runs_from") or "RECORD_DATE",
                legal_reference=o.get("legal_reference") or "",
                exception_key=o.get("gdpr_exception"),
                exception=None if o.get("exception") is None else reference(o["exception"]),
                exception_regime=None
                if o.get("exception") is None
                else o["exception"].get("regime") or "EU",
            )
            for o in sorted(row["obligations"], key=lambda o: str(o["id"]))
        ),
        controllers=tuple(
            organisation(c) for c in sorted(row["controllers"], key=lambda c: str(c["id"]))
        ),
    )


def system(row: Record) -> System:
    operator: dict[str, Any] | None = row.get("operator")
    return System(
        id=row["id"],
        name=row.get("name") or row["id"],
        kind=row.get("kind"),
        owner_team=row.get("owner_team"),
        deletion_method=row.get("deletion_method"),
        identifiers=tuple(row.get("identifiers") or ()),
        rotation_days=row.get("rotation_days"),
        backs_up=tuple(sorted(row["backs_up"])),
        operator=organisation(operator) if operator else None,
        operator_role=operator.get("role") if operator else None,
    )


def to_graph(records: DeletionRecords, regime: str) -> DeletionGraph:
    systems = {row["id"]: system(row) for row in records.systems}
    flows = [
        Flow(
            f["id"],
            row["id"],
            f["target"],
            tuple(f["categories"]),
            bool(f["to_organisation"]),
            None if f.get("subjects") is None else tuple(f["subjects"]),
        )
        for row in records.systems
        for f in row["flows"]
    ]
    organisations: dict[str, Organisation] = {}
    engagements: list[Engagement] = []
    for row in records.organisations:
        organisations[row["id"]] = organisation(row)
        for e in row["engagements"]:
            organisations.setdefault(
                e["engaged"],
                Organisation(e["engaged"], e["engaged_name"] or e["engaged"], e["engaged_is_self"]),
            )
            categories = e.get("categories")
            engagements.append(
                Engagement(
                    id=e["id"],
                    engager=row["id"],
                    engaged=e["engaged"],
                    role=e.get("role") or "PROCESSOR",
                    service=e.get("service"),
                    categories=tuple(categories) if categories is not None else None,
                )
            )
    rules: dict[str, list[LegalReference]] = {}
    for row in records.references:
        rules.setdefault(row["serves"], []).append(reference(row))
    return DeletionGraph(
        holdings=[holding(row) for row in records.storages],
        systems=systems,
        flows=flows,
        organisations=organisations,
        engagements=engagements,
        rules=rules,
        regime=regime,
        activities=[
            ActivityUse(row["id"], row["system"], tuple(sorted(row["categories"])))
            for row in records.activities
        ],
    )


def erasure_period(law: Record | None) -> Period | None:
    """The regime's period for answering an erasure request, from its Regime node; None where the
    graph records none."""
    period = Period.of(law or {}, "erasure_")
    return period if period.recorded else None
