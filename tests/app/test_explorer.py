"""The explorer at /explorer in Debian's Chromium, against the service serving Preemptly's seeded
map: what the page draws and colours is checked against what the GraphQL API answers."""

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Page

from bench.browser import click_element, enter_key, redrawn
from resolvers.auth.principal import Role
from resolvers.global_id import encode
from tests.conftest import GraphQL

DRAWN_KINDS = {"System", "Organisation", "Country"}
DRAWN_EDGES = {"FLOWS_TO", "OPERATED_BY", "HOSTED_IN", "ACCESSED_FROM", "ENGAGES", "BACKS_UP"}
SUBJECT = "preemptly.account_user"
VERDICTS = ["BLOCKED", "EXPIRED", "ACTION_REQUIRED", "DEROGATION", "SAFEGUARD", "ADEQUACY"]
VERDICTS.append("NOT_A_TRANSFER")
WHOLE_MAP = """
query($filter: MapFilter) {
  dataMap(filter: $filter) { nodes { id kind key } edges { id kind source target } }
}
"""


async def api(graphql: GraphQL, query: str, **variables: Any) -> Any:
    body = await graphql(query, variables)
    assert "errors" not in body, body
    return body["data"]


async def drawn_map(graphql: GraphQL, **filter: Any) -> tuple[set[str], set[str]]:
    """The node and edge ids the explorer should draw: dataMap's systems, organisations and
    countries, and its edges among them."""
    data = (await api(graphql, WHOLE_MAP, filter=filter or None))["dataMap"]
    nodes = {node["id"] for node in data["nodes"] if node["kind"] in DRAWN_KINDS}
    edges = {
        edge["id"]
        for edge in data["edges"]
        if edge["kind"] in DRAWN_EDGES and edge["source"] in nodes and edge["target"] in nodes
    }
    return nodes, edges


async def open_explorer(page: Page, service: str, key: str) -> None:
    await page.goto(f"{service}/explorer")
    await redrawn(page, enter_key(page, key))


async def counts(page: Page) -> tuple[int, int]:
    nodes = await page.get_attribute("#counts", "data-nodes")
    edges = await page.get_attribute("#counts", "data-edges")
    assert nodes is not None and edges is not None
    return int(nodes), int(edges)


async def cy(page: Page, script: str, argument: object = None) -> Any:
    """Read the diagram: `script` is a function of (cy, argument)."""
    return await page.evaluate(
        f"([argument]) => ({script})(window.datamapExplorer.cy, argument)", [argument]
    )


async def keys_with_class(page: Page, kind: str, name: str) -> set[str]:
    found = await cy(
        page,
        "(cy, [kind, name]) => cy.nodes().filter(n => n.data('kind') === kind && n.hasClass(name))"
        ".map(n => n.data('key'))",
        [kind, name],
    )
    return set(found)


async def drawn_keys(page: Page, kind: str) -> set[str]:
    found = await cy(
        page,
        "(cy, kind) => cy.nodes().filter(n => n.data('kind') === kind).map(n => n.data('key'))",
        kind,
    )
    return set(found)


async def list_items(page: Page, selector: str) -> list[str]:
    return [text.strip() for text in await page.locator(f"{selector} li").all_text_contents()]


async def choose_overlay(page: Page, overlay: str, report: str) -> None:
    await page.check(f"input[name=overlay][value={overlay}]")
    await page.wait_for_selector(report, state="attached")


async def clear_edge(page: Page, edges: list[str]) -> str:
    """The first of `edges` whose midpoint, once the view is fitted to it, lies on no node (an
    edge may cross a node, and a click there taps the node)."""
    found = await cy(
        page,
        """(cy, edges) => {
            for (const id of edges) {
                const edge = cy.getElementById(id);
                cy.fit(edge, 200);
                const { x, y } = edge.renderedMidpoint();
                const covered = cy.nodes().some((n) => {
                    const box = n.renderedBoundingBox();
                    return x >= box.x1 && x <= box.x2 && y >= box.y1 && y <= box.y2;
                });
                if (!covered) return id;
            }
            return null;
        }""",
        edges,
    )
    assert found is not None, "every coloured flow's midpoint lies on a node"
    return str(found)


def worst(verdicts: Iterable[str]) -> str:
    return min(verdicts, key=VERDICTS.index)


