"""Plans as documents over plain HTTP, for analysts who send them on: the same resolvers and
renderer as the GraphQL fields, the same API keys and the same role as the field."""

import datetime

from fastapi import APIRouter, Query, Request
from fastapi.responses import PlainTextResponse

from app.principal import request_principal_with
from app.settings import Settings
from resolvers.access.decisions import Regime
from resolvers.access.document import render_markdown
from resolvers.access.service import access_plan
from resolvers.access.transfers import transfer_answers
from resolvers.errors import BadUserInput
from schema.auth import FIELD_ROLES

ACCESS_ROLE = FIELD_ROLES[("Query", "accessPlan")]


def _regime(value: str) -> Regime:
    try:
        return Regime(value.upper())
    except ValueError:
        known = ", ".join(regime.value for regime in Regime)
        raise BadUserInput(f"regime must be one of {known}", field="regime") from None


def _values(given: list[str] | None) -> list[str] | None:
    """A multi-value parameter given repeated (`?categories=a&categories=b`), comma-separated
    (`?categories=a,b`) or both: the same list either way."""
    if given is None:
        return None
    return [part.strip() for value in given for part in value.split(",") if part.strip()]


def _day(value: str | None) -> datetime.date:
    if value is None:
        return datetime.date.today()
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise BadUserInput("asOf must be a date such as 2025-06-30", field="asOf") from None


def documents_router(settings: Settings) -> APIRouter:
    router = APIRouter()

    @router.get("/plans/access.md", response_class=PlainTextResponse)
    async def access_plan_document(
        request: Request,
        subject: str | None = None,
        regime: str = "EU",
        categories: list[str] | None = Query(
            default=None, description="Category keys, repeated or comma-separated."
        ),
        as_of: str | None = Query(default=None, alias="asOf"),
    ) -> PlainTextResponse:
        """The access plan of `accessPlan { document }` as Markdown."""
        await request_principal_with(request, settings, ACCESS_ROLE, "the access plan")
        if not subject:
            raise BadUserInput("give the data subject key as `subject`", field="subject")
        db = request.app.state.db
        plan = await access_plan(
            db, settings, subject=subject, categories=_values(categories), regime=_regime(regime)
        )
        document = render_markdown(plan, await transfer_answers(db, plan, _day(as_of)))
        return PlainTextResponse(document, media_type="text/markdown; charset=utf-8")

    return router
