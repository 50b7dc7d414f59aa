"""Lineage as one bounded breadth-first expansion on the server.

The statement unrolls the search into one `CALL` subquery per hop: each expands only the frontier
(the nodes first reached on the hop before), keeps the edges into nodes not seen yet, and moves the
frontier on. So every node is reached once per direction, at its shortest degree, and the edges
kept into it are exactly those from the previous layer (the shortest-path DAG). A `SHORTEST 1`
quantified path did the same search several times slower (its automaton also tracks paths this
needs no record of). Cypher 5 takes no parameter as a hop bound, so each bound gets its own
statement, built once from fixed text and the integer (never from request text), and cached.
"""

from functools import cache
from typing import Any, LiteralString

from graph import riders
from graph.database import Database, Record, fetch_optional
from graph.queries import filters
from graph.riders import Rider

LINEAGE_HOPS_CEILING = 20
"""The most hops any lineage setting may allow: each hop bound is a separate Cypher statement."""

# Whether an edge is followed. FLOWS_TO carries categories (prefix rule); ENGAGES carries them
# optionally; retired edges and nodes are not followed (`b` is the node a hop reaches, either way);
# with a subject, flows and engagements that name other subjects are not followed; a
# system never reaches the map owner's own organisation (MODEL.md).
FOLLOW: LiteralString = (
    filters.live("r")
    + " AND "
    + filters.live("b")
    + " AND NOT (type(r) <> 'ENGAGES' AND coalesce(endNode(r).is_self, false)) "
    "AND (type(r) = 'OPERATED_BY' OR " + filters.for_subject("r", "$subject") + ") "
    "AND (type(r) = 'OPERATED_BY' OR $categories IS NULL "
    "OR (type(r) = 'ENGAGES' AND r.categories IS NULL) "
    "OR any(c IN r.categories WHERE any(q IN $categories WHERE "
    + filters.relevant("c", "q")
    + ")))"
)
EDGE: LiteralString = "[r:FLOWS_TO|OPERATED_BY|ENGAGES]"
EDGE_INFO: LiteralString = (
    "{from: a.id, to: b.id, relationship: type(r), edge_id: r.id, categories: r.categories, "
    "subjects: r.subjects, from_kind: head(labels(a)), to_kind: head(labels(b))}"
)
NODE_INFO: LiteralString = "{.id, kind: head(labels(x)), name: coalesce(x.name, x.legal_name)}"


def _layers(
    name: LiteralString, flag: LiteralString, hop: LiteralString, hops: int, keep: LiteralString
) -> str:
    """`hops` expansions from `s`, collected in the list `name`: per hop, the nodes first reached
    on it and the edges into them. At most `$limit` nodes in all; the rest are cut. `keep` names
    the variables carried through."""
    text = "WITH s, " + keep + "[s] AS seen, "
    text += "CASE WHEN $" + flag + " THEN [s] ELSE [] END AS frontier, [] AS " + name + " "
    for _ in range(hops):
        text += (
            "CALL (seen, frontier) { UNWIND frontier AS a MATCH " + hop + " "
            "WHERE NOT b IN seen AND " + FOLLOW + " "
            "RETURN collect(DISTINCT b) AS next, collect(" + EDGE_INFO + ") AS edges } "
            "WITH s, " + keep + "seen, edges, " + name + ", "
            "next[..($limit + 1 - size(seen))] AS next "
            "WITH s, " + keep + "seen + next AS seen, next AS frontier, " + name + " + "
            "[{nodes: [x IN next | x " + NODE_INFO + "], edges: edges}] AS " + name + " "
        )
    return text


RETURNS: LiteralString = (
    "RETURN s.id AS id, head(labels(s)) AS kind, coalesce(s.name, s.legal_name) AS name, "
    "downstream_layers, upstream_layers"
)


@cache
def expansion(hops: int) -> LiteralString:
    """The statement for `hops` hops up to its `RETURNS`; it searches one hop further to tell
    whether the bound cut."""
    if not 1 <= hops <= LINEAGE_HOPS_CEILING:
        raise ValueError(f"hops must be within 1..{LINEAGE_HOPS_CEILING}")
    out: LiteralString = "(a)-" + EDGE + "->(b)"
    downstream = _layers("downstream_layers", "downstream", out, hops + 1, "")
    upstream = _layers(
        "upstream_layers", "upstream", "(a)<-" + EDGE + "-(b)", hops + 1, "downstream_layers, "
    )
    return (
        "MATCH (s) WHERE s.id = $from AND (s:System OR s:Organisation) "
        "AND ($kind IS NULL OR $kind IN labels(s)) "
        "WITH s ORDER BY CASE WHEN s:System THEN 0 ELSE 1 END LIMIT 1 " + downstream + upstream
    )


async def expand(
    db: Database,
    *,
    start: str,
    kind: str | None,
    hops: int,
    downstream: bool,
    upstream: bool,
    categories: list[str] | None,
    subject: str | None,
    limit: int,
    rider: Rider | None = None,
) -> Record | None:
    """The start node and, per direction, the layers reached from it (each a list of `nodes`
    and the `edges` into them), or None when no such start exists. `kind` (System or
    Organisation) is the start's label when a global id named it; a key a system and an
    organisation share starts at the system. The statement carries `rider` (`graph.riders`)."""
    params: dict[str, Any] = {
        "from": start,
        "kind": kind,
        "downstream": downstream,
        "upstream": upstream,
        "categories": categories,
        "subject": subject,
        "limit": limit,
    }
    statement = riders.carrying(rider, expansion(hops), RETURNS)
    row = await db.read_tx(lambda tx: fetch_optional(tx, db, statement, params))
    riders.handed(rider, row)
    return row
