"""Lineage as one bounded breadth-first expansion on the server.

Cypher 5 accepts neither a parameter as the bound of a quantified path pattern nor as the count of
`SHORTEST`, and a bound larger than needed makes the search walk the whole reachable graph. So each
hop bound gets its own statement, built once from fixed text and the integer (never from request
text), and cached.

`SHORTEST 1` from the start yields every reached node once, on a shortest path, in breadth-first
order, so `LIMIT` stops the search as soon as the node cap is passed. For each reached node the
statement also returns its incoming edges from the start or another reached node (its outgoing ones
upstream): the resolver keeps those from the previous layer to list several shortest paths and the
categories that reach the node, without another round trip.
"""

from functools import cache
from typing import Any, LiteralString

from app.settings import LINEAGE_HOPS_CEILING
from graph.database import Database, Record

# Whether an edge is followed. FLOWS_TO carries categories (prefix rule); ENGAGES carries them
# optionally; a system never reaches the map owner's own organisation (MODEL.md).
FOLLOW: LiteralString = (
    "NOT (type(r) <> 'ENGAGES' AND coalesce(endNode(r).is_self, false)) "
    "AND (type(r) = 'OPERATED_BY' OR $categories IS NULL "
    "OR (type(r) = 'ENGAGES' AND r.categories IS NULL) "
    "OR any(c IN r.categories WHERE any(q IN $categories "
    "WHERE c = q OR c STARTS WITH q + '.' OR q STARTS WITH c + '.')))"
)
EDGE: LiteralString = "[r:FLOWS_TO|OPERATED_BY|ENGAGES WHERE " + FOLLOW + "]"
HOP_OUT: LiteralString = "((a)-" + EDGE + "->(b))"
HOP_IN: LiteralString = "((b)<-" + EDGE + "-(a))"
EDGE_INFO: LiteralString = (
    "{from: m.id, to: n.id, relationship: type(r), edge_id: r.id, categories: r.categories}"
)


def _direction(
    name: LiteralString, flag: LiteralString, hop: LiteralString, bound: str, parent: LiteralString
) -> str:
    return (
        "WITH s WHERE $" + flag + " "
        "MATCH p = SHORTEST 1 (s) " + hop + bound + " (n) WHERE n <> s "
        "WITH s, n, length(p) AS degree LIMIT $limit "
        "WITH s, collect({node: n, degree: degree}) AS reached "
        "WITH s, reached, [x IN reached | x.node] AS nodes "
        "UNWIND reached AS x "
        "WITH s, nodes, x.node AS n, x.degree AS degree "
        "CALL (s, nodes, n, degree) { "
        "MATCH " + parent + " WHERE degree <= $hops AND (m = s OR m IN nodes) "
        "RETURN collect(" + EDGE_INFO + ") AS parents } "
        "RETURN '" + name + "' AS direction, n, degree, parents"
    )


@cache
def expansion(hops: int) -> LiteralString:
    """The statement for `hops` hops; it searches one hop further to tell whether the bound cut."""
    if not 1 <= hops <= LINEAGE_HOPS_CEILING:
        raise ValueError(f"hops must be within 1..{LINEAGE_HOPS_CEILING}")
    bound = "{1," + str(hops + 1) + "}"
    downstream = _direction("DOWNSTREAM", "downstream", HOP_OUT, bound, "(m)-" + EDGE + "->(n)")
    upstream = _direction("UPSTREAM", "upstream", HOP_IN, bound, "(n)-" + EDGE + "->(m)")
    return (
        "MATCH (s) WHERE s.id = $from AND (s:System OR s:Organisation) "
        "OPTIONAL CALL (s) { " + downstream + " UNION ALL " + upstream + " } "
        "WITH s, collect(CASE WHEN n IS NOT NULL THEN {direction: direction, id: n.id, "
        "kind: head(labels(n)), name: coalesce(n.name, n.legal_name), degree: degree, "
        "parents: parents} END) AS reached "
        "RETURN s.id AS id, head(labels(s)) AS kind, coalesce(s.name, s.legal_name) AS name, "
        "reached"
    )


async def expand(
    db: Database,
    *,
    start: str,
    hops: int,
    downstream: bool,
    upstream: bool,
    categories: list[str] | None,
    limit: int,
) -> Record | None:
    """The start node and every node reached from it, or None when no such start exists."""
    params: dict[str, Any] = {
        "from": start,
        "hops": hops,
        "downstream": downstream,
        "upstream": upstream,
        "categories": categories,
        "limit": limit,
    }
    rows = await db.read(expansion(hops), params)
    return rows[0] if rows else None
