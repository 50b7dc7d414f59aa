"""What `lineage` does: check the arguments, read the layers from the graph, build the lineage."""

from collections.abc import Iterator
from typing import Any

from graph import riders
from graph.database import Database
from graph.queries import lineage as queries
from resolvers import global_id
from resolvers.categories import known_categories
from resolvers.errors import NotFound
from resolvers.limits import LineageLimits, bounded
from resolvers.lineage.decisions import Direction, Hop, Lineage, Reached, build_lineage
from resolvers.references import decoded, refuse, resolve_key

STARTS = ("System", "Organisation")


def hop_bound(max_hops: int | None, settings: LineageLimits) -> int:
    """`maxHops`, the default when absent; over the maximum it is refused, as `first` is."""
    if max_hops is None:
        return min(settings.lineage_default_hops, settings.lineage_max_hops)
    return bounded(max_hops, settings.lineage_max_hops, field="maxHops")


def _hop(edge: Any, direction: Direction) -> Hop:
    walked = (edge["from_kind"], edge["from"]), (edge["to_kind"], edge["to"])
    source, target = walked if direction is Direction.DOWNSTREAM else walked[::-1]
    return Hop(
        from_id=edge["from"],
        to_id=edge["to"],
        relationship=edge["relationship"],
        edge_id=global_id.edge_id(
            edge["relationship"],
            edge["edge_id"],
            source,
            target,
        ),
        categories=None if edge["categories"] is None else tuple(edge["categories"]),
        subjects=None if edge["subjects"] is None else tuple(edge["subjects"]),
    )


def reached_of(direction: Direction, layers: list[Any]) -> Iterator[Reached]:
    """The nodes of the graph query's layers (layer `k` holds the nodes first reached on hop
    `k + 1` and the edges into them) with the edges that enter each."""
    for degree, layer in enumerate(layers, start=1):
        entries: dict[str, list[Hop]] = {}
        for edge in layer["edges"]:
            entries.setdefault(edge["to"], []).append(_hop(edge, direction))
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
    subject: str | None = None,
) -> Lineage:
    hops = hop_bound(max_hops, settings)
    requested = await known_categories(db, categories)
    kind, key = decoded(start, STARTS, field="from")
    if subject is not None:
        subject = await resolve_key(db, subject, "DataSubject", field="subject")
    row = await queries.expand(
        db,
        start=key,
        kind=kind,
        hops=hops,
        downstream=direction is not Direction.UPSTREAM,
        upstream=direction is not Direction.DOWNSTREAM,
        categories=requested,
        subject=subject,
        limit=settings.lineage_max_nodes + 1,
        rider=riders.board(),
    )
    if row is None:
        await refuse(db, STARTS, key, field="from", error=NotFound)
    nodes, caps = build_lineage(
        key,
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
