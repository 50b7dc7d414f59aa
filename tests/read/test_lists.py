"""The list fields over HTTP: filters, pagination and their errors, on the synthetic graph."""

import base64
from typing import Any

import pytest

from graph.database import Database
from tests.conftest import GraphQL
from tests.read.graph import load_read_graph

SYSTEM_NAMES = """
query($filter: MapFilter, $first: Int, $after: String) {
  systems(filter: $filter, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { key name } }
  }
}
"""


@pytest.fixture(scope="module", autouse=True)
async def read_graph(db: Database) -> None:
    await load_read_graph(db)


async def system_keys(graphql: GraphQL, **filter: Any) -> list[str]:
    body = await graphql(SYSTEM_NAMES, {"filter": {"search": "t-read", **filter}})
    assert "errors" not in body, body
    return [edge["node"]["key"] for edge in body["data"]["systems"]["edges"]]


def cursor_of(text: str) -> str:
    """A cursor crafted by hand: the base64 of `text`."""
    return base64.urlsafe_b64encode(text.encode()).decode()


def error_of(body: dict[str, Any]) -> tuple[str, str | None]:
    extensions = body["errors"][0]["extensions"]
    return extensions["code"], extensions.get("field")


async def test_search_is_case_insensitive_and_ordered_by_name(graphql: GraphQL) -> None:
    assert await system_keys(graphql) == [
        "t-read-sys-a",
        "t-read-sys-b",
        "t-read-sys-c",
        "t-read-sys-d",
    ]
    assert await system_keys(graphql, search="T-READ CHAR") == ["t-read-sys-c"]


@pytest.mark.parametrize(
    ("filter", "expected"),
    [
        ({"country": "QN"}, ["t-read-sys-b", "t-read-sys-c"]),
        ({"category": "t-read.contact"}, ["t-read-sys-a", "t-read-sys-c"]),
        ({"category": "t-read.contact.email"}, ["t-read-sys-a"]),
        ({"subject": "t-read.employee"}, ["t-read-sys-b"]),
        ({"organisation": "t-read-org-vendor"}, ["t-read-sys-b", "t-read-sys-c"]),
        ({"role": "SUB_PROCESSOR"}, ["t-read-sys-b"]),
        ({"eea": True}, ["t-read-sys-a", "t-read-sys-d"]),
        ({"eea": False}, ["t-read-sys-b", "t-read-sys-c"]),
        ({"specialCategories": True}, ["t-read-sys-b"]),
        (
            {"specialCategories": False, "country": "QM"},
            ["t-read-sys-a", "t-read-sys-c", "t-read-sys-d"],
        ),
    ],
)
async def test_system_filters(
    graphql: GraphQL, filter: dict[str, Any], expected: list[str]
) -> None:
    assert await system_keys(graphql, **filter) == expected


async def test_pages_follow_each_other_by_cursor(graphql: GraphQL) -> None:
    variables: dict[str, Any] = {"filter": {"search": "t-read"}, "first": 3}
    first = (await graphql(SYSTEM_NAMES, variables))["data"]["systems"]
    assert first["totalCount"] == 4
    assert first["pageInfo"]["hasNextPage"] is True
    assert first["pageInfo"]["hasPreviousPage"] is False
    assert first["pageInfo"]["endCursor"] == first["edges"][-1]["cursor"]
    after = first["pageInfo"]["endCursor"]
    second = (await graphql(SYSTEM_NAMES, {**variables, "after": after}))["data"]["systems"]
    assert [edge["node"]["key"] for edge in second["edges"]] == ["t-read-sys-d"]
    assert second["pageInfo"]["hasNextPage"] is False
    assert second["pageInfo"]["hasPreviousPage"] is True
    assert second["totalCount"] == 4


