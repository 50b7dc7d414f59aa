"""The order of a deletion plan: strongly connected components of the flow graph (Tarjan,
iterative so a long chain cannot overflow the stack), then a topological order of the components.

>>> deletion_order(["a", "b", "c"], {"a": {"b"}, "b": {"a", "c"}})
[('a', 'b'), ('c',)]
"""

import heapq
from collections.abc import Iterable, Iterator, Mapping


def strongly_connected(
    nodes: Iterable[str], edges: Mapping[str, Iterable[str]]
) -> list[tuple[str, ...]]:
    """Each component as a sorted tuple; an edge to a node outside `nodes` is ignored."""
    members = set(nodes)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[tuple[str, ...]] = []

    def successors(node: str) -> Iterator[str]:
        return iter(sorted(child for child in edges.get(node, ()) if child in members))

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)

    for root in sorted(members):
        if root in index:
            continue
        visit(root)
        work = [(root, successors(root))]
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    visit(child)
                    work.append((child, successors(child)))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component: list[str] = []
                    while not component or component[-1] != node:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                    found.append(tuple(sorted(component)))
    return found


def deletion_order(
    nodes: Iterable[str], edges: Mapping[str, Iterable[str]]
) -> list[tuple[str, ...]]:
    """Components so that every edge goes from an earlier component to a later one (sources
    first); among components free to go next, the one with the smallest id goes first."""
    components = strongly_connected(nodes, edges)
    component_of = {node: i for i, component in enumerate(components) for node in component}
    successors: dict[int, set[int]] = {i: set() for i in range(len(components))}
    for source, targets in edges.items():
        if source not in component_of:
            continue
        for target in targets:
            if target in component_of and component_of[target] != component_of[source]:
                successors[component_of[source]].add(component_of[target])
    waiting = [0] * len(components)
    for followers in successors.values():
        for follower in followers:
            waiting[follower] += 1
    ready = [(components[i], i) for i, count in enumerate(waiting) if count == 0]
    heapq.heapify(ready)
    order: list[tuple[str, ...]] = []
    while ready:
        component, i = heapq.heappop(ready)
        order.append(component)
        for follower in successors[i]:
            waiting[follower] -= 1
            if waiting[follower] == 0:
                heapq.heappush(ready, (components[follower], follower))
    return order
