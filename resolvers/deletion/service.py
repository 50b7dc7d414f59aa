"""What `deletionPlan` does: check the arguments, read the subgraph, hand its plain data to the
planner."""

from datetime import date

from graph.database import Database
from graph.queries.deletion import deletion_subgraph
from resolvers.deletion.decisions import (
    Plan,
    PlanRequest,
    plan_deletion,
)
from resolvers.deletion.facts import to_graph
from resolvers.errors import BadUserInput, NotFound


async def deletion_plan(
    db: Database,
    *,
    subject: str,
    categories: list[str] | None,
    regime: str,
    as_of: date | None,
    last_record_date: date | None,
) -> Plan:
    if not subject.strip():
        raise BadUserInput("subject must be a data subject key", field="subject")
    if categories is not None and not categories:
        raise BadUserInput(
            "categories must name at least one category, or be left out", field="categories"
        )
    today = as_of or date.today()
    record_date = last_record_date or today
    if record_date > today:
        raise BadUserInput("lastRecordDate must not be after asOf", field="lastRecordDate")
    records = await deletion_subgraph(
        db,
        subject=subject,
        categories=sorted(set(categories)) if categories is not None else None,
        regime=regime,
    )
    if not records.subject_found:
        raise NotFound(f"no data subject with key {subject!r}", field="subject")
    if records.unknown_categories:
        unknown = ", ".join(records.unknown_categories)
        raise BadUserInput(f"unknown data categories: {unknown}", field="categories")
    request = PlanRequest(
        regime=regime,
        as_of=today,
        record_date=record_date,
        categories=tuple(sorted(set(categories))) if categories is not None else None,
    )
    return plan_deletion(to_graph(records, regime), request)
