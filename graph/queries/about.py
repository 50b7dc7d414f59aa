from graph.database import Database, Record


async def server_version(db: Database) -> Record:
    rows = await db.read(
        "CALL dbms.components() YIELD name, versions, edition "
        "RETURN versions[0] AS version, edition LIMIT 1"
    )
    return rows[0]


async def node_counts(db: Database) -> list[Record]:
    return await db.read(
        "CALL db.labels() YIELD label "
        "CALL (label) { MATCH (n) WHERE label IN labels(n) RETURN count(n) AS count } "
        "RETURN label, count ORDER BY label"
    )
