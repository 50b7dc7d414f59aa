"""The data map as nodes and edges, ready to draw."""

from collections.abc import Mapping

import strawberry
from strawberry.scalars import JSON

from resolvers.read import datamap
from schema.vocabulary import EdgeKind, NodeKind


@strawberry.type(description="A node of the drawn map.")
class MapNode:
    id: strawberry.ID = strawberry.field(description="The node's global id (`node(id)`).")
    kind: NodeKind = strawberry.field(description="Its kind, such as `System` or `Country`.")
    key: str = strawberry.field(description="Its key in the graph model.")
    label: str = strawberry.field(description="What to write on it: its name, or its key.")
    attributes: JSON = strawberry.field(
        description="The attributes worth showing, by kind: a system's `kind` and `ownerTeam`, "
        "an organisation's `country` and `isSelf`, a country's `eea`, a category's "
        "`specialCategory`, a storage's `controllerRole`."
    )
    group: str | None = strawberry.field(
        default=None,
        description="In `mapGroup` and `mapNeighbourhood`, the key of the group a system is in "
        "(`MapGroup.key`); null for other nodes and in `dataMap`.",
    )


@strawberry.type(description="A relationship of the drawn map.")
class MapEdge:
    id: str = strawberry.field(description="The edge's id, stable for the same graph.")
    kind: EdgeKind = strawberry.field(
        description="Its relationship type, such as `FLOWS_TO`, `OPERATED_BY`, `HOSTED_IN`."
    )
    source: strawberry.ID = strawberry.field(description="The global id of its start node.")
    target: strawberry.ID = strawberry.field(description="The global id of its end node.")
    attributes: JSON = strawberry.field(
        description="Its attributes worth showing: a flow's `categories`, `purpose` and `mode`, "
        "an operator's or engagement's `role`."
    )


@strawberry.type(description="The systems a filter selects, their neighbourhood, and the edges.")
class DataMap:
    nodes: list[MapNode] = strawberry.field(
        description="The selected systems first (by name), then their operators, countries, "
        "storages, categories, subjects and flow targets."
    )
    edges: list[MapEdge] = strawberry.field(description="The relationships among `nodes`.")
    total_nodes: int = strawberry.field(description="How many nodes the map has before the cap.")
    truncated: bool = strawberry.field(description="Whether the node cap cut the map.")


def to_graphql(data: datamap.DataMap, groups: Mapping[str, str] | None = None) -> DataMap:
    return DataMap(
        nodes=[
            MapNode(
                id=strawberry.ID(node.id),
                kind=NodeKind(node.kind),
                key=node.key,
                label=node.label,
                attributes=JSON(node.attributes),
                group=(groups or {}).get(node.id),
            )
            for node in data.nodes
        ],
        edges=[
            MapEdge(
                id=edge.id,
                kind=EdgeKind(edge.kind),
                source=strawberry.ID(edge.source),
                target=strawberry.ID(edge.target),
                attributes=JSON(edge.attributes),
            )
            for edge in data.edges
        ],
        total_nodes=data.total_nodes,
        truncated=data.truncated,
    )
