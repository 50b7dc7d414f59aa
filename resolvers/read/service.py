"""The top-level read fields: a page of a kind, and the data map, as plain data."""

from collections.abc import Mapping
from dataclasses import dataclass

from graph.database import Database, Record
from graph.queries import datamap as datamap_queries
from graph.queries import filters as filter_queries
from graph.queries import lists
from resolvers.limits import bounded
from resolvers.read.datamap import DataMap, shape_map
from resolvers.read.filters import as_keys, check_applicable, check_known
from resolvers.read.pagination import Window, window


@dataclass(frozen=True)
class Page:
    rows: list[Record]
    total: int
    window: Window


async def list_page(
    db: Database,
    listing: lists.Listing,
    values: Mapping[str, object],
    *,
    first: int | None,
    after: str | None,
    max_page_size: int,
    kind: str,
) -> Page:
    """One page of `listing` under the filter `values`, after checking every argument."""
    rows = window(first, after, max_page_size)
    check_applicable(values, listing.predicates, kind)
    values = as_keys(values)
    result = await lists.page(db, listing, values, offset=rows.offset, limit=rows.limit)
    await check_known(db, result["unknown"], values)
    return Page(rows=result["page"], total=result["total"], window=rows)


async def data_map(
    db: Database, values: Mapping[str, object], *, max_nodes: int | None, cap: int
) -> DataMap:
    """The map of the systems the filter selects, cut at `max_nodes` (at most `cap`) nodes."""
    max_nodes = cap if max_nodes is None else bounded(max_nodes, cap, field="maxNodes")
    check_applicable(values, filter_queries.SYSTEM, "dataMap")
    values = as_keys(values)
    result = await datamap_queries.data_map(db, values, max_nodes=max_nodes)
    await check_known(db, result["unknown"], values)
    return shape_map(result["nodes"], result["edges"], result["total"])
