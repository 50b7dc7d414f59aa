"""Lookups, `node(id)`, relationship fields and `dataMap` over HTTP, on the synthetic graph."""

import base64
from typing import Any

import pytest

from graph.database import Database
from resolvers.global_id import encode
from tests.conftest import GraphQL
from tests.read.graph import load_read_graph


@pytest.fixture(scope="module", autouse=True)
async def read_graph(db: Database) -> None:
    await load_read_graph(db)


def error_of(body: dict[str, Any]) -> tuple[str, str | None]:
    extensions = body["errors"][0]["extensions"]
    return extensions["code"], extensions.get("field")


async def test_a_system_and_its_relationships(graphql: GraphQL) -> None:
    body = await graphql(
        """{ system(id: "t-read-sys-a") {
          key name kind
          categories { nodes { key parent { key } } }
          subjects { nodes { key } }
          organisations { nodes { role organisation { key } } }
          hostingCountries { nodes { code } }
          accessedFrom { nodes { purpose country { code } } }
          downstream { nodes { key mode categories source { key } target {
            __typename ... on System { key } ... on Organisation { key } } } }
          backups { nodes { key } }
          activities { nodes { key } }
        } }"""
    )
    assert "errors" not in body, body
    system = body["data"]["system"]
    assert system["categories"]["nodes"] == [
        {"key": "t-read.contact.email", "parent": {"key": "t-read.contact"}}
    ]
    assert system["subjects"]["nodes"] == [{"key": "t-read.customer"}]
    assert system["organisations"]["nodes"] == [
        {"role": "PROCESSOR", "organisation": {"key": "t-read-org-sub"}}
    ]
    assert system["hostingCountries"]["nodes"] == [{"code": "QM"}]
    assert system["accessedFrom"]["nodes"] == [{"purpose": "support", "country": {"code": "QN"}}]
    assert system["downstream"]["nodes"] == [
        {
            "key": "t-read-flow-1",
            "mode": "PUSH",
            "categories": ["t-read.contact.email"],
            "source": {"key": "t-read-sys-a"},
            "target": {"__typename": "System", "key": "t-read-sys-b"},
        },
        {
            "key": "t-read-flow-2",
            "mode": "PULL",
            "categories": ["t-read.contact"],
            "source": {"key": "t-read-sys-a"},
            "target": {"__typename": "Organisation", "key": "t-read-org-vendor"},
        },
    ]
    assert system["backups"]["nodes"] == [{"key": "t-read-sys-d"}]
    assert system["activities"]["nodes"] == [{"key": "t-read-act-billing"}]


async def test_upstream_flows_name_their_source(graphql: GraphQL) -> None:
    body = await graphql(
        '{ system(id: "t-read-sys-b") { upstream { nodes { key source { key } } } } }'
    )
    assert body["data"]["system"]["upstream"]["nodes"] == [
        {"key": "t-read-flow-1", "source": {"key": "t-read-sys-a"}}
    ]


async def test_an_organisation_and_its_relationships(graphql: GraphQL) -> None:
    body = await graphql(
        """{ organisation(id: "t-read-org-vendor") {
          legalName establishedIn { code }
          systems { nodes { role system { key } } }
          subProcessors { nodes { key role service engager { key } engaged { key } } }
          countries { nodes { how country { code } } }
        } }"""
    )
    assert "errors" not in body, body
    vendor = body["data"]["organisation"]
    assert vendor["establishedIn"] == {"code": "QN"}
    assert vendor["systems"]["nodes"] == [
        {"role": "SUB_PROCESSOR", "system": {"key": "t-read-sys-b"}},
        {"role": "PROCESSOR", "system": {"key": "t-read-sys-c"}},
    ]
    assert vendor["subProcessors"]["nodes"] == [
        {
            "key": "t-read-eng-1",
            "role": "SUB_PROCESSOR",
            "service": "hosting",
            "engager": {"key": "t-read-org-vendor"},
            "engaged": {"key": "t-read-org-sub"},
        }
    ]
    assert vendor["countries"]["nodes"] == [
        {"how": ["HOSTS_DATA"], "country": {"code": "QM"}},
        {"how": ["ESTABLISHED_IN", "HOSTS_DATA"], "country": {"code": "QN"}},
    ]


async def test_a_country_s_adequacy_under_each_regime(graphql: GraphQL) -> None:
    query = """query($code: String!, $on: Date) { country(code: $code) {
      adequacy(on: $on) { nodes { regime { key } status decisions { key scope } } } } }"""

    async def eu_status(code: str, on: str | None = None) -> dict[str, Any]:
        body = await graphql(query, {"code": code, "on": on})
        assert "errors" not in body, body
        (eu,) = [
            a
            for a in body["data"]["country"]["adequacy"]["nodes"]
            if a["regime"]["key"] == "t-read-R"
        ]
        return eu

    overseas = await eu_status("QN")
    assert overseas["status"] == "ADEQUATE"
    assert overseas["decisions"] == [{"key": "t-read-R-QN", "scope": "FULL"}]
    assert (await eu_status("QN", "2019-12-31"))["status"] == "NONE"
    assert (await eu_status("QM"))["status"] == "IN_AREA"


