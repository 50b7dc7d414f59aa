"""mapOverview, mapGroup and mapNeighbourhood through GraphQL on Preemptly's seeded map, each
checked against the whole map that `dataMap` draws of the same graph."""

import uuid
from collections import Counter
from typing import Any

import pytest

from graph.database import Database
from resolvers.auth.principal import Role
from resolvers.global_id import encode
from tests.conftest import GraphQL

MAP_FIELDS = (
    "nodes { id kind key label group } edges { id kind source target } totalNodes truncated"
)
WHOLE_MAP = "query($filter: MapFilter) { dataMap(filter: $filter) { " + MAP_FIELDS + " } }"
OVERVIEW = """
query($groupBy: MapGrouping!, $filter: MapFilter) {
  mapOverview(groupBy: $groupBy, filter: $filter) {
    groupBy systems groups { key label systems } flows { source target flows }
  }
}
"""
GROUP = (
    "query($groupBy: MapGrouping!, $key: String!, $filter: MapFilter, $maxNodes: Int) {"
    " mapGroup(groupBy: $groupBy, key: $key, filter: $filter, maxNodes: $maxNodes) { "
    + MAP_FIELDS
    + " } }"
)
AROUND = "query($id: ID!) { mapNeighbourhood(id: $id, groupBy: OWNER_TEAM) { " + MAP_FIELDS + " } }"
NEIGHBOUR_EDGES = {"OPERATED_BY", "HOSTED_IN", "ACCESSED_FROM", "BACKS_UP", "FLOWS_TO", "ENGAGES"}
SYSTEMS = """
query($filter: MapFilter, $after: String) {
  systems(filter: $filter, after: $after) {
    nodes { id ownerTeam } pageInfo { hasNextPage endCursor }
  }
}
"""


@pytest.fixture(autouse=True)
async def preemptly(seeded: Database) -> None:
    """Preemptly's map, loaded once per session."""


async def answer(graphql: GraphQL, query: str, **variables: Any) -> Any:
    body = await graphql(query, variables)
    assert "errors" not in body, body
    return body["data"]


async def refused(graphql: GraphQL, query: str, **variables: Any) -> tuple[str, str | None]:
    body = await graphql(query, variables)
    assert body["data"] is None or "errors" in body, body
    extensions = body["errors"][0]["extensions"]
    return extensions["code"], extensions.get("field")


async def owner_teams(graphql: GraphQL, **filter: Any) -> dict[str, str]:
    """Each selected system's global id -> its owner team ('' for none), from `systems`."""
    teams: dict[str, str] = {}
    after = None
    while True:
        page = (await answer(graphql, SYSTEMS, filter=filter or None, after=after))["systems"]
        teams.update({row["id"]: row["ownerTeam"] or "" for row in page["nodes"]})
        if not page["pageInfo"]["hasNextPage"]:
            return teams
        after = page["pageInfo"]["endCursor"]


async def test_overview_counts_every_system_once_and_the_flows_between_teams(
    graphql: GraphQL,
) -> None:
    teams = await owner_teams(graphql)
    whole = (await answer(graphql, WHOLE_MAP))["dataMap"]
    overview = (await answer(graphql, OVERVIEW, groupBy="OWNER_TEAM"))["mapOverview"]

    assert overview["groupBy"] == "OWNER_TEAM"
    assert overview["systems"] == len(teams)
    assert {g["key"]: g["systems"] for g in overview["groups"]} == Counter(teams.values())
    labels = {g["key"]: g["label"] for g in overview["groups"]}
    assert labels["platform"] == "platform"
    assert labels.get("", "no owner team") == "no owner team"
    flows = Counter(
        (teams[edge["source"]], teams[edge["target"]])
        for edge in whole["edges"]
        if edge["kind"] == "FLOWS_TO" and edge["target"] in teams
    )
    assert {(f["source"], f["target"]): f["flows"] for f in overview["flows"]} == flows
    assert flows  # the seeded map has flows between systems


async def test_overview_by_country_follows_the_filter(graphql: GraphQL) -> None:
    subject = "preemptly.account_user"
    selected = await owner_teams(graphql, subject=subject)
    overview = (await answer(graphql, OVERVIEW, groupBy="COUNTRY", filter={"subject": subject}))[
        "mapOverview"
    ]

    assert overview["systems"] == len(selected) < len(await owner_teams(graphql))
    germany = next(g for g in overview["groups"] if g["key"] == "DE")
    assert germany["label"] == "Germany"


