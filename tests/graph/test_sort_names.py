"""Lists sorted by name read their order from the sort name's index: registered nodes carry it,
a rename keeps it, and nodes written without one (another writer's Cypher) are still listed, in
order, once the page finds them missing."""

import uuid

from fastapi import FastAPI

from graph.database import Database
from tests.conftest import GraphQL

PAGE = """query($search: String!) {
  systems(filter: {search: $search}) { totalCount nodes { key name } } }"""


async def listed(graphql: GraphQL, search: str) -> list[str]:
    body = await graphql(PAGE, {"search": search})
    assert "errors" not in body, body
    systems = body["data"]["systems"]
    assert systems["totalCount"] == len(systems["nodes"])
    return [system["name"] for system in systems["nodes"]]


async def test_nodes_written_without_a_sort_name_are_listed_in_order(
    db: Database, app: FastAPI, graphql: GraphQL
) -> None:
    tag = f"t-sort-{uuid.uuid4().hex[:6]}"
    names = [f"{tag} beta", f"{tag.upper()} ALPHA", f"{tag} Gamma", f"{tag} alpha 2"]
    await db.write(
        "UNWIND range(0, size($names) - 1) AS i "
        "CREATE (:System {id: $tag + '-' + i, name: $names[i]})",
        {"names": names, "tag": tag},
    )
    assert await listed(graphql, tag) == [names[1], names[3], names[0], names[2]]
    missing = await db.read(
        "MATCH (n:System) WHERE n.name IN $names AND n.sort_name IS NULL RETURN n.id",
        {"names": names},
    )
    assert missing == [], "the page set the sort names it found missing"
    await db.write(
        "MATCH (n:System {name: $name}) SET n.name = $renamed",
        {"name": names[0], "renamed": f"{tag} aardvark"},
    )
    await db.write(
        "MATCH (n:System {name: $name}) SET n.sort_name = null", {"name": f"{tag} aardvark"}
    )
    assert (await listed(graphql, tag))[0] == f"{tag} aardvark"
