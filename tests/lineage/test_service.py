"""Lineage through GraphQL over synthetic graphs; each test builds its own, under its own prefix."""

from typing import Any, LiteralString

import pytest
from fastapi import FastAPI

from app.settings import Settings
from graph.database import Database
from resolvers.global_id import encode
from tests.conftest import GraphQL, NewKey

pytestmark = pytest.mark.usefixtures("seeded")  # the taxonomy `categories` are checked against

LINEAGE = """
query ($from: ID!, $direction: LineageDirection! = DOWNSTREAM, $categories: [String!],
       $maxHops: Int) {
  lineage(from: $from, direction: $direction, categories: $categories, maxHops: $maxHops) {
    startId maxHops truncated truncatedBy
    nodes {
      id kind degree direction categories pathsTruncated
      paths { nodeIds hops { fromId toId relationship edgeId categories } }
    }
  }
}
"""


async def build(db: Database, prefix: str, statement: LiteralString, **params: Any) -> None:
    """Replace the graph under `prefix` with the one `statement` creates (ids use `$p`)."""
    await db.write("MATCH (n) WHERE n.id STARTS WITH $p DETACH DELETE n", {"p": prefix})
    await db.write(statement, {"p": prefix, **params})


async def lineage(graphql: GraphQL, start: str, **variables: Any) -> dict[str, Any]:
    body = await graphql(LINEAGE, {"from": start, **variables})
    assert "errors" not in body, body["errors"]
    result: dict[str, Any] = body["data"]["lineage"]
    return result


def degrees(result: dict[str, Any], prefix: str) -> dict[str, int]:
    return {node["id"].removeprefix(prefix): node["degree"] for node in result["nodes"]}


def node(result: dict[str, Any], node_id: str) -> dict[str, Any]:
    [found] = [candidate for candidate in result["nodes"] if candidate["id"] == node_id]
    return found


async def test_a_cycle_is_walked_once_and_the_start_is_not_reached_again(
    db: Database, graphql: GraphQL
) -> None:
    p = "t-lin-cycle-"
    await build(
        db,
        p,
        "CREATE (a:System {id: $p + 'a'}), (b:System {id: $p + 'b'}), (c:System {id: $p + 'c'}) "
        "CREATE (a)-[:FLOWS_TO {id: $p + 'ab', categories: ['user.contact']}]->(b), "
        "(b)-[:FLOWS_TO {id: $p + 'bc', categories: ['user.contact']}]->(c), "
        "(c)-[:FLOWS_TO {id: $p + 'ca', categories: ['user.contact']}]->(a), "
        "(c)-[:FLOWS_TO {id: $p + 'cb', categories: ['user.contact']}]->(b)",
    )
    result = await lineage(graphql, p + "a")
    assert degrees(result, p) == {"b": 1, "c": 2}
    assert node(result, p + "c")["paths"] == [
        {
            "nodeIds": [p + "a", p + "b", p + "c"],
            "hops": [
                {
                    "fromId": p + "a",
                    "toId": p + "b",
                    "relationship": "FLOWS_TO",
                    "edgeId": encode("Flow", p + "ab"),
                    "categories": ["user.contact"],
                },
                {
                    "fromId": p + "b",
                    "toId": p + "c",
                    "relationship": "FLOWS_TO",
                    "edgeId": encode("Flow", p + "bc"),
                    "categories": ["user.contact"],
                },
            ],
        }
    ]
    assert result["truncated"] is False


async def test_a_diamond_gives_one_node_with_both_paths_and_both_categories(
    db: Database, graphql: GraphQL
) -> None:
    p = "t-lin-diamond-"
    await build(
        db,
        p,
        "CREATE (a:System {id: $p + 'a'}), (b:System {id: $p + 'b'}), (c:System {id: $p + 'c'}), "
        "(d:System {id: $p + 'd'}) "
        "CREATE (a)-[:FLOWS_TO {id: $p + 'ab', categories: ['user.contact.email']}]->(b), "
        "(a)-[:FLOWS_TO {id: $p + 'ac', categories: ['user.device']}]->(c), "
        "(b)-[:FLOWS_TO {id: $p + 'bd', categories: ['user']}]->(d), "
        "(c)-[:FLOWS_TO {id: $p + 'cd', categories: ['user.device', 'user.name']}]->(d)",
    )
    result = await lineage(graphql, p + "a")
    assert degrees(result, p) == {"b": 1, "c": 1, "d": 2}
    d = node(result, p + "d")
    assert [path["nodeIds"] for path in d["paths"]] == [
        [p + "a", p + "b", p + "d"],
        [p + "a", p + "c", p + "d"],
    ]
    # What reaches d is what survives every hop: the email via `user`, the device via both hops.
    assert d["categories"] == ["user.contact.email", "user.device"]
    assert d["pathsTruncated"] is False


