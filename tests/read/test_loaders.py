"""The per-request loaders on the real graph: fields that ask for the same key share one load,
and a field that graphql-core cancels (a sibling failed) does not cancel it for the others."""

import asyncio

from graph.database import Database
from resolvers.read.loaders import Loaders, load_node, load_related
from resolvers.read.pagination import Window


async def test_a_cancelled_field_leaves_the_shared_load_to_the_others(seeded: Database) -> None:
    loaders = Loaders(seeded)
    cancelled = asyncio.ensure_future(load_node(loaders, "System", "accounts-db"))
    kept = asyncio.ensure_future(load_node(loaders, "System", "accounts-db"))
    neighbours = asyncio.ensure_future(
        load_related(loaders, "system.categories", "accounts-db", Window(offset=0, limit=10))
    )
    await asyncio.sleep(0)  # both fields now await the one future the loader holds for the key
    cancelled.cancel()

    node = await kept
    assert node is not None and node["id"] == "accounts-db"
    rows, total = await neighbours
    assert rows and total
    assert cancelled.cancelled()