async def test_a_category_s_parent_and_children(graphql: GraphQL) -> None:
    body = await graphql(
        """{ dataCategory(key: "t-read.contact") {
          name parent { key } children { nodes { key parent { key } } }
          systems { nodes { key } } } }"""
    )
    category = body["data"]["dataCategory"]
    assert category["parent"] is None
    assert category["children"]["nodes"] == [
        {"key": "t-read.contact.email", "parent": {"key": "t-read.contact"}}
    ]
    assert category["systems"]["nodes"] == [{"key": "t-read-sys-c"}]


async def test_an_activity_and_everything_it_links_to(graphql: GraphQL) -> None:
    body = await graphql(
        """{ processingActivities(first: 5, filter: {search: "t-read billing"}) { nodes {
          key purposes { nodes { key } } subjects { nodes { key } }
          categories { nodes { key } } systems { nodes { key } } controllers { nodes { key } }
          recipients { nodes { role organisation { key } } } legalBases { nodes { key } }
        } } }"""
    )
    assert "errors" not in body, body
    assert body["data"]["processingActivities"]["nodes"] == [
        {
            "key": "t-read-act-billing",
            "purposes": {"nodes": [{"key": "t-read.billing"}]},
            "subjects": {"nodes": [{"key": "t-read.customer"}]},
            "categories": {"nodes": [{"key": "t-read.contact.email"}]},
            "systems": {"nodes": [{"key": "t-read-sys-a"}]},
            "controllers": {"nodes": [{"key": "t-read-org-sub"}]},
            "recipients": {
                "nodes": [{"role": "PROCESSOR", "organisation": {"key": "t-read-org-vendor"}}]
            },
            "legalBases": {"nodes": [{"key": "t-read-6-1-b"}]},
        }
    ]


async def test_a_nested_list_is_a_connection_paged_like_the_roots(graphql: GraphQL) -> None:
    query = """query($first: Int, $after: String) { system(id: "t-read-sys-a") {
      downstream(first: $first, after: $after) {
        totalCount pageInfo { hasNextPage endCursor } edges { cursor node { key } } } } }"""
    first = (await graphql(query, {"first": 1}))["data"]["system"]["downstream"]
    assert first["totalCount"] == 2
    assert [edge["node"]["key"] for edge in first["edges"]] == ["t-read-flow-1"]
    assert first["pageInfo"]["hasNextPage"] is True
    after = first["pageInfo"]["endCursor"]
    second = (await graphql(query, {"first": 1, "after": after}))["data"]["system"]["downstream"]
    assert [edge["node"]["key"] for edge in second["edges"]] == ["t-read-flow-2"]
    assert second["pageInfo"]["hasNextPage"] is False
    for variables, field in (({"first": 101}, "first"), ({"after": "x"}, "after")):
        body = await graphql(query, variables)
        assert error_of(body) == ("BAD_USER_INPUT", field)
        assert body["errors"][0]["path"] == ["system", "downstream"]


async def test_unknown_ids_are_not_found_from_lookups(graphql: GraphQL) -> None:
    for document, field in [
        ('{ system(id: "t-read-none") { key } }', "id"),
        ('{ organisation(id: "t-read-none") { key } }', "id"),
        ('{ country(code: "ZZ") { code } }', "code"),
        ('{ dataCategory(key: "t-read.none") { key } }', "key"),
        ('{ node(id: "U3lzdGVtOnQtcmVhZC1ub25l") { key } }', "id"),
    ]:
        body = await graphql(document)
        assert body["data"] is None
        assert error_of(body) == ("NOT_FOUND", field), document


async def test_a_missing_node_behind_a_non_null_field_is_internal(
    graphql: GraphQL, db: Database
) -> None:
    """The organisation's country node is missing: a fault of the server's data, not the
    caller's. The broken organisation lives for this test only, so that the lists other tests
    read later in the session (the every-field test's `organisations`) do not meet it."""
    await db.write(
        "CREATE (:Organisation {id: 't-read-org-broken', legal_name: 'T-Read Broken Ltd', "
        "country: 'ZZ'})"
    )
    try:
        body = await graphql(
            '{ organisation(id: "t-read-org-broken") { key establishedIn { code } } }'
        )
    finally:
        await db.write("MATCH (o:Organisation {id: 't-read-org-broken'}) DETACH DELETE o")
    assert body["data"] is None
    assert error_of(body) == ("INTERNAL", None)
    assert body["errors"][0]["path"] == ["organisation", "establishedIn"]


