"""A digest of the whole graph: every node's labels and properties and every relationship's type,
ends and properties, sorted and hashed, to show that a request changed nothing."""

import hashlib

from graph.database import Database


async def graph_digest(db: Database, *, audit: bool = True) -> str:
    """With `audit` false, without the AuditEvent nodes every mutation adds."""
    nodes = await db.read(
        "MATCH (n) WHERE $audit OR NOT n:AuditEvent "
        "RETURN labels(n) AS labels, properties(n) AS props, elementId(n) AS id",
        {"audit": audit},
    )
    edges = await db.read(
        "MATCH (a)-[r]->(b) RETURN type(r) AS type, properties(r) AS props, "
        "elementId(a) AS a, elementId(b) AS b"
    )
    lines = sorted(
        repr((sorted(row["labels"]), sorted(row["props"].items()), row["id"])) for row in nodes
    )
    lines += sorted(
        repr((row["type"], sorted(row["props"].items()), row["a"], row["b"])) for row in edges
    )
    return hashlib.sha256("\n".join(lines).encode()).hexdigest() + f":{len(nodes)}:{len(edges)}"
