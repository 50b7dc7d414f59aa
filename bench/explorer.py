"""The explorer in a real browser on a generated map (10,000 systems by default): the time from a
tap until the diagram is drawn again, for the first (grouped) view, opening a group and showing
a system's neighbourhood, split into the API's answer and the drawing (layout included), and
what the page asked of the API: the largest answer, and that no request asked for the whole map.

Run once on a quiet machine: `python -m bench.explorer [--scale 10k] [--opens 3]` (its own Neo4j
under var/bench/neo4j-<scale>, loaded by bench.generate when it does not hold the map yet, on
`DATAMAP_LOCAL_NEO4J_PORT`, 7707 unless set). Results go to bench/results/explorer-<date>.json."""

import argparse
import asyncio
import json
import os
import statistics
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from playwright.async_api import CDPSession, Page, Request

from app.settings import PROJECT_ROOT, Settings
from bench.browser import chromium, enter_key, offsite_requests, redrawn, served
from bench.generate import SCALES
from bench.run import RESULTS, cpu_check_ms, loaded, machine, neo4j_server
from graph.database import Database
from graph.queries import map_view
from resolvers.auth import keys
from resolvers.auth.principal import Principal, Role

TARGET_MS = 500
MAP_FIELDS = (
    "nodes { id kind key label attributes group } edges { id kind source target attributes } "
    "totalNodes truncated"
)
"""What the page asks of each map part (app/static/explorer/explorer.js)."""
GROUP = (
    "query Group($groupBy: MapGrouping!, $key: String!, $maxNodes: Int) { "
    "mapGroup(groupBy: $groupBy, key: $key, maxNodes: $maxNodes) { " + MAP_FIELDS + " } }"
)
AROUND = (
    "query Around($id: ID!) { mapNeighbourhood(id: $id, groupBy: OWNER_TEAM) { "
    + MAP_FIELDS
    + " } }"
)
GROUP_PAGE = 150
WARM_UP_RUNS = 3
CAP = Settings().datamap_max_nodes


@dataclass
class Expansion:
    what: str
    element: str
    wall_ms: float
    fetch_ms: int
    draw_ms: int
    nodes_drawn: int
    edges_drawn: int
    heap_mb: float


@dataclass
class Answer:
    what: str
    argument: str
    ms: float
    bytes: int
    nodes: int
    edges: int


@dataclass
class Result:
    scale: str
    systems: int
    first_view_ms: float
    first_view_groups: int
    first_view_heap_mb: float = 0.0
    expansions: list[Expansion] = field(default_factory=list)
    answers: list[Answer] = field(default_factory=list)
    round_heap_mb: list[float] = field(default_factory=list)
    operations: list[str] = field(default_factory=list)
    requests: int = 0
    largest_answer_bytes: int = 0
    whole_map_asked: bool = False

    def summary(self, what: str) -> dict[str, float]:
        chosen = [e for e in self.expansions if e.what == what]
        summary: dict[str, float] = {"expansions": len(chosen)}
        for name in ("wall_ms", "fetch_ms", "draw_ms"):
            values = [float(getattr(e, name)) for e in chosen]
            summary[f"{name[:-3]}_p50_ms"] = round(statistics.median(values), 1)
            summary[f"{name[:-3]}_p95_ms"] = round(percentile(values, 95), 1)
            summary[f"{name[:-3]}_max_ms"] = round(max(values), 1)
        return summary

    def api_summary(self, what: str) -> dict[str, float]:
        values = [a.ms for a in self.answers if a.what == what]
        return {
            "answers": len(values),
            "p50_ms": round(statistics.median(values), 1),
            "p95_ms": round(percentile(values, 95), 1),
            "max_ms": round(max(values), 1),
            "largest_bytes": max(a.bytes for a in self.answers if a.what == what),
        }