async def test_node_fetches_any_kind_by_its_global_id(graphql: GraphQL) -> None:
    listed = await graphql(
        """{ system(id: "t-read-sys-a") { id } country(code: "QN") { id }
             dataCategory(key: "t-read.health") { id } }"""
    )
    query = """query($id: ID!) { node(id: $id) { __typename id key
      ... on System { name } ... on Country { eea } ... on DataCategory { specialCategory } } }"""
    fetched = [
        (await graphql(query, {"id": item["id"]}))["data"]["node"]
        for item in listed["data"].values()
    ]
    assert fetched == [
        {
            "__typename": "System",
            "id": listed["data"]["system"]["id"],
            "key": "t-read-sys-a",
            "name": "T-Read Alpha",
        },
        {"__typename": "Country", "id": listed["data"]["country"]["id"], "key": "QN", "eea": False},
        {
            "__typename": "DataCategory",
            "id": listed["data"]["dataCategory"]["id"],
            "key": "t-read.health",
            "specialCategory": True,
        },
    ]


async def test_node_with_an_unknown_key_is_not_found_and_a_malformed_id_is_bad_input(
    graphql: GraphQL,
) -> None:
    query = "query($id: ID!) { node(id: $id) { id } }"
    unknown = base64.urlsafe_b64encode(b"System:t-read-none").decode()
    assert error_of(await graphql(query, {"id": unknown})) == ("NOT_FOUND", "id")
    for malformed in ("%%%", base64.urlsafe_b64encode(b"Nothing:x").decode()):
        body = await graphql(query, {"id": malformed})
        assert error_of(body) == ("BAD_USER_INPUT", "id")


DATA_MAP = """query($filter: MapFilter, $maxNodes: Int) {
  dataMap(filter: $filter, maxNodes: $maxNodes) {
    totalNodes truncated
    nodes { id kind key label attributes }
    edges { id kind source target attributes }
  }
}"""


async def test_the_data_map_of_a_filter(graphql: GraphQL) -> None:
    body = await graphql(DATA_MAP, {"filter": {"search": "t-read", "country": "QN"}})
    assert "errors" not in body, body
    found = body["data"]["dataMap"]
    nodes = {(node["kind"], node["key"]): node for node in found["nodes"]}
    assert [key for kind, key in nodes if kind == "System"] == ["t-read-sys-b", "t-read-sys-c"]
    # the operator, and the organisations engaged in a chain with it
    assert {key for kind, key in nodes if kind == "Organisation"} == {
        "t-read-org-vendor",
        "t-read-org-sub",
    }
    assert {key for kind, key in nodes if kind == "Country"} == {"QM", "QN"}
    assert nodes[("DataCategory", "t-read.health")]["attributes"] == {"specialCategory": True}
    assert nodes[("System", "t-read-sys-b")]["label"] == "T-Read Bravo"
    ids = {node["id"] for node in found["nodes"]}
    assert all(edge["source"] in ids and edge["target"] in ids for edge in found["edges"])
    operated = [edge for edge in found["edges"] if edge["kind"] == "OPERATED_BY"]
    assert sorted(edge["attributes"]["role"] for edge in operated) == ["PROCESSOR", "SUB_PROCESSOR"]
    assert found["truncated"] is False
    assert found["totalNodes"] == len(found["nodes"])


async def test_the_data_map_keeps_flows_between_selected_systems(graphql: GraphQL) -> None:
    body = await graphql(DATA_MAP, {"filter": {"search": "t-read"}})
    edges = {edge["id"]: edge for edge in body["data"]["dataMap"]["edges"]}
    assert edges[encode("Flow", "t-read-flow-1")]["attributes"] == {
        "categories": ["t-read.contact.email"],
        "mode": "PUSH",
    }
    assert encode("Flow", "t-read-flow-2") in edges


async def test_the_data_map_is_capped_and_says_so(graphql: GraphQL) -> None:
    body = await graphql(DATA_MAP, {"filter": {"search": "t-read"}, "maxNodes": 3})
    found = body["data"]["dataMap"]
    assert found["truncated"] is True
    assert found["totalNodes"] > 3
    assert [node["key"] for node in found["nodes"]] == [
        "t-read-sys-a",
        "t-read-sys-b",
        "t-read-sys-c",
    ]
    ids = {node["id"] for node in found["nodes"]}
    assert all(edge["source"] in ids and edge["target"] in ids for edge in found["edges"])
    assert {edge["id"] for edge in found["edges"]} == {encode("Flow", "t-read-flow-1")}


@pytest.mark.parametrize(
    ("variables", "field"),
    [
        ({"maxNodes": 2001}, "maxNodes"),
        ({"maxNodes": 0}, "maxNodes"),
        ({"filter": {"country": "ZZ"}}, "filter.country"),
    ],
)
async def test_bad_data_map_arguments_are_named(
    graphql: GraphQL, variables: dict[str, Any], field: str
) -> None:
    body = await graphql(DATA_MAP, variables)
    assert error_of(body) == ("BAD_USER_INPUT", field)
