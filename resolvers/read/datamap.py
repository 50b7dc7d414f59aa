"""The data map as a frontend draws it: nodes and edges with an id, a kind, a label and the
attributes worth showing."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from graph.database import Record
from graph.queries.nodes import KEY_OF
from resolvers.global_id import edge_id, encode

NODE_ATTRIBUTES: Mapping[str, tuple[str, ...]] = {
    "System": ("kind", "owner_team", "assumed"),
    "Organisation": ("country", "kind", "is_self"),
    "Country": ("eu", "eea"),
    "DataCategory": ("special_category", "criminal_data"),
    "DataSubject": ("assumed",),
    "Storage": ("controller_role", "retention_days", "on_erasure"),
}

EDGE_ATTRIBUTES: Mapping[str, tuple[str, ...]] = {
    "OPERATED_BY": ("role",),
    "ACCESSED_FROM": ("purpose",),
    "FLOWS_TO": ("categories", "purpose", "mode"),
    "ENGAGES": ("role", "service", "authorisation"),
}


@dataclass(frozen=True)
class MapNode:
    id: str
    kind: str
    key: str
    label: str
    attributes: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class MapEdge:
    id: str
    kind: str
    source: str
    target: str
    attributes: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class DataMap:
    nodes: list[MapNode]
    edges: list[MapEdge]
    total_nodes: int

    @property
    def truncated(self) -> bool:
        return self.total_nodes > len(self.nodes)


@cache
def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def pick(properties: Mapping[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    return {camel(name): properties[name] for name in names if properties.get(name) is not None}


def display_label(kind: str, properties: Mapping[str, Any]) -> str:
    return str(properties.get("name") or properties.get("legal_name") or properties[KEY_OF[kind]])


def map_node(kind: str, properties: Mapping[str, Any]) -> MapNode:
    key = str(properties[KEY_OF[kind]])
    return MapNode(
        id=encode(kind, key),
        kind=kind,
        key=key,
        label=display_label(kind, properties),
        attributes=pick(properties, NODE_ATTRIBUTES.get(kind, ())),
    )


def map_edge(row: Record) -> MapEdge:
    source = encode(row["source_kind"], row["source"])
    target = encode(row["target_kind"], row["target"])
    rel = row["rel"] or {}
    kind = row["type"]
    return MapEdge(
        id=edge_id(
            kind,
            rel.get("id"),
            (row["source_kind"], row["source"]),
            (row["target_kind"], row["target"]),
        ),
        kind=kind,
        source=source,
        target=target,
        attributes=pick(rel, EDGE_ATTRIBUTES.get(kind, ())),
    )


def shape_map(nodes: list[Record], edges: list[Record], total_nodes: int) -> DataMap:
    return DataMap(
        nodes=[map_node(row["kind"], row["node"]) for row in nodes],
        edges=sorted((map_edge(row) for row in edges), key=lambda edge: edge.id),
        total_nodes=total_nodes,
    )