async def test_a_ten_hop_chain_is_bounded_by_the_default_by_max_hops_and_refuses_more(
    db: Database, graphql: GraphQL
) -> None:
    p = "t-lin-chain-"
    await build(
        db,
        p,
        "UNWIND range(0, 11) AS i CREATE (:System {id: $p + toString(i)}) "
        "WITH count(*) AS made UNWIND range(0, 10) AS i "
        "MATCH (a:System {id: $p + toString(i)}), (b:System {id: $p + toString(i + 1)}) "
        "CREATE (a)-[:FLOWS_TO {id: $p + 'f' + toString(i), categories: ['user.contact']}]->(b)",
    )
    default = await lineage(graphql, p + "0")
    assert default["maxHops"] == 5
    assert degrees(default, p) == {str(i): i for i in range(1, 6)}
    assert default["truncatedBy"] == ["HOPS"]

    ten = await lineage(graphql, p + "0", maxHops=10)
    assert degrees(ten, p) == {str(i): i for i in range(1, 11)}
    assert len(node(ten, p + "10")["paths"][0]["hops"]) == 10
    assert ten["truncatedBy"] == ["HOPS"]

    over = await graphql(LINEAGE, {"from": p + "0", "maxHops": 11})
    assert over["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "maxHops"}

    whole = await lineage(graphql, p + "1", maxHops=10)
    assert max(degrees(whole, p).values()) == 10
    assert whole["truncated"] is False


async def test_categories_follow_only_relevant_flows(db: Database, graphql: GraphQL) -> None:
    p = "t-lin-cats-"
    await build(
        db,
        p,
        "CREATE (a:System {id: $p + 'a'}), (dev:System {id: $p + 'device'}), "
        "(mail:System {id: $p + 'mail'}), (all:System {id: $p + 'all'}), "
        "(after:System {id: $p + 'after-device'}) "
        "CREATE (a)-[:FLOWS_TO {id: $p + 'f1', categories: ['user.device']}]->(dev), "
        "(a)-[:FLOWS_TO {id: $p + 'f2', categories: ['user.contact.email']}]->(mail), "
        "(a)-[:FLOWS_TO {id: $p + 'f3', categories: ['user']}]->(all), "
        "(dev)-[:FLOWS_TO {id: $p + 'f4', categories: ['user.contact']}]->(after)",
    )
    contact = await lineage(graphql, p + "a", categories=["user.contact"])
    assert degrees(contact, p) == {"mail": 1, "all": 1}
    assert node(contact, p + "mail")["categories"] == ["user.contact.email"]
    assert node(contact, p + "all")["categories"] == ["user.contact"]

    unfiltered = await lineage(graphql, p + "a")
    assert degrees(unfiltered, p) == {"device": 1, "mail": 1, "all": 1, "after-device": 2}
    assert node(unfiltered, p + "after-device")["categories"] == []


async def test_operators_and_engagements_are_followed_but_not_into_the_map_owner(
    db: Database, graphql: GraphQL
) -> None:
    p = "t-lin-orgs-"
    await build(
        db,
        p,
        "CREATE (app:System {id: $p + 'app'}), (crm:System {id: $p + 'crm'}), "
        "(me:Organisation {id: $p + 'me', is_self: true}), "
        "(vendor:Organisation {id: $p + 'vendor'}), (sub:Organisation {id: $p + 'sub'}), "
        "(other:Organisation {id: $p + 'other'}) "
        "CREATE (app)-[:OPERATED_BY {role: 'CONTROLLER'}]->(me), "
        "(app)-[:FLOWS_TO {id: $p + 'f1', categories: ['user.contact']}]->(crm), "
        "(crm)-[:OPERATED_BY {role: 'PROCESSOR'}]->(vendor), "
        "(vendor)-[:ENGAGES {id: $p + 'e1', role: 'SUB_PROCESSOR'}]->(sub), "
        "(vendor)-[:ENGAGES {id: $p + 'e2', role: 'SUB_PROCESSOR', "
        "categories: ['user.device']}]->(other)",
    )
    result = await lineage(graphql, p + "app", categories=["user.contact"])
    assert degrees(result, p) == {"crm": 1, "vendor": 2, "sub": 3}
    [path] = node(result, p + "sub")["paths"]
    assert [hop["relationship"] for hop in path["hops"]] == ["FLOWS_TO", "OPERATED_BY", "ENGAGES"]
    assert node(result, p + "sub")["categories"] == ["user.contact"]

    upstream = await lineage(graphql, p + "sub", direction="UPSTREAM")
    assert degrees(upstream, p) == {"vendor": 1, "crm": 2, "app": 3}
    assert {n["direction"] for n in upstream["nodes"]} == {"UPSTREAM"}


async def test_both_directions_keep_each_node_once_at_its_shortest_degree(
    db: Database, graphql: GraphQL
) -> None:
    p = "t-lin-both-"
    await build(
        db,
        p,
        "CREATE (src:System {id: $p + 'src'}), (mid:System {id: $p + 'mid'}), "
        "(dst:System {id: $p + 'dst'}), (far:System {id: $p + 'far'}) "
        "CREATE (src)-[:FLOWS_TO {id: $p + 'f1', categories: ['user']}]->(mid), "
        "(mid)-[:FLOWS_TO {id: $p + 'f2', categories: ['user']}]->(dst), "
        "(dst)-[:FLOWS_TO {id: $p + 'f3', categories: ['user']}]->(far), "
        "(far)-[:FLOWS_TO {id: $p + 'f4', categories: ['user']}]->(src)",
    )
    result = await lineage(graphql, p + "mid", direction="BOTH")
    assert {n["id"].removeprefix(p): (n["degree"], n["direction"]) for n in result["nodes"]} == {
        "dst": (1, "DOWNSTREAM"),
        "src": (1, "UPSTREAM"),
        "far": (2, "DOWNSTREAM"),
    }


async def test_the_path_cap_lists_the_first_shortest_paths_and_says_so(
    db: Database, graphql: GraphQL, settings: Settings
) -> None:
    p = "t-lin-paths-"
    await build(
        db,
        p,
        "CREATE (hub:System {id: $p + 'hub'}), (end:System {id: $p + 'end'}) "
        "WITH hub, end UNWIND range(1, $n) AS i "
        "CREATE (hub)-[:FLOWS_TO {id: $p + 'in' + toString(i), categories: ['user']}]->"
        "(:System {id: $p + toString(i)})-[:FLOWS_TO {id: $p + 'out' + toString(i), "
        "categories: ['user']}]->(end)",
        n=settings.lineage_max_paths_per_node + 1,
    )
    result = await lineage(graphql, p + "hub")
    end = node(result, p + "end")
    assert end["degree"] == 2
    assert len(end["paths"]) == settings.lineage_max_paths_per_node
    assert end["pathsTruncated"] is True
    assert result["truncatedBy"] == ["PATHS"]


async def test_the_node_cap_keeps_the_nearest_nodes(
    db: Database, graphql: GraphQL, settings: Settings
) -> None:
    p = "t-lin-nodes-"
    await build(
        db,
        p,
        "CREATE (hub:System {id: $p + 'hub'})-[:FLOWS_TO {id: $p + 'near', categories: ['user']}]"
        "->(near:System {id: $p + 'near'}) "
        "WITH near UNWIND range(1, $n) AS i "
        "CREATE (near)-[:FLOWS_TO {id: $p + 'f' + toString(i), categories: ['user']}]->"
        "(:System {id: $p + toString(i)})",
        n=settings.lineage_max_nodes,
    )
    result = await lineage(graphql, p + "hub")
    assert len(result["nodes"]) == settings.lineage_max_nodes
    assert result["nodes"][0]["id"] == p + "near"
    assert result["truncatedBy"] == ["NODES"]


async def test_one_statement_answers_a_lineage(
    db: Database, graphql: GraphQL, app: FastAPI, new_admin_key: NewKey
) -> None:
    p = "t-lin-count-"
    await build(
        db,
        p,
        "CREATE (:System {id: $p + 'a'})-[:FLOWS_TO {id: $p + 'f', categories: ['user']}]->"
        "(:System {id: $p + 'b'})",
    )
    key = await new_admin_key()
    before = app.state.db.statements
    body = await graphql(LINEAGE, {"from": p + "a", "direction": "BOTH"}, key=key)
    assert "errors" not in body, body["errors"]
    assert app.state.db.statements - before == 1 + 1  # the lineage, and the new key's lookup


async def test_bad_input_is_coded(graphql: GraphQL) -> None:
    missing = (await graphql(LINEAGE, {"from": "t-lin-none"}))["errors"][0]["extensions"]
    assert (missing["code"], missing["field"]) == ("NOT_FOUND", "from")
    zero = await graphql(LINEAGE, {"from": "t-lin-none", "maxHops": 0})
    assert zero["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "maxHops"}
    empty = await graphql(LINEAGE, {"from": "t-lin-none", "categories": [" "]})
    assert empty["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "categories"}
