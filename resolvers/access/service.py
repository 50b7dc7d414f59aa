"""What `accessPlan` does: check the categories, read the subject's rows, decide the plan."""

from datetime import date

from graph import riders
from graph.database import Database
from graph.queries import access as queries
from resolvers.access import reach as flow_reach
from resolvers.access.decisions import AccessPlan, plan_access
from resolvers.access.facts import facts_from_rows
from resolvers.categories import known_categories
from resolvers.documents import Names
from resolvers.errors import NotFound
from resolvers.limits import LineageLimits
from resolvers.references import key_of, refuse


async def access_plan(
    db: Database,
    settings: LineageLimits,
    *,
    subject: str,
    categories: list[str] | None,
    regime: str,
    received_on: date | None = None,
) -> AccessPlan:
    requested = await known_categories(db, categories)
    subject = key_of(subject, "DataSubject", field="subject")
    rows = await queries.access_rows(
        db,
        subject=subject,
        regime=regime,
        hops=settings.lineage_default_hops,
        limit=settings.lineage_max_nodes,
        reach=flow_reach.reach_rows,
        rider=riders.board(),
    )
    if rows.subject["key"] is None:
        await refuse(db, ("DataSubject",), subject, field="subject", error=NotFound)
    if rows.subject["law"] is None:
        raise NotFound(f"no regime {regime!r}: load the seeds", field="regime")
    return plan_access(facts_from_rows(rows, regime), requested, received_on)


async def response_names(db: Database, plan: AccessPlan) -> Names:
    """The display names an access response needs for `plan`'s categories and countries."""
    keys = set(plan.categories) | {k for loc in plan.locations for k in loc.categories}
    codes = {c for r in plan.recipients for c in r.countries}
    if plan.controller is not None and plan.controller.country:
        codes.add(plan.controller.country)
    categories, countries = await queries.display_names(db, sorted(keys), sorted(codes))
    return Names(categories=categories, countries=countries)
