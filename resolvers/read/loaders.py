"""Per-request DataLoaders: one per node label (by key) and one per relationship of the model, so
that a nesting level of any query costs one statement per field, whatever the number of rows.

A loader caches one future per key, which every field asking for that key awaits. graphql-core
cancels a field's siblings when one of them fails; a cancelled field that awaited the future
directly would cancel it for every other field awaiting the same key, and their CancelledError
(not an Exception) would end the whole request. So each field awaits the future shielded."""

import asyncio
from collections import defaultdict
from typing import Any, cast

from strawberry.dataloader import DataLoader

from graph.database import Database, Record
from graph.queries.nodes import BY_KEYS, nodes_by_keys
from graph.queries.relations import RELATIONS, neighbour_pages
from resolvers.read.pagination import Window

NodeLoader = DataLoader[str, Record | None]
Neighbours = tuple[list[Record], int]
"""A page of a node's neighbours (each `{kind, node, rel}`) and how many it has in all."""
RelationLoader = DataLoader[tuple[str, Window], Neighbours]


def node_loader(db: Database, label: str) -> NodeLoader:
    async def load(keys: list[str]) -> list[Record | None]:
        found = {row["key"]: row["node"] for row in await nodes_by_keys(db, label, keys)}
        return [found.get(key) for key in keys]

    return DataLoader(load_fn=load)


def relation_loader(db: Database, relation: str) -> RelationLoader:
    """Loads pages of neighbours: one statement per distinct window in a batch (a nesting level
    asks for one window, so one statement)."""

    async def load(requests: list[tuple[str, Window]]) -> list[Neighbours]:
        by_window: defaultdict[Window, list[str]] = defaultdict(list)
        for key, window in requests:
            by_window[window].append(key)
        found: dict[tuple[str, Window], Neighbours] = {}
        for window, keys in by_window.items():
            rows = await neighbour_pages(
                db, relation, keys, offset=window.offset, limit=window.limit
            )
            found.update({(row["source"], window): (row["page"], row["total"]) for row in rows})
        return [found.get(request, ([], 0)) for request in requests]

    return DataLoader(load_fn=load)


def create_loaders(db: Database) -> dict[str, Any]:
    """The loaders of one request, named `node:<Label>` and `relation:<name>`."""
    loaders: dict[str, Any] = {f"node:{label}": node_loader(db, label) for label in BY_KEYS}
    loaders.update({f"relation:{name}": relation_loader(db, name) for name in RELATIONS})
    return loaders


async def load_node(loaders: dict[str, Any], label: str, key: str) -> Record | None:
    """The properties of the `label` node with `key`, or None when there is none."""
    return await asyncio.shield(cast(NodeLoader, loaders[f"node:{label}"]).load(key))


async def load_related(
    loaders: dict[str, Any], relation: str, key: str, window: Window
) -> Neighbours:
    """The `window` of the neighbours of the node `key` along `relation`, and their number."""
    return await asyncio.shield(
        cast(RelationLoader, loaders[f"relation:{relation}"]).load((key, window))
    )
