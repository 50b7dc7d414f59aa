"""The data map in parts, for a client that cannot draw it whole: the systems a filter selects
counted per group (owner team, operating organisation or hosting country) with the flows between
the groups, one group's systems with what they touch, and one node's neighbourhood.

A system belongs to exactly one group: its `owner_team`, the operating organisation with the
lowest id, or the hosting country with the lowest code; `''` when it has none. The node and edge
rows have the shape of `graph.queries.datamap`, and each system row carries its group; a retired
flow, engagement or backup is on none of them, as on `dataMap`."""

from collections.abc import Mapping
from typing import LiteralString

from neo4j import AsyncManagedTransaction

from graph.database import Database, Record, fetch_optional, fetch_single
from graph.queries import filters

GROUP_KEY: dict[str, LiteralString] = {
    "OWNER_TEAM": "coalesce(n.owner_team, '')",
    "ORGANISATION": (
        "coalesce(head(COLLECT { MATCH (n)-[:OPERATED_BY]->(o:Organisation) "
        "RETURN o.id ORDER BY o.id }), '')"
    ),
    "COUNTRY": (
        "coalesce(head(COLLECT { MATCH (n)-[:HOSTED_IN]->(c:Country) "
        "RETURN c.code ORDER BY c.code }), '')"
    ),
}
"""The group of the system `n`, per grouping."""

GROUP_LABEL: dict[str, LiteralString] = {
    "OWNER_TEAM": "g",
    "ORGANISATION": (
        "coalesce(head(COLLECT { MATCH (o:Organisation {id: g}) RETURN o.legal_name }), g)"
    ),
    "COUNTRY": "coalesce(head(COLLECT { MATCH (c:Country {code: g}) RETURN c.name }), g)",
}
"""The name of the group `g`, per grouping."""

NEIGHBOURHOOD_KIND: dict[str, LiteralString] = {
    "System": "System {id: $key}",
    "Organisation": "Organisation {id: $key}",
    "Country": "Country {code: $key}",
}
"""The node a neighbourhood is around, by kind, matched on its key."""

NEIGHBOUR_EDGES: LiteralString = "OPERATED_BY|HOSTED_IN|ACCESSED_FROM|BACKS_UP|FLOWS_TO|ENGAGES"

NODE_ROW: LiteralString = "{kind: labels(m)[0], node: properties(m), group: group}"
EDGE_ROW: LiteralString = (
    "{type: type(r), source_kind: labels(a)[0], source: coalesce(a.id, a.key, a.code), "
    "target_kind: labels(b)[0], target: coalesce(b.id, b.key, b.code), rel: properties(r)}"
)


def overview_statement(group_by: str, active: list[str]) -> LiteralString:
    selected = filters.where(filters.SYSTEM, active)
    key = GROUP_KEY[group_by]
    return (
        "CALL () { "
        "  MATCH (n:System) WHERE " + selected + " "
        "  WITH " + key + " AS g, count(*) AS systems "
        "  WITH g, systems, " + GROUP_LABEL[group_by] + " AS label ORDER BY g "
        "  RETURN collect({key: g, label: label, systems: systems}) AS groups "
        "} "
        "CALL () { "
        "  MATCH (n:System) WHERE " + selected + " "
        "  WITH n AS a, " + key + " AS source "
        "  MATCH (a)-[f:FLOWS_TO]->(n:System) WHERE " + selected + " AND " + filters.live("f") + " "
        "  WITH source, " + key + " AS target, count(f) AS flows ORDER BY source, target "
        "  RETURN collect({source: source, target: target, flows: flows}) AS flows "
        "} "
        "RETURN groups, flows, " + filters.UNKNOWN_REFERENCES + " AS unknown"
    )


def members_statement(group_by: str, active: list[str]) -> LiteralString:
    """The group's selected systems by name (cut at `$max_nodes`), their number, and the
    filters naming nothing."""
    selected = filters.where(filters.SYSTEM, active)
    key = GROUP_KEY[group_by]
    return (
        "MATCH (n:System) WHERE " + selected + " AND " + key + " = $group "
        "WITH n ORDER BY n.name, n.id "
        "WITH collect(n) AS everyone "
        "RETURN size(everyone) AS total, "
        "  [m IN everyone[0..$max_nodes] | {kind: 'System', node: properties(m), group: $group}]"
        " AS nodes, " + filters.UNKNOWN_REFERENCES + " AS unknown"
    )


