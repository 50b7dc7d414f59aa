"""The browser tests' fixtures: the real service on a loopback port against the test Neo4j with
the seeds loaded, and Debian's Chromium through Playwright; every page checks at its end that it
asked nothing of any host but the service."""

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page

from app.settings import PROJECT_ROOT, Settings
from bench.browser import chromium, offsite_requests, served
from graph.database import Database
from resolvers.auth.principal import Role

ARTIFACTS = PROJECT_ROOT / "var" / "test" / "artifacts"
PAGE_TIMEOUT_MS = 120_000


@pytest.fixture(scope="session")
def service(neo4j_server: Settings, seeded: Database, api_keys: dict[Role, str]) -> Iterator[str]:
    """The base URL of the service, serving the seeded test graph."""
    with served(neo4j_server) as base_url:
        yield base_url


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    async with chromium() as launched:
        yield launched


@pytest.fixture
async def page(browser: Browser, service: str) -> AsyncIterator[Page]:
    context = await browser.new_context(viewport={"width": 1600, "height": 1000})
    # The first page of a session waits for Neo4j to plan the map's statements, which on a loaded
    # 2-core machine took over Playwright's default 30 s.
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    opened = await context.new_page()
    offsite = offsite_requests(opened, service)
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    yield opened
    await context.close()
    assert offsite == [], f"the page asked other hosts: {offsite}"
    assert errors == [], f"the page's scripts failed: {errors}"


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
