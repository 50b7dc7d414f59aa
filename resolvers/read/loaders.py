"""Per-request DataLoaders: one per node label (by key) and one per relationship of the model, so
that a nesting level of any query costs one statement per field, whatever the number of rows.

A loader caches one future per key, which every field asking for that key awaits. graphql-core
cancels a field's siblings when one of them fails; a cancelled field that awaited the future
directly would cancel it for every other field awaiting the same key, and their CancelledError
(not an Exception) would end the whole request. So each field awaits the future shielded."""

import asyncio
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any, cast

from strawberry.dataloader import DataLoader

from graph.database import Database, Record
from graph.queries.nodes import BY_KEYS, nodes_by_keys
from graph.queries.relations import RELATIONS, neighbour_pages
from graph.queries.shared import Branch, below, numbered
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


class Loaders(dict[str, Any]):
    """The loaders of one request, named `node:<Label>` and `relation:<name>`, each made the
    first time a field asks for it (a request uses few of them)."""

    def __init__(self, db: Database) -> None:
        super().__init__()
        self.db = db

    def __missing__(self, name: str) -> Any:
        kind, _, which = name.partition(":")
        if kind == "node" and which in BY_KEYS:
            loader: Any = node_loader(self.db, which)
        elif kind == "relation" and which in RELATIONS:
            loader = relation_loader(self.db, which)
        else:
            raise KeyError(name)
        self[name] = loader
        return loader


def prime_shared(
    loaders: dict[str, Any],
    branches: Sequence[Branch],
    roots: Sequence[Record],
    record: Mapping[str, Any],
) -> None:
    """Hands each branch's loader what a shared read (`graph.queries.shared`) returned in
    `record` below the root nodes `roots`: for every parent node, what the loader would have
    loaded for it, so the fields of the selection run no statement of their own."""
    parents: dict[int | None, list[Record]] = {None: list(roots)}
    for entry in numbered(branches):
        branch, value = entry.branch, record[f"r{entry.number}"]
        keys = {
            str(node[branch.by])
            for node in parents[entry.parent]
            if node.get(branch.by) is not None
        }
        if branch.relation is None:
            nodes = {str(row["key"]): row["node"] for row in value}
            cast(NodeLoader, loaders[f"node:{branch.label}"]).prime_many(
                {key: nodes.get(key) for key in keys}
            )
        else:
            window = Window(offset=branch.offset, limit=branch.limit)
            pages = {str(row["source"]): (row["page"], row["total"]) for row in value}
            cast(RelationLoader, loaders[f"relation:{branch.relation}"]).prime_many(
                {(key, window): pages.get(key, ([], 0)) for key in keys}
            )
        parents[entry.number] = list(below(branch, value))


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