def percentile(values: list[float], p: int) -> float:
    """The nearest-rank percentile: the smallest value at least p % of the values are at most."""
    ordered = sorted(values)
    return ordered[max(0, -(-len(ordered) * p // 100) - 1)]


async def heap_mb(cdp: CDPSession) -> float:
    """The page's used JavaScript heap after a full garbage collection, in MB (through the
    DevTools protocol: `performance.memory` is coarse and not collected first)."""
    await cdp.send("HeapProfiler.collectGarbage")
    usage = await cdp.send("Runtime.getHeapUsage")
    return round(float(usage["usedSize"]) / 1e6, 1)


async def tap(page: Page, element: str) -> None:
    """Tap a node through Cytoscape's own event (what a click on it emits), so a node drawn
    small among thousands is hit exactly. The function returns nothing: `emit` returns the
    element, and Playwright serialising it (and the whole Cytoscape core it reaches) took 20 to
    90 s on the page's main thread, inside the expansion's measured fetch, and grew the heap past
    2 GB until the renderer crashed."""
    await page.evaluate(
        "(id) => { window.datamapExplorer.cy.getElementById(id).emit('tap'); }", element
    )


async def drawn_counts(page: Page) -> tuple[int, int]:
    nodes = await page.get_attribute("#counts", "data-nodes")
    edges = await page.get_attribute("#counts", "data-edges")
    return int(nodes or 0), int(edges or 0)


async def expansion(page: Page, cdp: CDPSession, what: str, element: str, action: Any) -> Expansion:
    started = time.perf_counter()
    await redrawn(page, action)
    wall_ms = round((time.perf_counter() - started) * 1000, 1)
    nodes, edges = await drawn_counts(page)
    return Expansion(
        what=what,
        element=element,
        wall_ms=wall_ms,
        fetch_ms=int(await page.get_attribute("body", "data-last-fetch-ms") or 0),
        draw_ms=int(await page.get_attribute("body", "data-last-draw-ms") or 0),
        nodes_drawn=nodes,
        edges_drawn=edges,
        heap_mb=await heap_mb(cdp),
    )


async def explore(
    page: Page, base_url: str, key: str, scale: str, opens: int, rounds: int
) -> Result:
    """The first view, then `rounds` times: open the first `opens` groups one after another and
    after each a system's neighbourhood, then draw the first view again (Apply) and take the
    heap; the same work each round, so a heap that grows from round to round is kept by the
    page."""
    asked: list[str] = []
    sizes: list[int] = []

    def record(request: Request) -> None:
        if request.url.endswith("/graphql") and request.post_data:
            asked.append(json.loads(request.post_data)["query"])

    async def measure_answer(response: Any) -> None:
        if response.url.endswith("/graphql"):
            sizes.append(len(await response.body()))

    cdp = await page.context.new_cdp_session(page)
    page.on("request", record)
    page.on("response", lambda response: asyncio.ensure_future(measure_answer(response)))
    await page.goto(f"{base_url}/explorer")
    started = time.perf_counter()
    await redrawn(page, enter_key(page, key))
    first_view_ms = round((time.perf_counter() - started) * 1000, 1)
    groups = await page.evaluate(
        "() => window.datamapExplorer.cy.nodes('[kind = \"Group\"]').map(n => n.id())"
    )
    result = Result(
        scale=scale,
        systems=SCALES[scale],
        first_view_ms=first_view_ms,
        first_view_groups=len(groups),
        first_view_heap_mb=await heap_mb(cdp),
    )
    print(f"first view: {first_view_ms} ms, {len(groups)} groups", flush=True)
    for done in range(rounds):
        await explore_round(page, cdp, result, sorted(groups)[:opens])
        await redrawn(page, page.click("#filters button[type=submit]"))
        result.round_heap_mb.append(await heap_mb(cdp))
        print(f"round {done + 1}: heap {result.round_heap_mb[-1]} MB at the first view", flush=True)
    await asyncio.sleep(0.5)  # the last answers' bodies
    result.operations = sorted({" ".join(query.split())[:120] for query in asked})
    result.requests = len(asked)
    result.largest_answer_bytes = max(sizes, default=0)
    result.whole_map_asked = any("dataMap(" in query for query in asked)
    return result


async def explore_round(page: Page, cdp: CDPSession, result: Result, groups: list[str]) -> None:
    for group in groups:
        result.expansions.append(
            await expansion(page, cdp, "open a group", group, tap(page, group))
        )
        print(result.expansions[-1], flush=True)
        members = await page.evaluate(
            """(key) => {
                const { cy, state } = window.datamapExplorer;
                return cy.nodes('[kind = "System"]').map(n => n.id())
                    .filter(id => state.systemGroup.get(id) === key);
            }""",
            group.removeprefix("group:"),
        )
        system = sorted(members)[0]
        await tap(page, system)
        await page.wait_for_selector("#neighbourhood")
        neighbourhood = page.click("#neighbourhood")
        result.expansions.append(
            await expansion(page, cdp, "a system's neighbourhood", system, neighbourhood)
        )
        print(result.expansions[-1], flush=True)


async def api_answers(base_url: str, key: str, groups: list[str]) -> list[Answer]:
    """Each group opened over HTTP (httpx, the page's document and page size), then the
    neighbourhood of its first system: the API's side of an expansion, without the browser."""
    answers: list[Answer] = []
    headers = {"Authorization": f"Bearer {key}"}
    async with httpx.AsyncClient(base_url=base_url, headers=headers, timeout=120) as http:

        async def ask(what: str, argument: str, query: str, variables: dict[str, Any]) -> Any:
            started = time.perf_counter()
            response = await http.post("/graphql", json={"query": query, "variables": variables})
            ms = round((time.perf_counter() - started) * 1000, 1)
            body = response.json()
            if "errors" in body:
                raise RuntimeError(f"{what} {argument}: {body['errors']}")
            part = next(iter(body["data"].values()))
            size = len(response.content)
            answers.append(Answer(what, argument, ms, size, len(part["nodes"]), len(part["edges"])))
            return part

        for group in groups:
            variables = {"groupBy": "OWNER_TEAM", "key": group, "maxNodes": GROUP_PAGE}
            opened = await ask("mapGroup", group, GROUP, variables)
            system = next(node["id"] for node in opened["nodes"] if node["kind"] == "System")
            await ask("mapNeighbourhood", system, AROUND, {"id": system})
    return answers


async def warm_up(db: Database) -> None:
    """Run the page's statements (their text, so their plans) a few times first: Neo4j plans a
    statement on its first run, which took seconds for these on this machine, and caches the plan
    while it runs. The times measured are then those of a service that has answered these
    before (other groups and systems than the ones the browser opens)."""
    for _ in range(WARM_UP_RUNS):
        groups = (await map_view.overview(db, "OWNER_TEAM", {}))["groups"]
        for group in groups[-2:]:
            await map_view.group(db, "OWNER_TEAM", group["key"], {}, max_nodes=CAP)
        system = await db.read("MATCH (s:System) RETURN s.id AS id ORDER BY s.id DESC LIMIT 1")
        await map_view.neighbourhood(db, "OWNER_TEAM", "System", system[0]["id"], max_nodes=CAP)


async def run(args: argparse.Namespace) -> Result:
    settings = Settings(local_neo4j_data_dir=args.data_dir / f"neo4j-{args.scale}")
    with neo4j_server(settings):
        db = Database.connect(settings)
        try:
            await loaded(db, SCALES[args.scale], args.seed)
            await warm_up(db)
            groups = [g["key"] for g in (await map_view.overview(db, "OWNER_TEAM", {}))["groups"]]
            actor = Principal(key_id="bench", role=Role.ADMIN)
            key = (await keys.create(db, Role.VIEWER, "bench explorer", actor)).key
        finally:
            await db.close()
        with served(settings) as base_url:
            answers = await api_answers(base_url, key, groups)
            async with chromium() as browser:
                context = await browser.new_context(viewport={"width": 1600, "height": 1000})
                page = await context.new_page()
                page.on("console", lambda message: print("page:", message.text, flush=True))
                page.on("crash", lambda _: print("page: the renderer crashed", flush=True))
                offsite = offsite_requests(page, base_url)
                result = await explore(page, base_url, key, args.scale, args.opens, args.rounds)
                result.answers = answers
                await page.screenshot(path=str(args.data_dir / f"explorer-{args.scale}.png"))
                await context.close()
                if offsite:
                    raise RuntimeError(f"the explorer asked other hosts: {offsite}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=SCALES, default="10k")
    parser.add_argument("--opens", type=int, default=3, help="groups to open, one after another")
    parser.add_argument(
        "--rounds", type=int, default=1, help="times to open them again from the first view"
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--data-dir", type=Path, default=PROJECT_ROOT / "var" / "bench")
    parser.add_argument("--label", default="", help="added to the results file's name")
    args = parser.parse_args()
    os.environ.setdefault("DATAMAP_LOCAL_NEO4J_PORT", "7707")
    os.environ.setdefault("DATAMAP_LOCAL_NEO4J_HEAP_MB", "2048")
    os.environ.setdefault("DATAMAP_LOCAL_NEO4J_PAGE_CACHE_MB", "1024")
    started = datetime.now(UTC)
    before = {"load_average": machine()["load_average"], "cpu_check_ms": cpu_check_ms()}
    result = asyncio.run(run(args))
    after = {"load_average": machine()["load_average"], "cpu_check_ms": cpu_check_ms()}
    RESULTS.mkdir(exist_ok=True)
    label = f"-{args.label}" if args.label else ""
    out = RESULTS / f"explorer-{started.date().isoformat()}{label}.json"
    summaries = {what: result.summary(what) for what in {e.what for e in result.expansions}}
    api = {what: result.api_summary(what) for what in ("mapGroup", "mapNeighbourhood")}
    record = {
        "started": started.isoformat(timespec="seconds"),
        "ended": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "before": before,
        "after": after,
        "arguments": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
        "target_ms": TARGET_MS,
        "summary": summaries,
        "api": api,
        "result": asdict(result),
    }
    out.write_text(json.dumps(record, indent=2) + "\n")
    print(f"wrote {out}")
    print(f"first view: {result.first_view_ms} ms, {result.first_view_groups} groups")
    for item in result.expansions:
        print(
            f"{item.what} {item.element}: {item.wall_ms} ms (API {item.fetch_ms} ms, "
            f"drawing {item.draw_ms} ms), {item.nodes_drawn} nodes and {item.edges_drawn} "
            "edges drawn"
        )
    print(f"heap at the first view after each round: {result.round_heap_mb} MB")
    for what, summary in summaries.items():
        print(what, summary)
    for what, summary in api.items():
        print(f"over HTTP (httpx): {what} {summary}")
    print(
        f"largest answer {result.largest_answer_bytes} bytes; whole map asked: "
        f"{result.whole_map_asked}; load and CPU check before {before}, after {after}"
    )


if __name__ == "__main__":
    main()