def around_statement(group_by: str, active: list[str]) -> LiteralString:
    """The edges of the systems `$members` (their operators, countries, and the selected systems
    and organisations their flows and backups reach, and the selected systems flowing or backed
    up into them) and, once each, the nodes at their other ends: one row, since a row per edge
    repeated the far node (a country hosting 150 members came 150 times, ~1,800 rows for a group
    of 150). The members are a parameter: the planner took tens of seconds over a nested subquery
    that found them itself."""
    selected = filters.where(filters.SYSTEM, active)
    key = GROUP_KEY[group_by]
    return (
        "CALL () { "
        "  UNWIND $members AS id "
        "  MATCH (a:System {id: id})"
        "-[r:OPERATED_BY|HOSTED_IN|ACCESSED_FROM|BACKS_UP|FLOWS_TO]->(n) "
        "  WHERE (NOT n:System OR (" + selected + ")) AND " + filters.live("r") + " "
        "  RETURN a, r, n AS b, n "
        "  UNION "
        "  UNWIND $members AS id "
        "  MATCH (n:System)-[r:FLOWS_TO|BACKS_UP]->(b:System {id: id}) "
        "  WHERE " + selected + " AND " + filters.live("r") + " "
        "  RETURN n AS a, r, b, n "
        "} "
        "WITH collect(" + EDGE_ROW + ") AS edges, collect(DISTINCT n) AS far "
        "RETURN edges, [n IN far | {kind: labels(n)[0], node: properties(n), "
        "group: CASE WHEN n:System THEN " + key + " END}] AS far"
    )


def neighbourhood_statement(group_by: str, kind: str) -> LiteralString:
    """The node of `kind` (System, Organisation or Country) with key `$key`, the systems,
    organisations and countries one edge away (cut at `$max_nodes`, nearest by name first), and
    those edges."""
    key = GROUP_KEY[group_by]
    return (
        "MATCH (x:" + NEIGHBOURHOOD_KIND[kind] + ") "
        "OPTIONAL MATCH (x)-[r:" + NEIGHBOUR_EDGES + "]-(m) "
        "WHERE (m:System OR m:Organisation OR m:Country) AND " + filters.live("r") + " "
        "WITH x, m, collect(r) AS rels ORDER BY coalesce(m.name, m.legal_name, m.code) "
        "WITH x, [row IN collect({m: m, rels: rels}) WHERE row.m IS NOT NULL] AS around "
        "WITH x, size(around) AS total, around[0..$max_nodes] AS kept "
        "CALL (x, kept) { "
        "  UNWIND [x] + [row IN kept | row.m] AS n "
        "  WITH n AS m, CASE WHEN n:System THEN " + key + " END AS group "
        "  RETURN collect(" + NODE_ROW + ") AS nodes "
        "} "
        "CALL (kept) { "
        "  UNWIND kept AS row "
        "  UNWIND row.rels AS r "
        "  WITH r, startNode(r) AS a, endNode(r) AS b "
        "  RETURN collect(" + EDGE_ROW + ") AS edges "
        "} "
        "RETURN total, size(kept) AS kept, nodes, edges"
    )


async def overview(db: Database, group_by: str, values: Mapping[str, object]) -> Record:
    """`{groups: [{key, label, systems}], flows: [{source, target, flows}], unknown}`."""
    active = [name for name, value in values.items() if value is not None]
    text = overview_statement(group_by, active)
    params = filters.parameters(values)
    return await db.read_tx(lambda tx: fetch_single(tx, db, text, params))


async def group(
    db: Database, group_by: str, group_key: str, values: Mapping[str, object], *, max_nodes: int
) -> Record:
    """`{total, kept, nodes, edges, unknown}` for one group (`total` 0 when no selected system is
    in it): its systems first, by name, then the other ends of their edges, by kind and name."""
    active = [name for name, value in values.items() if value is not None]
    params = {**filters.parameters(values), "group": group_key, "max_nodes": max_nodes}
    members_text = members_statement(group_by, active)
    around_text = around_statement(group_by, active)

    async def work(tx: AsyncManagedTransaction) -> Record:
        found = await fetch_single(tx, db, members_text, params)
        members = [row["node"]["id"] for row in found["nodes"]]
        around = await fetch_single(tx, db, around_text, {**params, "members": members})
        return {**found, "kept": len(members), **around}

    found = await db.read_tx(work)
    inside = {row["node"]["id"] for row in found["nodes"]}
    others = sorted(
        (far for far in found["far"] if not (far["kind"] == "System" and far_key(far) in inside)),
        key=node_order,
    )
    return {
        "total": found["total"],
        "kept": found["kept"],
        "nodes": [*found["nodes"], *others],
        "edges": list({edge_key(edge): edge for edge in found["edges"]}.values()),
        "unknown": found["unknown"],
    }


def far_key(row: Record) -> str:
    node = row["node"]
    return str(node.get("id") or node.get("key") or node.get("code"))


def node_order(row: Record) -> tuple[int, str, str]:
    """Systems, then organisations, then countries, each by name, then key."""
    node = row["node"]
    rank = {"System": 0, "Organisation": 1, "Country": 2}.get(row["kind"], 3)
    name = str(node.get("name") or node.get("legal_name") or node.get("code") or "")
    return rank, name, far_key(row)


def edge_key(edge: Record) -> tuple[object, ...]:
    """An edge twice in the rows (both its ends in the group) once."""
    rel = edge["rel"] or {}
    return (edge["type"], edge["source"], edge["target"], rel.get("id"))


async def neighbourhood(
    db: Database, group_by: str, kind: str, key: str, *, max_nodes: int
) -> Record | None:
    """`{total, kept, nodes, edges}` around the node; None when there is no such node."""
    text = neighbourhood_statement(group_by, kind)
    params = {"key": key, "max_nodes": max_nodes}
    return await db.read_tx(lambda tx: fetch_optional(tx, db, text, params))
