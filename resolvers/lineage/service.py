"""What `lineage` does: clamp the hops, read the layers from the graph, build the lineage."""

from collections.abc import Iterator
from typing import Any

from graph.database import Database
from graph.queries import lineage as queries
from resolvers.categories import checked_categories
from resolvers.errors import BadUserInput, NotFound
from resolvers.limits import LineageLimits
from resolvers.lineage.decisions import Direction, Hop, Lineage, Reached, build_lineage


def clamp_hops(max_hops: int | None, settings: LineageLimits) -> int:
    if max_hops is None:
        return min(settings.lineage_default_hops, settings.lineage_max_hops)
    if max_hops < 1:
        raise BadUserInput("maxHops must be at least 1", field="maxHops")
    return min(max_hops, settings.lineage_max_hops)


def _hop(edge: Any) -> Hop:
    return Hop(
        from_id=edge["from"],
        to_id=edge["to"],
        relationship=edge["relationship"],
        edge_id=edge["edge_id"],
        categories=None if edge["categories"] is None else tuple(edge["categories"]),
    )


def reached_of(direction: Direction, layers: list[Any]) -> Iterator[Reached]:
    """The nodes of the graph query's layers (layer `k` holds the nodes first reached on hop
    `k + 1` and the edges into them) with the edges that enter each."""
    for degree, layer in enumerate(layers, start=1):
        entries: dict[str, list[Hop]] = {}
        for edge in layer["edges"]:
            entries.setdefault(edge["to"], []).append(_hop(edge))
        for node in layer["nodes"]:
            yield Reached(
                id=node["id"],
                kind=node["kind"],
                name=node["name"],
                degree=degree,
                direction=direction,
                entries=tuple(entries.get(node["id"], ())),
            )


async def lineage(
    db: Database,
    settings: LineageLimits,
    *,
    start: str,
    direction: Direction,
    categories: list[str] | None,
    max_hops: int | None,
) -> Lineage:
    hops = clamp_hops(max_hops, settings)
    requested = checked_categories(categories)
    row = await queries.expand(
        db,
        start=start,
        hops=hops,
        downstream=direction is not Direction.UPSTREAM,
        upstream=direction is not Direction.DOWNSTREAM,
        categories=requested,
        limit=settings.lineage_max_nodes + 1,
    )
    if row is None:
        raise NotFound(f"no system or organisation has the id {start!r}", field="from")
    nodes, caps = build_lineage(
        start,
        [
            *reached_of(Direction.DOWNSTREAM, row["downstream_layers"]),
            *reached_of(Direction.UPSTREAM, row["upstream_layers"]),
        ],
        hops=hops,
        max_nodes=settings.lineage_max_nodes,
        max_paths=settings.lineage_max_paths_per_node,
        categories=requested,
    )
    return Lineage(
        start_id=row["id"],
        start_kind=row["kind"],
        start_name=row["name"],
        direction=direction,
        max_hops=hops,
        nodes=nodes,
        truncated_by=caps,
    )
