"""The pages the service serves itself: GraphiQL's assets and the explorer at /explorer. Every
asset is a file under app/static (the web libraries vendored from npm by app/static/vendor.sh), and
each page's Content-Security-Policy lets the browser load nothing from any other host."""

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles

STATIC = Path(__file__).parent / "static"

SAME_ORIGIN_ONLY = {
    "Content-Security-Policy": (
        "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "font-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; "
        "frame-ancestors 'none'"
    )
}


def graphiql_page() -> HTMLResponse:
    return HTMLResponse((STATIC / "graphiql" / "index.html").read_text(), headers=SAME_ORIGIN_ONLY)


def mount_pages(app: FastAPI) -> None:
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/explorer", include_in_schema=False)
    async def explorer_root() -> RedirectResponse:
        return RedirectResponse("/explorer/")

    @app.get("/explorer/", include_in_schema=False)
    async def explorer() -> FileResponse:
        return FileResponse(STATIC / "explorer" / "index.html", headers=SAME_ORIGIN_ONLY)
