"""The top-level lists: one page of a kind, its total count and the unknown filter references,
in a single statement. The page is a Top-N (`ORDER BY … SKIP … LIMIT`), so it reads the
properties of `limit` nodes only; a list sorted by name reads them in order from the sort name's
index (`graph.sort_names`), so it does not even sort. The total is a `COUNT` subquery, which
materialises no rows (and which the count store answers when no filter is set)."""

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import LiteralString

from graph import sort_names
from graph.database import Database, Record
from graph.queries import filters
from graph.queries.shared import NONE, Shared

logger = logging.getLogger("datamap")


@dataclass(frozen=True)
class Listing:
    label: LiteralString
    order: LiteralString
    predicates: Mapping[str, LiteralString]
    base: LiteralString | None = None
    """What every node of the list is, whatever the filter."""
    indexed: LiteralString | None = None
    """For a list sorted by name: the predicate that lets the planner read `order` from the
    sort name's index (`graph.sort_names`)."""


# Names sort case-insensitively, from the sort name's index; the key breaks ties.
BY_NAME = sort_names.ORDER
SYSTEMS = Listing("System", BY_NAME, filters.SYSTEM, indexed=sort_names.INDEXED)
ORGANISATIONS = Listing("Organisation", BY_NAME, filters.ORGANISATION, indexed=sort_names.INDEXED)
PROCESSORS = Listing(
    "Organisation", BY_NAME, filters.ORGANISATION, filters.PROCESSOR, sort_names.INDEXED
)
DATA_CATEGORIES = Listing("DataCategory", "n.key", filters.DATA_CATEGORY)
DATA_SUBJECTS = Listing("DataSubject", "n.key", filters.DATA_SUBJECT)
PROCESSING_ACTIVITIES = Listing(
    "ProcessingActivity", BY_NAME, filters.PROCESSING_ACTIVITY, indexed=sort_names.INDEXED
)
COUNTRIES = Listing("Country", "n.code", filters.COUNTRY)


def page_statement(listing: Listing, active: list[str], shared: Shared = NONE) -> LiteralString:
    where = filters.where(listing.predicates, active)
    if listing.base is not None:
        where = listing.base + " AND " + where
    match: LiteralString = "MATCH (n:" + listing.label + ") WHERE " + where
    ordered: LiteralString = match if listing.indexed is None else match + " AND " + listing.indexed
    top: LiteralString = "WITH n ORDER BY " + listing.order + " SKIP $offset LIMIT $limit"
    total: LiteralString = "COUNT { " + match + " } AS total"
    return (
        ordered + " " + top + " WITH collect(properties(n)) AS page " + shared.text + " "
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
    statement = page_statement(listing, active, shared)
    record = (await db.read(statement, params))[0]
    if listing.indexed is not None and unlisted(record, offset, limit):
        logger.warning(
            "%s nodes without their sort name (written other than by datamap): set, and read again",
            listing.label,
        )
        await db.write(sort_names.refreshed(listing.label))
        record = (await db.read(statement, params))[0]
    return record


def unlisted(record: Record, offset: int, limit: int) -> bool:
    """Whether the page holds fewer nodes than the total says it should: some nodes lack the
    sort name the page is read by."""
    total: int = record["total"]
    return len(record["page"]) < min(limit, max(total - offset, 0))
