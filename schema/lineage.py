from typing import Annotated

import strawberry
from strawberry.types import Info

from resolvers.lineage import decisions, service
from resolvers.references import ID_DESCRIPTION
from schema.context import Context
from schema.vocabulary import EdgeKind, NodeKind

LineageDirection = strawberry.enum(
    decisions.Direction,
    name="LineageDirection",
    description="Which way lineage walks: where data goes, where it comes from, or both.",
)
LineageCap = strawberry.enum(
    decisions.Cap,
    name="LineageCap",
    description="A server limit that cut a lineage result: hops, node count or paths per node.",
)


@strawberry.type(
    description="One edge of a path, `fromId` to `toId` in the direction the data goes (for an "
    "UPSTREAM node, against the walk)."
)
class LineageHop:
    from_id: strawberry.ID = strawberry.field(description="The node the data leaves.")
    to_id: strawberry.ID = strawberry.field(description="The node the data enters.")
    relationship: EdgeKind = strawberry.field(
        description="The edge type: `FLOWS_TO`, `OPERATED_BY` or `ENGAGES`."
    )
    edge_id: strawberry.ID = strawberry.field(
        description="The edge's id, as in `dataMap` edges and transfer hops: the flow's or "
        "engagement's global id (`node(id)` resolves it), or for OPERATED_BY "
        "`OPERATED_BY:<system id>-><organisation id>`."
    )
    categories: list[str] | None = strawberry.field(
        description="The categories the flow or engagement carries; null when it names none."
    )
    subjects: list[str] | None = strawberry.field(
        description="The data-subject kinds the flow or engagement names; null when it names "
        "none, so that it is followed for any subject from its categories alone."
    )


@strawberry.type(description="A shortest path from the start node to a reached node.")
class LineagePath:
    node_ids: list[strawberry.ID] = strawberry.field(
        description="The node ids from the start to the reached node."
    )
    hops: list[LineageHop] = strawberry.field(description="The edge walked on each hop.")


@strawberry.type(description="A system or organisation that lineage reached.")
class LineageNode:
    id: strawberry.ID = strawberry.field(description="The system or organisation id.")
    kind: NodeKind = strawberry.field(description="`System` or `Organisation`.")
    name: str | None = strawberry.field(description="The system name or the legal name.")
    degree: int = strawberry.field(description="Hops from the start on a shortest path.")
    direction: LineageDirection = strawberry.field(  # type: ignore[valid-type]
        description="DOWNSTREAM or UPSTREAM: the way it was reached at that degree."
    )
    categories: list[str] = strawberry.field(
        description="The categories that reach it along its shortest paths (narrowed to those "
        "asked for); empty when no flow lies on them."
    )
    paths: list[LineagePath] = strawberry.field(
        description="Shortest paths that reach it, at most the configured number per node."
    )
    paths_truncated: bool = strawberry.field(
        description="Whether more shortest paths reach it than are listed."
    )


@strawberry.type(description="Where data goes from, or comes to, a system or organisation.")
class Lineage:
    start_id: strawberry.ID = strawberry.field(description="The start node id.")
    start_kind: NodeKind = strawberry.field(description="`System` or `Organisation`.")
    start_name: str | None = strawberry.field(description="The start node's name.")
    direction: LineageDirection = strawberry.field(  # type: ignore[valid-type]
        description="The direction asked for."
    )
    max_hops: int = strawberry.field(description="The hop bound applied.")
    nodes: list[LineageNode] = strawberry.field(
        description="Every node reached, once each, nearest first."
    )
    truncated_by: list[LineageCap] = strawberry.field(  # type: ignore[valid-type]
        description="The caps that cut the result; empty when it is complete."
    )

    @strawberry.field(description="Whether a hop, node or path cap cut the result.")
    def truncated(self) -> bool:
        return bool(self.truncated_by)


def _hop(hop: decisions.Hop, direction: decisions.Direction) -> LineageHop:
    upstream = direction is decisions.Direction.UPSTREAM
    return LineageHop(
        from_id=strawberry.ID(hop.to_id if upstream else hop.from_id),
        to_id=strawberry.ID(hop.from_id if upstream else hop.to_id),
        relationship=EdgeKind(hop.relationship),
        edge_id=strawberry.ID(hop.edge_id),
        categories=None if hop.categories is None else list(hop.categories),
        subjects=None if hop.subjects is None else list(hop.subjects),
    )


def _node(node: decisions.LineageNode, start: str) -> LineageNode:
    return LineageNode(
        id=strawberry.ID(node.id),
        kind=NodeKind(node.kind),
        name=node.name,
        degree=node.degree,
        direction=node.direction,
        categories=node.categories,
        paths=[
            LineagePath(
                node_ids=[strawberry.ID(node_id) for node_id in path.node_ids(start)],
                hops=[_hop(hop, node.direction) for hop in path.hops],
            )
            for path in node.paths
        ],
        paths_truncated=node.paths_truncated,
    )


@strawberry.type
class LineageQuery:
    @strawberry.field(
        description="Follow flows, operators and sub-processor engagements from a system or "
        "organisation, breadth-first and bounded; with `categories`, only flows carrying one of "
        "them, a descendant or an ancestor; with `subject`, only flows and engagements that "
        "name that subject or name none."
    )
    async def lineage(
        self,
        info: Info[Context, None],
        from_: Annotated[
            strawberry.ID,
            strawberry.argument(
                name="from",
                description="The start system or organisation. " + ID_DESCRIPTION,
            ),
        ],
        direction: Annotated[
            LineageDirection,  # type: ignore[valid-type]
            strawberry.argument(description="Which way to walk."),
        ] = decisions.Direction.DOWNSTREAM,
        categories: Annotated[
            list[str] | None,
            strawberry.argument(
                description="Follow only flows relevant to one of these category keys; an "
                "unknown key is BAD_USER_INPUT."
            ),
        ] = None,
        max_hops: Annotated[
            int | None,
            strawberry.argument(
                description="Hops to follow; the server's default when absent, and over its "
                "maximum a BAD_USER_INPUT (as `first` over the page size)."
            ),
        ] = None,
        subject: Annotated[
            strawberry.ID | None,
            strawberry.argument(
                description="Follow only flows and engagements that name this data subject or "
                "name none (whose data a breach or request reaches). " + ID_DESCRIPTION + " One "
                "that names no data subject is NOT_FOUND with the nearest keys."
            ),
        ] = None,
    ) -> Lineage:
        result = await service.lineage(
            info.context.db,
            info.context.settings,
            start=str(from_),
            direction=direction,
            categories=categories,
            max_hops=max_hops,
            subject=subject,
        )
        return Lineage(
            start_id=strawberry.ID(result.start_id),
            start_kind=NodeKind(result.start_kind),
            start_name=result.start_name,
            direction=result.direction,
            max_hops=result.max_hops,
            nodes=[_node(node, result.start_id) for node in result.nodes],
            truncated_by=result.truncated_by,
        )
