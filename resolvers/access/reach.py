"""Where the subject's data travels by flows: from each start system, breadth-first over the flows
that carry one of the start's categories (the prefix rule), each node once at its nearest start.

The graph query returns the flows around the starts once (`graph.queries.access`); the search per
start runs here, over plain data, because each start follows different flows."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from resolvers.categories import relevant


@dataclass(frozen=True)
class FlowEdge:
    """A flow walked from `source` to `target` (against its arrow when walking upstream)."""

    source: str
    target: str
    target_kind: str
    flow_id: str
    categories: tuple[str, ...]
    subjects: tuple[str, ...] | None = None


def nearest(
    starts: Sequence[dict[str, Any]], edges: Sequence[FlowEdge], hops: int
) -> list[dict[str, Any]]:
    """Each node reached within `hops` from a start (`{id, categories}`), once, at its nearest
    start (the first start id on a tie), with the flows of one shortest path from there (by a
    flow that names the subject before one inferred from its categories, which names none):
    `{start, degree, kind, id, flows: [[flow id, categories, subjects], ...]}`."""
    outgoing: dict[str, list[FlowEdge]] = {}
    for edge in sorted(edges, key=lambda edge: edge.subjects is None):
        outgoing.setdefault(edge.source, []).append(edge)
    keys = {key for edge in edges for key in edge.categories}
    carried: dict[tuple[str, ...], set[str]] = {}
    best: dict[str, tuple[int, str, str, dict[str, FlowEdge]]] = {}
    for start in sorted(starts, key=lambda start: start["id"]):
        wanted = tuple(start["categories"])
        if wanted not in carried:
            carried[wanted] = {key for key in keys if any(relevant(key, w) for w in wanted)}
        followed = carried[wanted]
        via: dict[str, FlowEdge] = {}
        seen = {start["id"]}
        frontier = [start["id"]]
        for degree in range(1, hops + 1):
            following = []
            for node in frontier:
                for edge in outgoing.get(node, ()):
                    if edge.target in seen or followed.isdisjoint(edge.categories):
                        continue
                    seen.add(edge.target)
                    via[edge.target] = edge
                    following.append(edge.target)
                    if edge.target not in best or degree < best[edge.target][0]:
                        best[edge.target] = (degree, start["id"], edge.target_kind, via)
            frontier = following
    reached = []
    for node, (degree, start_id, kind, path) in best.items():
        flows = []
        at = node
        while at != start_id:
            edge = path[at]
            subjects = None if edge.subjects is None else list(edge.subjects)
            flows.append([edge.flow_id, list(edge.categories), subjects])
            at = edge.source
        flows.reverse()
        reached.append(
            {"start": start_id, "degree": degree, "kind": kind, "id": node, "flows": flows}
        )
    return reached


def reach_rows(
    starts: list[dict[str, Any]], flows: list[list[Any]], hops: int
) -> list[dict[str, Any]]:
    """`nearest` over the graph query's flow rows (`[from, to, kind of to, id, categories,
    subjects]`)."""
    edges = [
        FlowEdge(
            source,
            target,
            kind,
            flow_id,
            tuple(categories),
            None if subjects is None else tuple(subjects),
        )
        for source, target, kind, flow_id, categories, subjects in flows
    ]
    return nearest(starts, edges, hops)
