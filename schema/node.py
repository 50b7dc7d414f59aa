"""The `Node` interface every graph type implements, and the conversion of a node's Neo4j
properties into its GraphQL type."""

import dataclasses
from collections.abc import Mapping
from enum import Enum
from typing import Any, ClassVar, Self, TypeVar, get_args, get_type_hints

import strawberry
from neo4j.time import Date, DateTime
from strawberry.types import Info

from graph.queries.nodes import KEY_OF
from resolvers.global_id import encode
from resolvers.read.loaders import load_node, load_related
from resolvers.read.pagination import Window, window
from resolvers.read.service import Page
from schema.connection import Connection, connection
from schema.context import Context


@strawberry.interface(description="A node of the data map, fetchable by its global id.")
class Node:
    LABEL: ClassVar[str]

    key: str = strawberry.field(
        description="The node's key in the graph model (its `id`, `key` or `code`)."
    )

    @strawberry.field(
        description="The global id, opaque and stable; `node(id)` and every argument naming the "
        "node accept it (and the key)."
    )
    def id(self) -> strawberry.ID:
        return strawberry.ID(encode(self.LABEL, self.key))

    @classmethod
    def loaded(cls, properties: Mapping[str, Any]) -> Self:
        """The node of what `load_node` read for it."""
        return from_properties(cls, properties)


N = TypeVar("N", bound=Node)


def native(value: Any) -> Any:
    """A Neo4j property value as the Python value strawberry serialises."""
    if isinstance(value, Date | DateTime):
        return value.to_native()
    if isinstance(value, list):
        return [native(item) for item in value]
    return value


E = TypeVar("E", bound=Enum)


def enum_of(cls: type[E], value: Any) -> Any:
    """A stored value (or list of them) as the member of the GraphQL enum `cls`; a value the
    enum lacks is a fault of the server's data (ValueError, answered INTERNAL)."""
    if value is None:
        return None
    if isinstance(value, list):
        return [cls(item) for item in value]
    return cls(value)


PropertyFields = tuple[tuple[str, type[Enum] | None], ...]
PROPERTY_FIELDS: dict[type, PropertyFields] = {}


def property_fields(cls: type) -> PropertyFields:
    """The fields of `cls` read from a node's properties (all it takes but `key`), each with the
    enum it is typed with (or a list or an optional of one), if any."""
    if cls in PROPERTY_FIELDS:
        return PROPERTY_FIELDS[cls]
    enums: dict[str, type[Enum]] = {}
    for name, hint in get_type_hints(cls).items():
        for part in (hint, *get_args(hint), *(a for arg in get_args(hint) for a in get_args(arg))):
            if isinstance(part, type) and issubclass(part, Enum):
                enums[name] = part
    found = tuple(
        (field.name, enums.get(field.name))
        for field in dataclasses.fields(cls)
        if field.init and field.name != "key"
    )
    PROPERTY_FIELDS[cls] = found
    return found


def from_properties(cls: type[N], properties: Mapping[str, Any]) -> N:
    values = {
        name: native(properties.get(name)) if enum is None else enum_of(enum, properties.get(name))
        for name, enum in property_fields(cls)
    }
    return cls(key=str(properties[KEY_OF[cls.LABEL]]), **values)


async def related_page(
    info: Info[Context, None], relation: str, key: str, first: int | None, after: str | None
) -> Page:
    """The page `first`/`after` ask for of the neighbours of the node `key` along `relation`
    (rows `{kind, node, rel}`); `first` is capped like the root lists'."""
    rows = window(first, after, info.context.settings.max_page_size)
    found, total = await load_related(info.context.loaders, relation, key, rows)
    return Page(rows=found, total=total, window=rows)


async def related(
    info: Info[Context, None],
    relation: str,
    key: str,
    cls: type[N],
    first: int | None,
    after: str | None,
) -> Connection[N]:
    """A page of the neighbours of the node `key` along `relation`, as `cls`."""
    page = await related_page(info, relation, key, first, after)
    return connection(page, lambda row: from_properties(cls, row["node"]))


async def related_one(info: Info[Context, None], relation: str, key: str, cls: type[N]) -> N | None:
    found, _ = await load_related(info.context.loaders, relation, key, Window(offset=0, limit=1))
    return from_properties(cls, found[0]["node"]) if found else None


async def by_key(info: Info[Context, None], cls: type[N], key: str | None) -> N | None:
    """The `cls` node with `key`, or None when `key` is None or names no node."""
    if key is None:
        return None
    properties = await load_node(info.context.loaders, cls.LABEL, key)
    return None if properties is None else cls.loaded(properties)
