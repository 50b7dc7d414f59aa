"""Whether a key names a node (or a keyed relationship) of a label, and the keys a label holds,
for the shared rule by which an argument names an entity (resolvers/references.py)."""

from typing import LiteralString

from graph.database import Database
from graph.migrations import NODE_KEYS, RELATIONSHIP_KEYS

EDGE_LABELS: dict[str, LiteralString] = {"Flow": "FLOWS_TO", "Engagement": "ENGAGES"}
"""The GraphQL kinds that stand for a keyed relationship, and its type."""


def _exists(label: LiteralString, key: LiteralString) -> LiteralString:
    return "MATCH (n:" + label + " {" + key + ": $key}) RETURN count(n) > 0 AS found"


def _edge_exists(rel_type: LiteralString, key: LiteralString) -> LiteralString:
    return "MATCH ()-[r:" + rel_type + " {" + key + ": $key}]->() RETURN count(r) > 0 AS found"


def _keys(label: LiteralString, key: LiteralString) -> LiteralString:
    return "MATCH (n:" + label + ") RETURN n." + key + " AS key, n.name AS name"


def _edge_keys(rel_type: LiteralString, key: LiteralString) -> LiteralString:
    return "MATCH ()-[r:" + rel_type + "]->() RETURN r." + key + " AS key, null AS name"


_RELATIONSHIP_KEY = dict(RELATIONSHIP_KEYS)
EXISTS: dict[str, LiteralString] = {
    **{label: _exists(label, key) for label, key in NODE_KEYS},
    **{
        kind: _edge_exists(rel_type, _RELATIONSHIP_KEY[rel_type])
        for kind, rel_type in EDGE_LABELS.items()
    },
}
KEYS: dict[str, LiteralString] = {
    **{label: _keys(label, key) for label, key in NODE_KEYS},
    **{
        kind: _edge_keys(rel_type, _RELATIONSHIP_KEY[rel_type])
        for kind, rel_type in EDGE_LABELS.items()
    },
}


async def exists(db: Database, label: str, key: str) -> bool:
    rows = await db.read(EXISTS[label], {"key": key})
    return bool(rows[0]["found"])


async def keys(db: Database, label: str) -> dict[str, str | None]:
    """Every key of `label`, with the node's name where it has one."""
    return {row["key"]: row["name"] for row in await db.read(KEYS[label]) if row["key"]}
