"""What `breachImpact` does: check the arguments, read the subgraph, decide."""

from datetime import UTC, datetime

from graph.database import Database
from graph.queries.breach import breach_subgraph
from resolvers.breach.decisions import BreachRequest, Impact, Kind, breach_impact
from resolvers.breach.facts import to_graph
from resolvers.categories import known_categories
from resolvers.errors import BadUserInput, NotFound
from resolvers.references import key_of, known_values, refuse


def _key(value: str, kind: str, field: str) -> str:
    if not value.strip():
        raise BadUserInput(f"{field} must name a {kind} by key or global id", field=field)
    return key_of(value, kind, field=field)


def aware_moment(aware_at: datetime, now: datetime) -> datetime:
    moment = aware_at if aware_at.tzinfo is not None else aware_at.replace(tzinfo=UTC)
    if moment > now:
        raise BadUserInput(
            "awareAt is in the future: give the moment the breach became known", field="awareAt"
        )
    return moment


async def breach_impact_of(
    db: Database,
    *,
    system_ids: list[str] | None,
    organisation_id: str | None,
    aware_at: datetime,
    kind: Kind,
    categories: list[str] | None,
    subjects: list[str] | None = None,
    now: datetime | None = None,
) -> Impact:
    if system_ids is None and organisation_id is None:
        raise BadUserInput(
            "give the compromised systems as systemIds, or a compromised organisation as "
            "organisationId",
            field="systemIds",
        )
    if system_ids is not None and organisation_id is not None:
        raise BadUserInput(
            "give either systemIds or organisationId, not both", field="organisationId"
        )
    if system_ids is not None and not system_ids:
        raise BadUserInput("systemIds is empty: name at least one system", field="systemIds")
    moment = aware_moment(aware_at, now or datetime.now(UTC))
    given = [_key(v, "System", f"systemIds[{i}]") for i, v in enumerate(system_ids or ())]
    keys = sorted(set(given)) or None
    organisation = (
        _key(organisation_id, "Organisation", "organisationId") if organisation_id else None
    )
    wanted = await known_categories(db, categories)
    whose = await known_subjects(db, subjects)
    records = await breach_subgraph(
        db, system_ids=keys, organisation_id=organisation, subjects=whose
    )
    if records.unknown_systems:
        unknown = records.unknown_systems[0]
        field = f"systemIds[{given.index(unknown)}]"
        await refuse(db, ("System",), unknown, field=field, error=NotFound)
    if organisation is not None and not records.organisation_found:
        await refuse(db, ("Organisation",), organisation, field="organisationId", error=NotFound)
    if organisation is not None and not records.selected and not records.received:
        raise BadUserInput(
            f"{organisation} and its sub-processors operate no system and receive no flow: "
            "nothing of the map is held there",
            field="organisationId",
        )
    request = BreachRequest(
        aware_at=moment,
        kind=kind,
        categories=tuple(wanted) if wanted else None,
        subjects=tuple(whose) if whose else None,
    )
    impact = breach_impact(to_graph(records), request)
    if not impact.subjects:
        field = (
            "subjects"
            if whose
            else "categories"
            if wanted
            else ("systemIds" if keys else "organisationId")
        )
        raise BadUserInput(
            "the selection holds no personal data the map records"
            + (" of these data subjects" if whose else "")
            + (" of these categories" if wanted else ""),
            field=field,
        )
    return impact


async def known_subjects(db: Database, subjects: list[str] | None) -> list[str] | None:
    """The data-subject keys asked for, once each and sorted; an unknown one is BAD_USER_INPUT
    naming `subjects[i]`, with the nearest keys; None when none is asked for."""
    if subjects is None:
        return None
    if not subjects:
        raise BadUserInput("subjects is empty: name at least one data subject", field="subjects")
    return sorted(set(await known_values(db, "DataSubject", subjects, field="subjects")))
