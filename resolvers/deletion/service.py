"""What `deletionPlan` does: check the arguments, read the subgraph, hand its plain data to the
planner."""

from datetime import date

from graph import riders
from graph.database import Database, Record
from graph.queries.access import display_names
from graph.queries.deletion import deletion_subgraph, regime_law
from resolvers.deadlines import due
from resolvers.deletion.decisions import (
    Plan,
    PlanRequest,
    plan_deletion,
)
from resolvers.deletion.document import Law
from resolvers.deletion.facts import erasure_period, to_graph
from resolvers.documents import Names
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
    received_on: date | None = None,
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
        rider=riders.board(),
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
    plan = plan_deletion(to_graph(records, regime), request)
    if received_on is not None:
        _set_deadline(plan, (await regime_law(db, regime))["law"], received_on)
    return plan


def _set_deadline(plan: Plan, law: Record | None, received_on: date) -> None:
    period = erasure_period(law)
    plan.deadline = None if period is None else due(period, received_on)


async def document_facts(
    db: Database, plan: Plan, regime: str, received_on: date | None = None
) -> tuple[Law, Names]:
    """What the deletion documents add to `plan`: the regime's name, authority and complaint
    route, the controller that answers, and the names of the plan's categories; with
    `received_on`, the plan's deadline, from the same read of the regime."""
    row = await regime_law(db, regime)
    if received_on is not None:
        _set_deadline(plan, row["law"], received_on)
    law, controller = row["law"] or {}, row["controller"] or {}
    keys = {
        k
        for part in (plan.steps, *(d.steps for d in plan.processor_duties))
        for step in part
        for action in step.actions
        for k in action.categories
    }
    keys |= {k for n in plan.notifications for k in n.categories}
    keys |= {k for d in plan.processor_duties for k in d.categories}
    categories, countries = await display_names(db, sorted(keys), [])
    return (
        Law(
            regime=regime,
            name=law.get("name"),
            authority=law.get("authority"),
            authority_rule=law.get("authority_rule"),
            complaint_route=law.get("complaint_route"),
            controller=controller.get("legal_name"),
            controller_authority=controller.get("supervisory_authority"),
        ),
        Names(categories=categories, countries=countries),
    )
