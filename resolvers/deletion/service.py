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
from resolvers.references import key_of, refuse


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
    subject = key_of(subject, "DataSubject", field="subject")
    if categories is not None and not categories:
        raise BadUserInput(
            "categories must name at least one category, or be left out", field="categories"
        )
    if categories is not None:
        categories = [
            key_of(key, "DataCategory", field=f"categories[{index}]")
            for index, key in enumerate(categories)
        ]
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
        await refuse(db, ("DataSubject",), subject, field="subject", error=NotFound)
    if records.unknown_categories and categories is not None:
        unknown = records.unknown_categories[0]
        index = categories.index(unknown)
        await refuse(db, ("DataCategory",), unknown, field=f"categories[{index}]")
    request = PlanRequest(
        regime=regime,
        as_of=today,
        record_date=record_date,
        categories=tuple(sorted(set(categories))) if categories is not None else None,
    )
    return plan_deletion(to_graph(records, regime), request)
