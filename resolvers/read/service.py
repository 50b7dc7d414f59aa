"""The top-level read fields: a page of a kind, and the data map, as plain data."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from graph import riders
from graph.database import Database, Record
from graph.queries import datamap as datamap_queries
from graph.queries import filters as filter_queries
from graph.queries import lists
from graph.queries import shared as shared_queries
from graph.queries.shared import Branch
from resolvers.limits import bounded
from resolvers.read.datamap import DataMap, shape_map
from resolvers.read.filters import as_keys, check_applicable, check_known
from resolvers.read.loaders import prime_shared
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
    loaders: dict[str, Any],
    branches: Sequence[Branch] = (),
) -> Page:
    """One page of `listing` under the filter `values`, after checking every argument; what
    `branches` read below it comes in the same statement, and primes the loaders. The
    statement carries the request's rider when it is the first to run."""
    rows = window(first, after, max_page_size)
    check_applicable(values, listing.predicates, kind)
    values = as_keys(values)
    rider = riders.board()
    result = await lists.page(
        db,
        listing,
        values,
        offset=rows.offset,
        limit=rows.limit,
        shared=shared_queries.compose(branches, rider),
    )
    riders.handed(rider, result)
    await check_known(db, result["unknown"], values)
    prime_shared(loaders, branches, result["page"], result)
    return Page(rows=result["page"], total=result["total"], window=rows)


async def read_node(
    db: Database, loaders: dict[str, Any], label: str, key: str, branches: Sequence[Branch]
) -> None:
    """Reads the `label` node `key` and what `branches` read below it in one statement, and
    primes the loaders with both; the statement carries the request's rider when it is the
    first to run. Reads nothing when there is neither: the loader reads the node, in one
    statement with the request's other lookups."""
    rider = riders.board()
    if rider is None and not branches:
        return
    shared = shared_queries.compose(branches, rider)
    record = await shared_queries.nodes_by_keys(db, label, [key], shared)
    riders.handed(rider, record)
    loaders[f"node:{label}"].prime(key, next(iter(record["page"]), None))
    prime_shared(loaders, branches, record["page"], record)


async def data_map(
    db: Database, values: Mapping[str, object], *, max_nodes: int | None, cap: int
) -> DataMap:
    """The map of the systems the filter selects, cut at `max_nodes` (at most `cap`) nodes."""
    max_nodes = cap if max_nodes is None else bounded(max_nodes, cap, field="maxNodes")
    check_applicable(values, filter_queries.SYSTEM, "dataMap")
    values = as_keys(values)
    result = await datamap_queries.data_map(db, values, max_nodes=max_nodes, rider=riders.board())
    await check_known(db, result["unknown"], values)
    return shape_map(result["nodes"], result["edges"], result["total"])