async def test_the_seeded_map_renders_as_the_api_draws_it(
    page: Page, service: str, graphql: GraphQL, api_keys: dict[Role, str], artifacts: Path
) -> None:
    key = api_keys[Role.ANALYST]
    await open_explorer(page, service, key)
    nodes, edges = await drawn_map(graphql)

    assert await counts(page) == (len(nodes), len(edges))
    assert set(await cy(page, "cy => cy.nodes().map(n => n.id())")) == nodes
    assert set(await cy(page, "cy => cy.edges().map(e => e.id())")) == edges
    assert "Accounts database" in await cy(page, "cy => cy.nodes().map(n => n.data('label'))")
    assert await page.evaluate("() => sessionStorage.getItem('datamap.apiKey')") == key
    assert key not in page.url
    assert await page.is_hidden("#error")
    await page.screenshot(path=str(artifacts / "explorer-seeded-map.png"))


async def test_a_filter_narrows_the_map(
    page: Page, service: str, graphql: GraphQL, api_keys: dict[Role, str], artifacts: Path
) -> None:
    await open_explorer(page, service, api_keys[Role.VIEWER])
    whole = await counts(page)
    await page.fill("input[name=country]", "IE")
    await redrawn(page, page.click("#filters button[type=submit]"))

    nodes, edges = await drawn_map(graphql, country="IE")
    assert await counts(page) == (len(nodes), len(edges))
    assert len(nodes) < whole[0] and len(edges) < whole[1]

    await page.fill("input[name=country]", "")
    await page.fill("input[name=subject]", SUBJECT)
    await page.fill("input[name=category]", "user.contact")
    await redrawn(page, page.click("#filters button[type=submit]"))
    nodes, edges = await drawn_map(graphql, subject=SUBJECT, category="user.contact")
    assert await counts(page) == (len(nodes), len(edges))

    await page.fill("input[name=subject]", "")
    await page.fill("input[name=category]", "")
    await page.select_option("select[name=regime]", "UK")
    await page.check("input[name=underRegime]")
    await redrawn(page, page.click("#filters button[type=submit]"))
    nodes, edges = await drawn_map(graphql, regime="UK")
    assert await counts(page) == (len(nodes), len(edges))
    assert len(nodes) < whole[0]
    await page.screenshot(path=str(artifacts / "explorer-regime-uk.png"))


async def test_a_click_shows_the_node_and_its_lineage_both_ways(
    page: Page, service: str, graphql: GraphQL, api_keys: dict[Role, str]
) -> None:
    await open_explorer(page, service, api_keys[Role.ANALYST])
    await click_element(page, encode("System", "accounts-db"))
    await page.wait_for_selector("#lineage-upstream", state="attached")

    lineage = await api(
        graphql,
        'query($d: LineageDirection!) { lineage(from: "accounts-db", direction: $d) {'
        " nodes { id kind name categories } } }",
        d="DOWNSTREAM",
    )
    down = lineage["lineage"]["nodes"]
    upstream = (
        await api(
            graphql,
            '{ lineage(from: "accounts-db", direction: UPSTREAM) { nodes { id kind } } }',
        )
    )["lineage"]["nodes"]
    assert "Accounts database" in (await page.text_content("#details") or "")
    items = await list_items(page, "#lineage-downstream")
    assert len(items) == len(down) > 0
    for item, reached in zip(items, down, strict=True):
        assert item.startswith(reached["name"] or reached["id"])
        assert all(category in item for category in reached["categories"])
    assert len(await list_items(page, "#lineage-upstream")) == len(upstream) > 0
    drawn = await drawn_keys(page, "System") | await drawn_keys(page, "Organisation")
    highlighted = await keys_with_class(page, "System", "downstream")
    highlighted |= await keys_with_class(page, "Organisation", "downstream")
    assert highlighted == {node["id"] for node in down} & drawn
    assert await keys_with_class(page, "System", "upstream") == {
        node["id"] for node in upstream if node["kind"] == "System"
    }


