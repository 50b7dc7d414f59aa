"""The data map: the systems a filter selects, their neighbourhood (operators, countries,
storages, categories, subjects, flow recipients, and the organisations engaged in a chain with an
operator or recipient, either way), and the edges among them, capped at a node count, in a single
statement."""

from collections.abc import Mapping
from typing import LiteralString

from graph import riders
from graph.database import Database, Record, fetch_single
from graph.queries import filters
from graph.riders import Rider

EDGE_TYPES: tuple[str, ...] = (
    "OPERATED_BY",
    "HOSTED_IN",
    "ACCESSED_FROM",
    "BACKS_UP",
    "FLOWS_TO",
    "IN_SYSTEM",
    "OF_SUBJECT",
    "OF_CATEGORY",
    "ENGAGES",
)

CHAIN_HOPS: LiteralString = "20"
"""How far a sub-processor chain is followed from an operator or a flow's recipient, either way
(lineage's hop ceiling): the map holds every organisation lineage reaches from it."""

SOURCE_KEY: LiteralString = "coalesce(a.id, a.key, a.code)"
TARGET_KEY: LiteralString = "coalesce(b.id, b.key, b.code)"


def statement(active: list[str]) -> LiteralString:
    return (
        "MATCH (n:System) WHERE " + filters.where(filters.SYSTEM, active) + " "
        "WITH n ORDER BY toLower(n.name), n.id "
        "WITH collect(n) AS systems "
        "CALL (systems) { "
        "  CALL (systems) { "
        "    UNWIND systems AS s "
        "    MATCH (s)-[:OPERATED_BY|HOSTED_IN|ACCESSED_FROM|BACKS_UP|FLOWS_TO]-(m) "
        "    WHERE NOT m:System OR m IN systems "
        "    RETURN m "
        "    UNION "
        "    UNWIND systems AS s "
        "    MATCH (s)<-[:IN_SYSTEM]-(m:Storage) RETURN m "
        "    UNION "
        "    UNWIND systems AS s "
        "    MATCH (s)<-[:IN_SYSTEM]-(:Storage)-[:OF_SUBJECT|OF_CATEGORY]->(m) RETURN m "
        "    UNION "
        "    UNWIND systems AS s "
        "    MATCH (s)-[:OPERATED_BY|FLOWS_TO]->(:Organisation)-[:ENGAGES*1.." + CHAIN_HOPS + "]-"
        "(m:Organisation) RETURN DISTINCT m "
        "  } "
        "  WITH m ORDER BY labels(m)[0], coalesce(m.id, m.key, m.code) "
        "  RETURN collect(m) AS neighbours "
        "} "
        "WITH systems + [m IN neighbours WHERE NOT m IN systems] AS everything "
        "WITH everything, everything[0..$max_nodes] AS kept "
        "CALL (kept) { "
        "  UNWIND kept AS a "
        "  MATCH (a)-[r]->(b) WHERE type(r) IN $edge_types AND b IN kept AND "
        + filters.live("r")
        + " "
        "  RETURN collect({type: type(r), source_kind: labels(a)[0], source: " + SOURCE_KEY + ", "
        "    target_kind: labels(b)[0], target: " + TARGET_KEY + ", "
        "    rel: properties(r)}) AS edges "
        "} "
    )


RETURNS: LiteralString = (
    "RETURN size(everything) AS total, "
    "  [n IN kept | {kind: labels(n)[0], node: properties(n)}] AS nodes, edges, "
    + filters.UNKNOWN_REFERENCES
    + " AS unknown"
)


async def data_map(
    db: Database, values: Mapping[str, object], *, max_nodes: int, rider: Rider | None = None
) -> Record:
    """`{total, nodes, edges, unknown}` for the systems the filter `values` selects, as the
    driver decoded them (the maps need no conversion); the statement carries `rider`."""
    active = [name for name, value in values.items() if value is not None]
    params = {
        **filters.parameters(values),
        "max_nodes": max_nodes,
        "edge_types": list(EDGE_TYPES),
    }
    text = riders.carrying(rider, statement(active), RETURNS)
    row = await db.read_tx(lambda tx: fetch_single(tx, db, text, params))
    riders.handed(rider, row)
    return row