@pytest.mark.parametrize(
    ("variables", "field"),
    [
        ({"after": "not-a-cursor"}, "after"),
        ({"after": "b2Zmc2V0Oi0x"}, "after"),
        ({"after": cursor_of("offset:\u00b2")}, "after"),
        ({"after": cursor_of("offset:9223372036854775806")}, "after"),
        ({"after": cursor_of("offset:" + "9" * 30)}, "after"),
        ({"first": 101}, "first"),
        ({"first": -1}, "first"),
        ({"filter": {"country": "ZZ"}}, "filter.country"),
        ({"filter": {"search": "x" * 201}}, "filter.search"),
        ({"filter": {"category": "t-read.nothing"}}, "filter.category"),
        ({"filter": {"subject": "t-read.nobody"}}, "filter.subject"),
        ({"filter": {"organisation": "t-read-org-none"}}, "filter.organisation"),
    ],
)
async def test_bad_arguments_are_named(
    graphql: GraphQL, variables: dict[str, Any], field: str
) -> None:
    body = await graphql(SYSTEM_NAMES, variables)
    assert body["data"] is None
    assert error_of(body) == ("BAD_USER_INPUT", field)


async def test_a_filter_that_does_not_apply_is_named(graphql: GraphQL) -> None:
    body = await graphql('{ countries(filter: {category: "t-read.contact"}) { totalCount } }')
    assert error_of(body) == ("BAD_USER_INPUT", "filter.category")
    body = await graphql("{ dataCategories(filter: {eea: true}) { totalCount } }")
    assert error_of(body) == ("BAD_USER_INPUT", "filter.eea")


async def test_organisation_filters(graphql: GraphQL) -> None:
    query = """query($filter: MapFilter) {
      organisations(filter: $filter) { totalCount nodes { key legalName } }
      processors(filter: $filter) { totalCount nodes { key } }
    }"""

    async def keys(**filter: Any) -> list[str]:
        body = await graphql(query, {"filter": {"search": "t-read", **filter}})
        return [node["key"] for node in body["data"]["organisations"]["nodes"]]

    assert await keys() == ["t-read-org-sub", "t-read-org-vendor"]
    assert await keys(country="QN") == ["t-read-org-vendor"]
    assert await keys(country="qn") == ["t-read-org-vendor"]
    assert await keys(eea=True) == ["t-read-org-sub"]
    assert await keys(organisation="t-read-org-vendor") == ["t-read-org-sub"]
    assert await keys(role="SUB_PROCESSOR") == ["t-read-org-sub", "t-read-org-vendor"]
    assert await keys(specialCategories=True) == ["t-read-org-vendor"]
    assert await keys(category="t-read.contact") == ["t-read-org-sub", "t-read-org-vendor"]
    assert await keys(kind="COMPANY") == []
    body = await graphql(query, {"filter": {"search": "t-read"}})
    processors = [node["key"] for node in body["data"]["processors"]["nodes"]]
    assert processors == ["t-read-org-sub", "t-read-org-vendor"]


async def test_taxonomy_activity_and_country_lists(graphql: GraphQL) -> None:
    body = await graphql(
        """{
      categories: dataCategories(filter: {category: "t-read.contact"}) { nodes { key } }
      special: dataCategories(filter: {search: "t-read", specialCategories: true}) {
        nodes { key }
      }
      held: dataCategories(filter: {search: "t-read", organisation: "t-read-org-vendor"}) {
        nodes { key }
      }
      subjects: dataSubjects(filter: {category: "t-read.health"}) { nodes { key } }
      activities: processingActivities(filter: {subject: "t-read.customer", role: CONTROLLER}) {
        nodes { key }
      }
      countries: countries(filter: {search: "t-read", eea: false}) { nodes { code } }
    }"""
    )
    assert "errors" not in body, body
    data = body["data"]
    assert [n["key"] for n in data["categories"]["nodes"]] == [
        "t-read.contact",
        "t-read.contact.email",
    ]
    assert [n["key"] for n in data["special"]["nodes"]] == ["t-read.health"]
    assert [n["key"] for n in data["held"]["nodes"]] == ["t-read.contact", "t-read.health"]
    assert [n["key"] for n in data["subjects"]["nodes"]] == ["t-read.employee"]
    assert [n["key"] for n in data["activities"]["nodes"]] == ["t-read-act-billing"]
    assert [n["code"] for n in data["countries"]["nodes"]] == ["QN"]