async def test_the_transfer_overlay_colours_the_verdicts_and_shows_a_hop(
    page: Page, service: str, graphql: GraphQL, api_keys: dict[Role, str], artifacts: Path
) -> None:
    await open_explorer(page, service, api_keys[Role.ANALYST])
    await choose_overlay(page, "transfers", "#transfer-countries")

    paths = (
        await api(
            graphql,
            "{ transferAssessment(regime: EU, first: 500) { paths { hops {"
            " id edgeId channel country verdict reason evidence legalBasis { article } } } } }",
        )
    )["transferAssessment"]["paths"]
    hops = [hop for path in paths for hop in path["hops"]]
    by_country: dict[str, list[str]] = {}
    by_flow: dict[str, list[str]] = {}
    for hop in hops:
        if hop["country"]:
            by_country.setdefault(hop["country"], []).append(hop["verdict"])
        if hop["channel"] == "FLOW":
            by_flow.setdefault(hop["edgeId"], []).append(hop["verdict"])
    assert by_country and by_flow
    countries = await drawn_keys(page, "Country")
    for code, verdicts in by_country.items():
        if code in countries:
            assert code in await keys_with_class(page, "Country", f"verdict-{worst(verdicts)}")
    edge_classes = await cy(
        page,
        "cy => Object.fromEntries(cy.edges().map(e => [e.id(), e.classes().filter("
        "c => c.startsWith('verdict-'))]))",
    )
    coloured = {edge: classes for edge, classes in edge_classes.items() if classes}
    assert {edge for edge in by_flow if edge in edge_classes} <= set(coloured)
    for edge, verdicts in by_flow.items():
        if edge in edge_classes:
            assert edge_classes[edge] == [f"verdict-{worst(verdicts)}"]

    edge = await clear_edge(page, [edge for edge in by_flow if edge in edge_classes])
    await click_element(page, edge)
    await page.wait_for_selector("#details .evidence", state="attached")
    hop = next(hop for hop in hops if hop["edgeId"] == edge)
    details = await page.text_content("#details") or ""
    assert hop["legalBasis"]["article"] in details and hop["reason"] in details
    assert hop["evidence"][0] in await list_items(page, "#details .evidence")
    await page.screenshot(path=str(artifacts / "explorer-transfers-eu.png"))


async def test_the_access_plan_overlay_marks_where_the_data_is_and_the_gaps(
    page: Page, service: str, graphql: GraphQL, api_keys: dict[Role, str], artifacts: Path
) -> None:
    await open_explorer(page, service, api_keys[Role.ANALYST])
    await page.fill("input[name=subject]", SUBJECT)
    await choose_overlay(page, "access", "#access-gaps")

    plan = (
        await api(
            graphql,
            "query($s: ID!) { accessPlan(subject: $s) {"
            " locations { systemId } gaps { systemId } } }",
            s=SUBJECT,
        )
    )["accessPlan"]
    locations = {row["systemId"] for row in plan["locations"]}
    gaps = {row["systemId"] for row in plan["gaps"]}
    assert locations and gaps
    assert await keys_with_class(page, "System", "access") == locations
    assert await keys_with_class(page, "System", "gap") == gaps
    assert len(await list_items(page, "#access-locations")) == len(locations)
    assert len(await list_items(page, "#access-gaps")) == len(gaps)
    await page.screenshot(path=str(artifacts / "explorer-access-plan.png"))


async def test_the_deletion_plan_overlay_shows_the_steps_in_order_and_what_is_kept(
    page: Page, service: str, graphql: GraphQL, api_keys: dict[Role, str], artifacts: Path
) -> None:
    await open_explorer(page, service, api_keys[Role.ANALYST])
    await page.fill("input[name=subject]", SUBJECT)
    await choose_overlay(page, "deletion", "#deletion-steps")

    plan = (
        await api(
            graphql,
            "query($s: ID!) { deletionPlan(subject: $s) {"
            " steps { systems actions { system action } } blockers { system } } }",
            s=SUBJECT,
        )
    )["deletionPlan"]
    steps = await list_items(page, "#deletion-steps")
    assert [step.split(":")[0] for step in steps] == [
        " + ".join(step["systems"]) for step in plan["steps"]
    ]
    actions = [action for step in plan["steps"] for action in step["actions"]]
    keeping = {"RESTRICT", "EXPIRE_FROM_BACKUP"}
    kept = {a["system"] for a in actions if a["action"] in keeping}
    erased = {a["system"] for a in actions if a["action"] not in keeping}
    assert kept and erased
    assert await keys_with_class(page, "System", "kept") == kept
    assert await keys_with_class(page, "System", "deletion") == erased
    assert await keys_with_class(page, "System", "gap") == {b["system"] for b in plan["blockers"]}
    first = plan["steps"][0]["systems"][0]
    label = await cy(
        page, "(cy, id) => cy.getElementById(id).data('stepLabel')", encode("System", first)
    )
    assert label.startswith("1. ")
    await page.screenshot(path=str(artifacts / "explorer-deletion-plan.png"))


async def test_a_viewer_sees_the_map_without_the_overlays(
    page: Page, service: str, graphql: GraphQL, api_keys: dict[Role, str]
) -> None:
    await open_explorer(page, service, api_keys[Role.VIEWER])
    nodes, edges = await drawn_map(graphql)
    assert await counts(page) == (len(nodes), len(edges))
    assert await page.is_visible("#overlay-note")
    for overlay in ("transfers", "access", "deletion"):
        assert await page.is_disabled(f"input[name=overlay][value={overlay}]")
    await click_element(page, encode("System", "accounts-db"))
    await page.locator("#details", has_text="Lineage needs an analyst key").wait_for()


