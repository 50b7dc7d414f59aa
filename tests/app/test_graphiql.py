"""GraphiQL at /graphql with no internet: the page and every asset it loads come from the
service, it opens with a first query and a Headers template, a 401 says how to get a key, and
with a key it runs the query (in Debian's Chromium)."""

import re
from pathlib import Path

import httpx
from playwright.async_api import Page

from app.pages import STATIC
from resolvers.auth.principal import Role

REFERENCE = re.compile(r'(?:src|href)="([^"]*)"')
QUERY_EDITOR = ".graphiql-query-editor .CodeMirror"
HEADERS_EDITOR = ".graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror"


async def test_the_ide_page_references_only_the_service(client: httpx.AsyncClient) -> None:
    page = await client.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert "default-src 'self'" in page.headers["content-security-policy"]
    references = REFERENCE.findall(page.text)
    assert references
    for url in references:
        assert url.startswith("/static/") or url.startswith("data:"), url
        if url.startswith("/static/"):
            asset = await client.get(url)
            assert asset.status_code == 200, url
    script = (STATIC / "graphiql" / "graphiql.js").read_text()
    assert "http" not in script.replace("HTTP 401", "")


def test_every_vendored_package_carries_its_licence_and_version() -> None:
    vendored = [path for path in (STATIC / "vendor").iterdir() if path.is_dir()]
    assert {path.name for path in vendored} >= {"graphiql", "react", "react-dom", "cytoscape"}
    for package in vendored:
        licence = Path(package / "LICENSE").read_text()
        assert "Permission is hereby granted" in licence, package.name  # MIT
        name, version = (package / "VERSION").read_text().split()
        assert name.endswith(package.name) and re.fullmatch(r"\d+\.\d+\.\d+", version)


async def editor_text(page: Page, selector: str) -> str:
    text = await page.locator(selector).first.text_content()
    return text or ""


async def run(page: Page) -> str:
    """Run the query and return the result pane's text once it has one."""
    await page.click(".graphiql-execute-button")
    await page.locator(".result-window", has_text='"data"').wait_for()
    return await editor_text(page, ".result-window")


async def test_graphiql_runs_the_first_query_offline(
    page: Page, service: str, api_keys: dict[Role, str]
) -> None:
    await page.goto(f"{service}/graphql")
    await page.wait_for_selector(QUERY_EDITOR)
    assert "query FirstLook" in await editor_text(page, QUERY_EDITOR)
    assert '"Bearer <key>"' in await editor_text(page, HEADERS_EDITOR)

    refused = await run(page)
    assert "UNAUTHENTICATED" in refused
    assert "datamap keys create --role viewer" in refused
    assert await page.is_visible("#key-hint")

    await page.click(HEADERS_EDITOR)
    await page.keyboard.press("Control+A")
    await page.keyboard.insert_text(f'{{"Authorization": "Bearer {api_keys[Role.VIEWER]}"}}')
    await page.click(".graphiql-execute-button")
    await page.locator(".result-window", has_text="nodeCounts").wait_for()
    answered = await editor_text(page, ".result-window")
    assert '"version"' in answered and "UNAUTHENTICATED" not in answered
    assert await page.is_hidden("#key-hint")
