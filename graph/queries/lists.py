"""The top-level lists: one page of a kind, its total count and the unknown filter references,
in a single statement. The page is a Top-N (`ORDER BY … SKIP … LIMIT`), so it reads the
properties of `limit` nodes only; the total is a `COUNT` subquery, which materialises no rows
(and which the count store answers when no filter is set)."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import LiteralString

from graph.database import Database, Record
from graph.queries import filters
from graph.queries.shared import NONE, Shared


@dataclass(frozen=True)
class Listing:
    label: LiteralString
    order: LiteralString
    predicates: Mapping[str, LiteralString]
    base: LiteralString | None = None
    """What every node of the list is, whatever the filter."""


# Names sort case-insensitively; the key breaks ties.
SYSTEMS = Listing("System", "toLower(n.name), n.id", filters.SYSTEM)
ORGANISATIONS = Listing("Organisation", "toLower(n.legal_name), n.id", filters.ORGANISATION)
PROCESSORS = Listing(
    "Organisation", "toLower(n.legal_name), n.id", filters.ORGANISATION, filters.PROCESSOR
)
DATA_CATEGORIES = Listing("DataCategory", "n.key", filters.DATA_CATEGORY)
DATA_SUBJECTS = Listing("DataSubject", "n.key", filters.DATA_SUBJECT)
PROCESSING_ACTIVITIES = Listing(
    "ProcessingActivity", "toLower(n.name), n.id", filters.PROCESSING_ACTIVITY
)
COUNTRIES = Listing("Country", "n.code", filters.COUNTRY)


def page_statement(listing: Listing, active: list[str], shared: Shared = NONE) -> LiteralString:
    where = filters.where(listing.predicates, active)
    if listing.base is not None:
        where = listing.base + " AND " + where
    match: LiteralString = "MATCH (n:" + listing.label + ") WHERE " + where
    top: LiteralString = "WITH n ORDER BY " + listing.order + " SKIP $offset LIMIT $limit"
    total: LiteralString = "COUNT { " + match + " } AS total"
    return (
        match + " " + top + " WITH collect(properties(n)) AS page " + shared.text + " "
        "RETURN " + total + ", page, " + filters.UNKNOWN_REFERENCES + " AS unknown" + shared.returns
    )


async def page(
    db: Database,
    listing: Listing,
    values: Mapping[str, object],
    *,
    offset: int,
    limit: int,
    shared: Shared = NONE,
) -> Record:
    """`{total, page, unknown}`: how many nodes match, the properties of `limit` of them from
    `offset`, and the names of filters whose value names no node; with the values of `shared`
    below the page."""
    active = [name for name, value in values.items() if value is not None]
    params = {**filters.parameters(values), **shared.params, "offset": offset, "limit": limit}
    rows = await db.read(page_statement(listing, active, shared), params)
    return rows[0]
