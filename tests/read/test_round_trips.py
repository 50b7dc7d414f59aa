"""A nested query costs the same number of Cypher statements for 10 rows as for 100: one, the
root list's, which reads every nested level of the selection too (shared reads)."""

from fastapi import FastAPI

from graph.database import Database
from tests.conftest import GraphQL, NewKey
from tests.read.graph import load

BULK = 120

NESTED = """query($first: Int!) {
  systems(filter: {search: "t-bulk"}, first: $first) {
    totalCount
    edges { node {
      key
      categories(first: 3) { nodes { key parent { key children(first: 10) { nodes { key } } } } }
      organisations(first: 2) { nodes { role organisation {
        key establishedIn { code } countries(first: 5) { nodes { how } } } } }
      hostingCountries(first: 5) { nodes { code adequacy(first: 5) { nodes {
        status regime { key } } } } }
    } }
  }
}"""


async def load_bulk(db: Database) -> None:
    systems = [{"id": f"t-bulk-{i:03}", "name": f"T-Bulk {i:03}"} for i in range(BULK)]
    await load(
        db,
        {
            "Country": [{"code": "QM", "name": "T-Read Inland", "eea": True}],
            "DataCategory": [
                {"key": "t-bulk"},
                *({"key": f"t-bulk.c{i % 7}", "parent_key": "t-bulk"} for i in range(7)),
            ],
            "Organisation": [{"id": f"t-bulk-org-{i % 11}", "country": "QM"} for i in range(11)],
            "System": systems,
            "Storage": [{"id": f"t-bulk-st-{i:03}"} for i in range(BULK)],
        },
        [
            *(
                ("DataCategory", f"t-bulk.c{i}", "CHILD_OF", "DataCategory", "t-bulk", {})
                for i in range(7)
            ),
            *(
                ("Organisation", f"t-bulk-org-{i}", "ESTABLISHED_IN", "Country", "QM", {})
                for i in range(11)
            ),
            *(("System", s["id"], "HOSTED_IN", "Country", "QM", {}) for s in systems),
            *(
                (
                    "System",
                    f"t-bulk-{i:03}",
                    "OPERATED_BY",
                    "Organisation",
                    f"t-bulk-org-{i % 11}",
                    {"role": "PROCESSOR"},
                )
                for i in range(BULK)
            ),
            *(
                (
                    "Storage",
                    f"t-bulk-st-{i:03}",
                    "IN_SYSTEM",
                    "System",
                    f"t-bulk-{i:03}",
                    {},
                )
                for i in range(BULK)
            ),
            *(
                (
                    "Storage",
                    f"t-bulk-st-{i:03}",
                    "OF_CATEGORY",
                    "DataCategory",
                    f"t-bulk.c{i % 7}",
                    {},
                )
                for i in range(BULK)
            ),
        ],
    )


async def statements_for(graphql: GraphQL, app: FastAPI, key: str, first: int) -> int:
    before = app.state.db.statements
    body = await graphql(NESTED, {"first": first}, key=key)
    assert "errors" not in body, body
    assert body["data"]["systems"]["totalCount"] == BULK
    edges = body["data"]["systems"]["edges"]
    assert len(edges) == first
    assert all(
        edge["node"]["categories"]["nodes"][0]["parent"]["key"] == "t-bulk" for edge in edges
    )
    count: int = app.state.db.statements - before
    return count


async def test_nested_query_statements_do_not_grow_with_rows(
    db: Database, app: FastAPI, graphql: GraphQL, new_admin_key: NewKey
) -> None:
    await load_bulk(db)
    few = await statements_for(graphql, app, await new_admin_key(), 10)
    many = await statements_for(graphql, app, await new_admin_key(), 100)
    assert few == many
    # the lookup of the new key, and the list with every nested level of the selection
    assert many == 2
