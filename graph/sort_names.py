"""The lists of systems, organisations and processing activities sort case-insensitively by name,
read in that order from an index: each such node keeps its name lowercased in `sort_name`, which
a range index orders, so a page reads `limit` nodes however many there are (100,000 systems:
4 ms, where `ORDER BY toLower(n.name)` sorts them all in 70 ms). Every statement that sets a
name sets it too (`kept`), `migrations.migrate` fills it in where it is missing or stale, and
what the API shows of a node's properties leaves it out (`without`)."""

from collections.abc import Mapping
from typing import Any, LiteralString

PROPERTY: LiteralString = "sort_name"

NAMED_BY: dict[LiteralString, LiteralString] = {
    "System": "name",
    "Organisation": "legal_name",
    "ProcessingActivity": "name",
}
"""The kinds whose lists sort by name, and the property that holds it."""


def value(node: LiteralString, label: str) -> LiteralString:
    """`node`'s sort name: its name lowercased, '' when it has none (it then sorts first, and is
    still listed)."""
    return "toLower(coalesce(" + node + "." + NAMED_BY[label] + ", ''))"


def kept(node: LiteralString, label: str) -> LiteralString:
    """A `SET` clause that keeps `node`'s sort name, after its name is set; empty for a kind
    whose lists do not sort by name."""
    if label not in NAMED_BY:
        return ""
    return " SET " + node + "." + PROPERTY + " = " + value(node, label) + " "


def indexes() -> list[LiteralString]:
    return [
        "CREATE INDEX " + label.lower() + "_sort_name IF NOT EXISTS "
        "FOR (n:" + label + ") ON (n." + PROPERTY + ")"
        for label in NAMED_BY
    ]


def refreshed(label: LiteralString) -> LiteralString:
    """The statement that sets the sort name of every `label` node that lacks it or whose name
    changed without it."""
    current = value("n", label)
    return (
        "MATCH (n:"
        + label
        + ") WHERE n."
        + PROPERTY
        + " IS NULL OR n."
        + PROPERTY
        + " <> "
        + current
        + " SET n."
        + PROPERTY
        + " = "
        + current
    )


def without(properties: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """A node's properties as the API shows them: without its sort name."""
    if properties is None:
        return None
    return {name: item for name, item in properties.items() if name != PROPERTY}


ORDER: LiteralString = "n." + PROPERTY + ", n.id"
"""The order of a list sorted by name: the key breaks ties."""
INDEXED: LiteralString = "n." + PROPERTY + " IS NOT NULL"
"""The predicate that lets the planner read `ORDER` from the index (every listed node has one)."""
