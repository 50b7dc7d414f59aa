"""Checks of a filter against the kind it is applied to, and against the graph's answer."""

from collections.abc import Iterable, Mapping

from graph.database import Database
from resolvers.errors import BadUserInput
from resolvers.references import key_for, refuse

FILTER_KINDS: Mapping[str, str] = {
    "country": "Country",
    "category": "DataCategory",
    "subject": "DataSubject",
    "organisation": "Organisation",
}
"""The filters whose value names an entity, and its kind."""


def field_of(name: str) -> str:
    """The argument path of a filter value, as clients spell it (`filter.specialCategories`)."""
    head, *rest = name.split("_")
    return "filter." + head + "".join(part.title() for part in rest)


MAX_FILTER_TEXT = 200
"""The longest text a filter takes: no name or key is longer, and a search of a megabyte costs
Neo4j seconds of CPU for every node it compares."""


def check_applicable(values: Mapping[str, object], applicable: Iterable[str], kind: str) -> None:
    """BAD_USER_INPUT naming the first set filter that does not apply to `kind`, or whose text
    is longer than any name."""
    known = set(applicable)
    for name, value in values.items():
        if value is not None and name not in known:
            raise BadUserInput(f"this filter does not apply to {kind}", field=field_of(name))
        if isinstance(value, str) and len(value) > MAX_FILTER_TEXT:
            raise BadUserInput(
                f"at most {MAX_FILTER_TEXT} characters, not {len(value)}", field=field_of(name)
            )


def as_keys(values: Mapping[str, object]) -> dict[str, object]:
    """The filter with each value that names an entity as its key (references.py's rule)."""
    return {
        name: key_for(FILTER_KINDS[name], value, field_of(name))
        if name in FILTER_KINDS and isinstance(value, str)
        else value
        for name, value in values.items()
    }


async def check_known(db: Database, unknown: list[str], values: Mapping[str, object]) -> None:
    """BAD_USER_INPUT naming the first filter whose value names no node of the graph, with the
    nearest valid keys."""
    if unknown:
        name = unknown[0]
        await refuse(db, (FILTER_KINDS[name],), str(values[name]), field=field_of(name))