async def test_overview_by_organisation_names_the_operators(graphql: GraphQL) -> None:
    overview = (await answer(graphql, OVERVIEW, groupBy="ORGANISATION"))["mapOverview"]
    labels = {g["key"]: g["label"] for g in overview["groups"]}
    assert labels["nimbus-emea"].startswith("Nimbus Cloud EMEA")


async def test_overview_refuses_an_unknown_subject(graphql: GraphQL) -> None:
    code = await refused(graphql, OVERVIEW, groupBy="OWNER_TEAM", filter={"subject": "nobody"})
    assert code == ("BAD_USER_INPUT", "filter.subject")


async def test_a_group_opens_with_its_systems_and_every_flow_touching_them(
    graphql: GraphQL,
) -> None:
    teams = await owner_teams(graphql)
    whole = (await answer(graphql, WHOLE_MAP))["dataMap"]
    group = (await answer(graphql, GROUP, groupBy="OWNER_TEAM", key="platform"))["mapGroup"]

    platform = {node for node, team in teams.items() if team == "platform"}
    assert encode("System", "accounts-db") in platform
    members = {
        n["id"] for n in group["nodes"] if n["kind"] == "System" and n["group"] == "platform"
    }
    assert members == platform
    for node in group["nodes"]:
        if node["kind"] == "System":
            assert node["group"] == teams[node["id"]]
        else:
            assert node["group"] is None
    touching = {
        edge["id"]
        for edge in whole["edges"]
        if edge["kind"] in {"FLOWS_TO", "OPERATED_BY", "HOSTED_IN", "ACCESSED_FROM", "BACKS_UP"}
        and (edge["source"] in platform or edge["target"] in platform)
    }
    assert {edge["id"] for edge in group["edges"]} == touching
    assert group["truncated"] is False


async def test_a_group_is_cut_at_max_nodes(graphql: GraphQL) -> None:
    group = (await answer(graphql, GROUP, groupBy="OWNER_TEAM", key="platform", maxNodes=2))[
        "mapGroup"
    ]
    members = [n for n in group["nodes"] if n["kind"] == "System" and n["group"] == "platform"]
    assert len(members) >= 2 and group["truncated"] is True


async def test_a_group_no_selected_system_is_in_is_not_found(graphql: GraphQL) -> None:
    code = await refused(graphql, GROUP, groupBy="OWNER_TEAM", key="no-such-team")
    assert code == ("NOT_FOUND", "key")
    code = await refused(
        graphql, GROUP, groupBy="COUNTRY", key="DE", filter={"category": "user.nothing"}
    )
    assert code == ("BAD_USER_INPUT", "filter.category")


async def test_a_neighbourhood_is_the_node_and_everything_one_edge_away(graphql: GraphQL) -> None:
    whole = (await answer(graphql, WHOLE_MAP))["dataMap"]
    start = encode("System", "accounts-db")
    around = (await answer(graphql, AROUND, id=start))["mapNeighbourhood"]

    incident = [
        edge
        for edge in whole["edges"]
        if edge["kind"] in NEIGHBOUR_EDGES and start in (edge["source"], edge["target"])
    ]
    assert {edge["id"] for edge in around["edges"]} == {edge["id"] for edge in incident}
    ends = {edge["source"] for edge in incident} | {edge["target"] for edge in incident}
    assert {node["id"] for node in around["nodes"]} == ends
    assert encode("Country", "IN") in ends  # accessed from India
    assert around["nodes"][0]["id"] == start
    assert around["nodes"][0]["group"] == "platform"


async def test_a_country_neighbourhood_holds_the_systems_hosted_there(graphql: GraphQL) -> None:
    hosted = (await answer(graphql, WHOLE_MAP, filter={"country": "IE"}))["dataMap"]
    systems = {n["id"] for n in hosted["nodes"] if n["kind"] == "System"}
    around = (await answer(graphql, AROUND, id=encode("Country", "IE")))["mapNeighbourhood"]
    assert systems <= {n["id"] for n in around["nodes"]}
    assert systems


async def test_a_neighbourhood_takes_the_key_as_the_global_id(graphql: GraphQL) -> None:
    by_id = (await answer(graphql, AROUND, id=encode("System", "accounts-db")))["mapNeighbourhood"]
    by_key = (await answer(graphql, AROUND, id="accounts-db"))["mapNeighbourhood"]
    assert by_key == by_id


