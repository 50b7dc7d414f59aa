"""Lineage: which systems and organisations data reaches from a start node, in how many hops, on
which paths and with which categories.

The graph query returns each reached node once per direction, at its shortest degree, with the
edges that enter it from the start or another reached node. `build_lineage` keeps the edges from
the previous layer (the shortest-path DAG) and derives, per node, up to `max_paths` shortest paths
and the categories that travel along them.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import Enum

from resolvers.categories import carried


class Direction(Enum):
    DOWNSTREAM = "DOWNSTREAM"
    UPSTREAM = "UPSTREAM"
    BOTH = "BOTH"


class Cap(Enum):
    HOPS = "HOPS"
    NODES = "NODES"
    PATHS = "PATHS"


@dataclass(frozen=True)
class Hop:
    """One edge walked from `from_id` to `to_id` (against the edge's arrow when upstream)."""

    from_id: str
    to_id: str
    relationship: str
    edge_id: str
    categories: tuple[str, ...] | None


@dataclass(frozen=True)
class Reached:
    """A node as the graph query returns it."""

    id: str
    kind: str
    name: str | None
    degree: int
    direction: Direction
    entries: tuple[Hop, ...]


@dataclass(frozen=True)
class LineagePath:
    hops: tuple[Hop, ...]

    def node_ids(self, start: str) -> list[str]:
        return [start, *(hop.to_id for hop in self.hops)]


@dataclass
class LineageNode:
    id: str
    kind: str
    name: str | None
    degree: int
    direction: Direction
    categories: list[str]
    paths: list[LineagePath]
    paths_truncated: bool


@dataclass
class Lineage:
    start_id: str
    start_kind: str
    start_name: str | None
    direction: Direction
    max_hops: int
    nodes: list[LineageNode]
    truncated_by: list[Cap] = field(default_factory=list)


@dataclass
class _Walk:
    """The shortest-path DAG of one direction, and what it yields per node."""

    degrees: dict[str, int]
    paths: dict[str, list[LineagePath]]
    paths_truncated: dict[str, bool]
    categories: dict[str, frozenset[str] | None]


def _walk(
    start: str,
    reached: Sequence[Reached],
    requested: frozenset[str] | None,
    max_paths: int,
) -> _Walk:
    walk = _Walk(
        degrees={start: 0, **{node.id: node.degree for node in reached}},
        paths={start: [LineagePath(())]},
        paths_truncated={start: False},
        categories={start: requested},
    )
    for node in sorted(reached, key=lambda node: (node.degree, node.id)):
        entries = sorted(
            (hop for hop in node.entries if walk.degrees.get(hop.from_id) == node.degree - 1),
            key=lambda hop: (hop.from_id, hop.edge_id),
        )
        paths: list[LineagePath] = []
        truncated = False
        reaching: set[str] = set()
        anything = False
        for hop in entries:
            truncated = truncated or walk.paths_truncated[hop.from_id]
            paths.extend(LineagePath((*path.hops, hop)) for path in walk.paths[hop.from_id])
            through = carried(
                walk.categories[hop.from_id],
                None
                if hop.relationship == "OPERATED_BY" or hop.categories is None
                else list(hop.categories),
            )
            if through is None:
                anything = True
            else:
                reaching |= through
        walk.paths[node.id] = paths[:max_paths]
        walk.paths_truncated[node.id] = truncated or len(paths) > max_paths
        walk.categories[node.id] = None if anything else frozenset(reaching)
    return walk


def build_lineage(
    start: str,
    reached: Iterable[Reached],
    *,
    hops: int,
    max_nodes: int,
    max_paths: int,
    categories: list[str] | None,
) -> tuple[list[LineageNode], list[Cap]]:
    """The nodes within `hops`, nearest first and at most `max_nodes`, each once at its shortest
    degree (downstream wins a tie), and the caps that cut the result."""
    caps: set[Cap] = set()
    within: dict[Direction, list[Reached]] = {}
    for node in reached:
        if node.degree > hops:
            caps.add(Cap.HOPS)
        else:
            within.setdefault(node.direction, []).append(node)
    requested = frozenset(categories) if categories else None
    walks = {
        direction: _walk(start, nodes, requested, max_paths) for direction, nodes in within.items()
    }
    best: dict[str, Reached] = {}
    for direction in (Direction.DOWNSTREAM, Direction.UPSTREAM):
        for node in within.get(direction, []):
            if node.id not in best or node.degree < best[node.id].degree:
                best[node.id] = node
    ordered = sorted(best.values(), key=lambda node: (node.degree, node.direction.value, node.id))
    if len(ordered) > max_nodes:
        caps.add(Cap.NODES)
        ordered = ordered[:max_nodes]
    nodes = []
    for node in ordered:
        walk = walks[node.direction]
        reaching = walk.categories[node.id]
        nodes.append(
            LineageNode(
                id=node.id,
                kind=node.kind,
                name=node.name,
                degree=node.degree,
                direction=node.direction,
                categories=sorted(reaching or ()),
                paths=walk.paths[node.id],
                paths_truncated=walk.paths_truncated[node.id],
            )
        )
    if any(node.paths_truncated for node in nodes):
        caps.add(Cap.PATHS)
    return nodes, sorted(caps, key=lambda cap: cap.value)
