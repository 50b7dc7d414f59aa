"""The FastAPI application: GraphQL at /graphql (with GraphiQL), the explorer at /explorer and
the two health probes."""

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from neo4j.exceptions import Neo4jError

from app.body_limit import BodyLimit
from app.documents import documents_router
from app.graphql_router import CodedGraphQLRouter
from app.lineage import lineage_router
from app.pages import mount_pages
from app.principal import request_principal_ahead
from app.settings import Settings, get_settings
from app.websocket import RefuseWebSocket
from graph.database import UNAVAILABLE_ERRORS, Database
from graph.migrations import migrate
from resolvers.auth.key_cache import KeyCache
from resolvers.auth.revocations import Revocations
from resolvers.errors import DatamapError, Unauthenticated
from resolvers.read.loaders import Loaders
from schema.build import build_schema
from schema.context import Context

logger = logging.getLogger("datamap")

AUTH_DISABLED_WARNING = (
    "\n" + "!" * 72 + "\n"
    "!! DATAMAP_AUTH_DISABLED=true: EVERY REQUEST IS SERVED AS AN ADMIN WITHOUT AN API KEY.\n"
    "!! Development only; never expose this service.\n" + "!" * 72
)

HTTP_STATUS = {
    "UNAUTHENTICATED": 401,
    "FORBIDDEN": 403,
    "BAD_USER_INPUT": 400,
    "NOT_FOUND": 404,
    "TIMEOUT": 504,
    "INTERNAL": 500,
}


def is_ide_page(request: Request) -> bool:
    """The GraphiQL page itself (a GET without a query), which runs no operation."""
    return request.method == "GET" and "query" not in request.query_params


class Readiness:
    """Whether Neo4j answers, and whether the constraints have been applied to it yet."""

    def __init__(self, db: Database, uri: str) -> None:
        self.db = db
        self.uri = uri
        self.migrated = False

    async def check(self) -> str | None:
        """None when ready, otherwise the reason it is not."""
        try:
            await self.db.verify()
            if not self.migrated:
                await migrate(self.db)
                self.migrated = True
        except UNAVAILABLE_ERRORS as error:
            return f"Neo4j does not answer at {self.uri}: {type(error).__name__}"
        except Neo4jError as error:
            return f"Neo4j refused: {error.code}"
        return None


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if settings.gc_threshold:
            gc.set_threshold(settings.gc_threshold, 50, 100)
        db = Database.connect(settings)
        app.state.db = db
        app.state.key_cache = KeyCache(settings.api_key_cache_seconds)
        app.state.revocations = Revocations(db.sibling(), app.state.key_cache)
        app.state.readiness = Readiness(db, settings.bolt_uri)
        reason = await app.state.readiness.check()
        if reason is not None:
            logger.warning("starting while not ready: %s", reason)
        if settings.auth_disabled:
            logger.warning(AUTH_DISABLED_WARNING)
        try:
            yield
        finally:
            await db.close()

    # The generated API pages describe every HTTP endpoint: off in production, like introspection.
    pages = not settings.production
    app = FastAPI(
        title="datamap",
        lifespan=lifespan,
        docs_url="/docs" if pages else None,
        redoc_url="/redoc" if pages else None,
        openapi_url="/openapi.json" if pages else None,
    )
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(RefuseWebSocket)

    @app.exception_handler(DatamapError)
    async def refused(request: Request, error: DatamapError) -> JSONResponse:
        """A request refused outside GraphQL execution: while authenticating (no key: 401; no
        Neo4j to check it: 503), or by a plain HTTP endpoint (its role, input or subject)."""
        extensions: dict[str, object] = {"code": error.code}
        if error.field is not None:
            extensions["field"] = error.field
        if error.suggestions and not settings.production:
            extensions["suggestions"] = error.suggestions
        body = {"data": None, "errors": [{"message": error.message, "extensions": extensions}]}
        unauthenticated = isinstance(error, Unauthenticated)
        return JSONResponse(
            body,
            status_code=HTTP_STATUS.get(error.code, 503),
            headers={"WWW-Authenticate": "Bearer"} if unauthenticated else None,
        )

    async def get_context(request: Request) -> Context:
        db: Database = request.app.state.db
        context = Context(
            db=db,
            settings=settings,
            key_cache=request.app.state.key_cache,
            loaders=Loaders(db),
        )
        if settings.auth_disabled or not is_ide_page(request):
            context.principal, context.confirm = await request_principal_ahead(request, settings)
        return context

    graphql = CodedGraphQLRouter(
        build_schema(settings),
        hide_suggestions=settings.production,
        max_response_bytes=settings.max_response_bytes,
        context_getter=get_context,
        graphql_ide="graphiql" if settings.graphiql_enabled else None,
    )
    app.include_router(graphql, prefix="/graphql")
    app.include_router(documents_router(settings))
    app.include_router(lineage_router(settings))
    mount_pages(app)

    @app.get("/health/live")
    async def live() -> dict[str, str]:
        return {"status": "live"}

    @app.get("/health/ready")
    async def ready(request: Request) -> JSONResponse:
        reason = await request.app.state.readiness.check()
        if reason is None:
            return JSONResponse({"status": "ready"})
        return JSONResponse({"status": "unavailable", "reason": reason}, status_code=503)

    return app
