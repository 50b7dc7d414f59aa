"""OpenLineage's HTTP transport endpoint: run, job and dataset events (spec 2-0-2) from pipelines,
sent with an integration key as `Authorization: Bearer`, as `openlineage-python` sends them."""

import gzip
import zlib

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from app.principal import request_principal_with
from app.settings import Settings
from resolvers.auth.principal import Role
from resolvers.errors import BadUserInput
from resolvers.ingest.service import ingest

INGEST_ROLE = Role.INTEGRATION


async def body_of(request: Request) -> bytes:
    body = await request.body()
    if request.headers.get("content-encoding", "").lower() != "gzip":
        return body
    try:
        return gzip.decompress(body)
    except (OSError, EOFError, zlib.error):
        raise BadUserInput("the body is not valid gzip", field="body") from None


def lineage_router(settings: Settings) -> APIRouter:
    router = APIRouter()

    @router.post("/api/v1/lineage", status_code=201)
    async def lineage_event(request: Request) -> JSONResponse:
        """Record one OpenLineage event: 201 with what it showed; a replay changes nothing."""
        principal = await request_principal_with(
            request, settings, INGEST_ROLE, "sending lineage events"
        )
        result = await ingest(request.app.state.db, principal, await body_of(request))
        return JSONResponse(
            {
                "eventId": result.event_id,
                "replayed": result.replayed,
                "flows": result.observed_flows,
                "unmappedDatasets": result.unmapped_datasets,
            },
            status_code=200 if result.replayed else 201,
        )

    return router
