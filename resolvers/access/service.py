"""What `accessPlan` does: check the categories, read the subject's rows, decide the plan."""

from graph.database import Database
from graph.queries import access as queries
from resolvers.access import reach as flow_reach
from resolvers.access.decisions import ITEM_REGIME, AccessPlan, Regime, plan_access
from resolvers.access.facts import facts_from_rows
from resolvers.categories import known_categories
from resolvers.errors import NotFound
from resolvers.limits import LineageLimits
from resolvers.references import key_of, refuse


async def access_plan(
    db: Database,
    settings: LineageLimits,
    *,
    subject: str,
    categories: list[str] | None,
    regime: Regime,
) -> AccessPlan:
    requested = await known_categories(db, categories)
    subject = key_of(subject, "DataSubject", field="subject")
    rows = await queries.access_rows(
        db,
        subject=subject,
        regime=regime.value,
        text_regime=ITEM_REGIME[regime],
        hops=settings.lineage_default_hops,
        limit=settings.lineage_max_nodes,
        reach=flow_reach.reach_rows,
    )
    if rows.subject["key"] is None:
        await refuse(db, ("DataSubject",), subject, field="subject", error=NotFound)
    return plan_access(facts_from_rows(rows, regime), requested)
