"""A real browser on the real service, for the browser tests and the explorer bench: the service
served by uvicorn in a thread on a free loopback port, and Debian's Chromium driven by
Playwright (the browser builds Playwright downloads are not reachable; `make test` installs
`chromium` from Debian when it is missing)."""

import shutil
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Iterator
from contextlib import asynccontextmanager, contextmanager

import uvicorn
from playwright.async_api import Browser, Page, async_playwright

from app.main import create_app
from app.settings import Settings
from bench.soak import HOST, free_port

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
START_TIMEOUT_S = 30.0


@contextmanager
def served(settings: Settings) -> Iterator[str]:
    """The service on a free port of 127.0.0.1 for the block; yields its base URL."""
    port = free_port()
    config = uvicorn.Config(
        create_app(settings), host=HOST, port=port, log_level="warning", lifespan="on"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="datamap-service", daemon=True)
    thread.start()
    deadline = time.monotonic() + START_TIMEOUT_S
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"the service did not start on {HOST}:{port}")
        time.sleep(0.05)
    try:
        yield f"http://{HOST}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=START_TIMEOUT_S)


@asynccontextmanager
async def chromium() -> AsyncIterator[Browser]:
    if shutil.which(CHROMIUM) is None:
        raise RuntimeError(
            f"no {CHROMIUM}: install Debian's chromium (`apt-get install -y chromium`; "
            "`make test` does it)"
        )
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            await browser.close()


def offsite_requests(page: Page, base_url: str) -> list[str]:
    """The URLs the page asks for from anywhere but the service (filled in as it runs)."""
    offsite: list[str] = []

    def check(url: str) -> None:
        if not (url.startswith(base_url + "/") or url.startswith("data:")):
            offsite.append(url)

    page.on("request", lambda request: check(request.url))
    return offsite


async def enter_key(page: Page, key: str) -> None:
    """Type the API key into the explorer's key prompt, as a person would."""
    await page.fill("#key-form input[name=key]", key)
    await page.click("#key-form button[type=submit]")


async def redrawn(page: Page, action: Awaitable[object]) -> None:
    """Run `action` and wait until the explorer has drawn again after it (`body[data-drawn]`
    counts the draws)."""
    before = await page.get_attribute("body", "data-drawn") or "0"
    await action
    await page.wait_for_selector(f'body[data-drawn]:not([data-drawn="{before}"])', state="attached")


async def click_element(page: Page, element_id: str) -> None:
    """Click a node (its centre) or an edge (its midpoint) of the explorer's diagram."""
    box = await page.locator("#graph").bounding_box()
    assert box is not None
    point = await page.evaluate(
        """(id) => {
            const element = window.datamapExplorer.cy.getElementById(id);
            return element.isNode() ? element.renderedPosition() : element.renderedMidpoint();
        }""",
        element_id,
    )
    await page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