async def test_a_refused_key_brings_the_key_prompt_back(
    page: Page, service: str, api_keys: dict[Role, str]
) -> None:
    await page.goto(f"{service}/explorer")
    assert await page.is_visible("#key-dialog")
    await enter_key(page, "dmk_000000000000_not-a-key")
    await page.locator("#key-reason", has_text="401 UNAUTHENTICATED").wait_for()
    assert await page.is_visible("#key-dialog")
    assert "datamap keys create --role viewer" in (await page.text_content("#key-dialog") or "")
    await redrawn(page, enter_key(page, api_keys[Role.VIEWER]))
    assert await page.is_hidden("#key-dialog")


@pytest.mark.parametrize(
    ("name", "value", "field"),
    [("subject", "nobody", "filter.subject"), ("category", "user.nothing", "filter.category")],
)
async def test_an_unknown_filter_value_is_said_on_the_page(
    page: Page, service: str, api_keys: dict[Role, str], name: str, value: str, field: str
) -> None:
    await open_explorer(page, service, api_keys[Role.VIEWER])
    await page.fill(f"input[name={name}]", value)
    await page.click("#filters button[type=submit]")
    error = page.locator("#error")
    await error.filter(has_text=value).wait_for()
    assert (await error.text_content() or "").startswith(f"BAD_USER_INPUT ({field}): ")


async def test_the_grouped_view_opens_a_group_and_a_neighbourhood(
    page: Page, service: str, graphql: GraphQL, api_keys: dict[Role, str], artifacts: Path
) -> None:
    await open_explorer(page, service, api_keys[Role.VIEWER])
    await page.select_option("select[name=grouping]", "OWNER_TEAM")
    await redrawn(page, page.click("#filters button[type=submit]"))
    overview = (
        await api(
            graphql,
            "{ mapOverview(groupBy: OWNER_TEAM) { groups { key } flows { source target } } }",
        )
    )["mapOverview"]
    between = [flow for flow in overview["flows"] if flow["source"] != flow["target"]]
    assert await page.get_attribute("#counts", "data-groups") == str(len(overview["groups"]))
    assert await counts(page) == (0, len(between))

    await redrawn(page, click_element(page, "group:platform"))
    opened = (
        await api(
            graphql,
            '{ mapGroup(groupBy: OWNER_TEAM, key: "platform") { nodes { id kind group } } }',
        )
    )["mapGroup"]["nodes"]
    members = {n["id"] for n in opened if n["kind"] == "System" and n["group"] == "platform"}
    assert await drawn_keys(page, "Group") == {g["key"] for g in overview["groups"]} - {"platform"}
    systems = await cy(page, "cy => cy.nodes('[kind = \"System\"]').map(n => n.id())")
    assert set(systems) == members

    start = encode("System", "accounts-db")
    await click_element(page, start)
    await redrawn(page, page.click("#neighbourhood"))
    around = (
        await api(
            graphql,
            "query($id: ID!) { mapNeighbourhood(id: $id) { nodes { id } } }",
            id=start,
        )
    )["mapNeighbourhood"]["nodes"]
    shown = set(await cy(page, "cy => cy.nodes().map(n => n.id())"))
    assert {node["id"] for node in around} <= shown
    assert encode("Country", "IN") in shown
    await page.screenshot(path=str(artifacts / "explorer-grouped-neighbourhood.png"))


async def test_opening_past_the_limit_closes_the_oldest_group_again(
    page: Page, service: str, api_keys: dict[Role, str]
) -> None:
    await open_explorer(page, service, api_keys[Role.VIEWER])
    await page.select_option("select[name=grouping]", "OWNER_TEAM")
    await redrawn(page, page.click("#filters button[type=submit]"))
    await redrawn(page, click_element(page, "group:platform"))
    limit = await page.evaluate("() => window.datamapExplorer.limits.MAX_OPENINGS")
    start = encode("System", "accounts-db")
    for _ in range(limit - 1):
        await click_element(page, start)
        await redrawn(page, page.click("#neighbourhood"))
    assert "platform" not in await drawn_keys(page, "Group")

    await click_element(page, start)
    await redrawn(page, page.click("#neighbourhood"))
    assert "platform" in await drawn_keys(page, "Group")
    opened = await page.evaluate("() => [...window.datamapExplorer.state.opened]")
    assert opened == []
    assert start in set(await cy(page, "cy => cy.nodes().map(n => n.id())"))