async def test_a_neighbourhood_of_nothing_is_refused(graphql: GraphQL) -> None:
    assert await refused(graphql, AROUND, id="no-such-system") == ("NOT_FOUND", "id")
    missing = encode("System", "no-such-system")
    assert await refused(graphql, AROUND, id=missing) == ("NOT_FOUND", "id")
    category = encode("DataCategory", "user.contact")
    assert await refused(graphql, AROUND, id=category) == ("BAD_USER_INPUT", "id")


async def test_a_viewer_reads_the_map_views_and_learns_its_role(
    graphql: GraphQL, api_keys: dict[Role, str]
) -> None:
    viewer = api_keys[Role.VIEWER]
    body = await graphql(
        "{ about { keyRole } mapOverview(groupBy: COUNTRY) { systems } }", key=viewer
    )
    assert "errors" not in body, body
    assert body["data"]["about"]["keyRole"] == "VIEWER"
    assert body["data"]["mapOverview"]["systems"] > 0


async def test_a_retired_flow_is_on_no_map_view(graphql: GraphQL) -> None:
    register = "mutation($input: DataFlowInput!) { registerDataFlow(input: $input) { id } }"
    source = f"t-map-view-{uuid.uuid4().hex[:8]}"
    flow = await answer(
        graphql,
        register,
        input={
            "source": source,
            "externalId": "retired-sync",
            "fromSystemId": "accounts-db",
            "toSystemId": "event-warehouse",
            "categories": ["user.contact.email"],
            "purpose": "essential.service",
            "mode": "PUSH",
        },
    )
    edge = flow["registerDataFlow"]["id"]
    start = encode("System", "accounts-db")

    async def shown() -> tuple[bool, bool]:
        group = (await answer(graphql, GROUP, groupBy="OWNER_TEAM", key="platform"))["mapGroup"]
        around = (await answer(graphql, AROUND, id=start))["mapNeighbourhood"]
        return (
            edge in {e["id"] for e in group["edges"]},
            edge in {e["id"] for e in around["edges"]},
        )

    assert await shown() == (True, True)
    await answer(graphql, "mutation($id: ID!) { retireDataFlow(id: $id) { retiredOn } }", id=edge)
    assert await shown() == (False, False)
    await test_overview_counts_every_system_once_and_the_flows_between_teams(graphql)


GOVERNED = """
query($after: String) {
  systems(first: 50, after: $after) {
    nodes {
      id
      storages(first: 1) { totalCount }
      organisations(first: 10) { nodes { organisation { establishedIn { code eea } } } }
    }
    pageInfo { hasNextPage endCursor }
  }
}
"""


async def every_system(graphql: GraphQL) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    after = None
    while True:
        page = (await answer(graphql, GOVERNED, after=after))["systems"]
        found.extend(page["nodes"])
        if not page["pageInfo"]["hasNextPage"]:
            return found
        after = page["pageInfo"]["endCursor"]


@pytest.mark.parametrize("regime", ["EU", "UK", "CH", "CCPA"])
async def test_the_regime_filter_keeps_the_systems_the_regime_governs(
    graphql: GraphQL, regime: str
) -> None:
    """On the seeded map no storage records its people's markets, and the owner serves the EEA,
    GB, CH and California: a regime governs every system holding a storage, and those an
    organisation established in its area operates."""
    systems = await every_system(graphql)

    def established_in_area(country: dict[str, Any]) -> bool:
        return {"EU": bool(country["eea"]), "UK": country["code"] == "GB"}.get(
            regime, country["code"] == regime
        )

    expected = {
        system["id"]
        for system in systems
        if system["storages"]["totalCount"]
        or any(
            established_in_area(o["organisation"]["establishedIn"])
            for o in system["organisations"]["nodes"]
        )
    }
    assert set(await owner_teams(graphql, regime=regime)) == expected
    overview = await answer(graphql, OVERVIEW, groupBy="OWNER_TEAM", filter={"regime": regime})
    assert overview["mapOverview"]["systems"] == len(expected)
    if regime != "EU":
        assert expected < {system["id"] for system in systems}


async def test_the_regime_filter_applies_to_systems_only(graphql: GraphQL) -> None:
    body = "{ organisations(filter: {regime: EU}) { totalCount } }"
    assert await refused(graphql, body) == ("BAD_USER_INPUT", "filter.regime")
