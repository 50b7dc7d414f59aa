"""Shared reads: the nested levels of a selection answered by the statement of its root field.

A root statement binds `page`, the property maps of its root nodes. Each branch of the selection
is a subquery that takes the keys of its parent's nodes, reads what the field's DataLoader would
read for them (the same `relations.NEIGHBOURS` fragment, or the nodes by key) and returns it
collected as one value, `r<n>`; its own branches nest on those rows. Every subquery returns one
row, so the statement returns one row whatever the selection."""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, LiteralString

from graph.database import Database, Record
from graph.migrations import NODE_KEYS
from graph.queries.nodes import KEY_OF
from graph.queries.relations import NEIGHBOURS, ROWS
from graph.riders import Rider

LABELS: dict[str, LiteralString] = {label: label for label, _ in NODE_KEYS}


@dataclass(frozen=True)
class Branch:
    """What one nested field reads for all its parent's nodes.

    `relation` names a `NEIGHBOURS` fragment (the neighbours of each parent node, paged at
    `offset`/`limit`), or is None for the `label` nodes whose keys the parents' `by` property
    holds. For a relation, `by` is the parents' key property."""

    relation: str | None
    label: str
    by: str
    offset: int = 0
    limit: int = 0
    branches: tuple["Branch", ...] = ()


@dataclass(frozen=True)
class Numbered:
    """A branch with its number (its value is `r<number>`) and its parent's (None: the root)."""

    branch: Branch
    number: int
    parent: int | None


def numbered(branches: Sequence[Branch]) -> list[Numbered]:
    """Every branch below the root, parents before their branches, numbered in that order."""
    found: list[Numbered] = []

    def walk(level: Sequence[Branch], parent: int | None) -> None:
        for branch in level:
            number = len(found)
            found.append(Numbered(branch, number, parent))
            walk(branch.branches, number)

    walk(branches, None)
    return found


def below(branch: Branch, value: list[Record]) -> Iterator[Record]:
    """The property maps of the nodes `branch` read, from its value `r<n>`."""
    if branch.relation is None:
        return (row["node"] for row in value)
    return (row["node"] for source in value for row in source["page"])


@dataclass(frozen=True)
class Shared:
    """The subqueries of a selection, the names of the values they return, and their windows."""

    text: LiteralString
    returns: LiteralString
    params: dict[str, Any]


NONE = Shared(text="", returns="", params={})


def compose(branches: Sequence[Branch], rider: Rider | None = None) -> Shared:
    """The subqueries that read `branches` below the root nodes `page`, and `rider`'s."""
    parts: list[str] = []
    params: dict[str, Any] = {}
    walked = numbered(branches)
    for entry in walked:
        branch, name = entry.branch, f"r{entry.number}"
        if entry.parent is None:
            parent, nodes = "page", "page"
        else:
            parent = f"r{entry.parent}"
            nodes = (
                f"[x IN {parent} | x.node]"
                if walked[entry.parent].branch.relation is None
                else f"reduce(a = [], x IN {parent} | a + [row IN x.page | row.node])"
            )
        if branch.relation is None:
            key = KEY_OF[branch.label]
            read = (
                f"MATCH (n:{branch.label}) WHERE n.{key} IN keys "
                f"RETURN collect({{key: n.{key}, node: properties(n)}}) AS {name}"
            )
        else:
            offset, limit = f"$o{entry.number}", f"$l{entry.number}"
            params[offset[1:]] = branch.offset
            params[limit[1:]] = branch.limit
            read = (
                NEIGHBOURS[branch.relation]
                + ROWS
                + f"RETURN collect({{source: source, total: size(rows), "
                f"page: rows[{offset}..{offset} + {limit}]}}) AS {name}"
            )
        parts.append(f"CALL ({parent}) {{ WITH [m IN {nodes} | m.{branch.by}] AS keys {read} }}")
    returns = [f", r{entry.number}" for entry in walked]
    if rider is not None:
        parts.append(rider.subquery)
        returns.append(", " + rider.column)
    # The text is made of the model's constant fragments, labels, key properties, numbered
    # names and a rider's constant subquery: no input.
    return Shared(text=" ".join(parts), returns="".join(returns), params=params)


def by_keys_statement(label: str, shared: Shared) -> LiteralString:
    """The `label` nodes whose key is in `$keys` (`page`, their property maps) and the values of
    `shared` below them, in one row."""
    key = KEY_OF[label]
    return (
        "MATCH (n:" + LABELS[label] + ") WHERE n." + key + " IN $keys "
        "WITH collect(properties(n)) AS page " + shared.text + " RETURN page" + shared.returns
    )


async def nodes_by_keys(db: Database, label: str, keys: list[str], shared: Shared) -> Record:
    """`{page, r0, ...}`: the `label` nodes with the keys `keys` and the values of `shared`."""
    rows = await db.read(by_keys_statement(label, shared), {**shared.params, "keys": keys})
    return rows[0]
