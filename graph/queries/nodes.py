"""Nodes fetched by their model key, one statement per label for a whole batch of keys."""

from typing import LiteralString

from graph.database import Database, Record
from graph.migrations import NODE_KEYS

KEY_OF: dict[str, LiteralString] = dict(NODE_KEYS)


def by_keys_statement(label: LiteralString, key: LiteralString) -> LiteralString:
    return (
        "MATCH (n:" + label + ") WHERE n." + key + " IN $keys "
        "RETURN n." + key + " AS key, properties(n) AS node"
    )


BY_KEYS: dict[str, LiteralString] = {
    **{label: by_keys_statement(label, key) for label, key in NODE_KEYS},
    # The keyed relationships the API serves as nodes: the properties, and both ends.
    "Flow": (
        "MATCH (a:System)-[r:FLOWS_TO]->(b) WHERE r.id IN $keys "
        "RETURN r.id AS key, {rel: properties(r), source: properties(a), "
        "target: properties(b), target_kind: head(labels(b))} AS node"
    ),
    "Engagement": (
        "MATCH (a:Organisation)-[r:ENGAGES]->(b:Organisation) WHERE r.id IN $keys "
        "RETURN r.id AS key, {rel: properties(r), source: properties(a), "
        "target: properties(b)} AS node"
    ),
}


async def nodes_by_keys(db: Database, label: str, keys: list[str]) -> list[Record]:
    """Each node of `label` whose key is in `keys`, as `{key, node}` rows."""
    return await db.read(BY_KEYS[label], {"keys": keys})
