"""Plans as documents over plain HTTP, for analysts who send them on: the same resolvers and
renderer as the GraphQL fields, the same API keys and the same role as the field."""

import datetime
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, TypeVar

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response

from app.principal import request_principal_with
from app.settings import Settings
from resolvers.access.document import access_response, access_working_plan, render_markdown
from resolvers.access.service import access_plan, response_names
from resolvers.access.transfers import transfer_answers
from resolvers.breach import document as breach_document
from resolvers.breach.decisions import Impact, Kind
from resolvers.breach.service import breach_impact_of
from resolvers.deletion.decisions import Plan
from resolvers.deletion.document import Law, deletion_response, deletion_working_plan
from resolvers.deletion.service import deletion_plan, document_facts
from resolvers.documents import MEDIA_TYPES as DOCUMENT_TYPES
from resolvers.documents import Document, DocumentFormat, Names
from resolvers.errors import BadUserInput
from resolvers.records.document import MEDIA_TYPES, Format, filename, render
from resolvers.records.service import records_of
from resolvers.references import key_of
from schema.auth import FIELD_ROLES
from schema.vocabulary import RegimeKey

ACCESS_ROLE = FIELD_ROLES[("Query", "accessPlan")]
BREACH_ROLE = FIELD_ROLES[("Query", "breachImpact")]
RECORDS_ROLE = FIELD_ROLES[("Query", "recordsOfProcessing")]
DELETION_ROLE = FIELD_ROLES[("Query", "deletionPlan")]


def _regime(value: str) -> str:
    try:
        return RegimeKey[value.upper()].name
    except KeyError:
        known = ", ".join(regime.name for regime in RegimeKey)
        raise BadUserInput(
            f"regime must be one of {known}",
            field="regime",
            suggestions=[regime.name for regime in RegimeKey],
        ) from None


def _values(given: list[str] | None) -> list[str] | None:
    """A multi-value parameter given repeated (`?categories=a&categories=b`), comma-separated
    (`?categories=a,b`) or both: the same list either way."""
    if given is None:
        return None
    return [part.strip() for value in given for part in value.split(",") if part.strip()]


F = TypeVar("F", bound=StrEnum)


def file_format(kind: type[F], value: str) -> F:
    try:
        return kind(value.lower())
    except ValueError:
        known = ", ".join(f.value for f in kind)
        raise BadUserInput(
            f"unknown format {value!r}: give one of {known}", field="format"
        ) from None


def _day(value: str | None) -> datetime.date:
    if value is None:
        return datetime.date.today()
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise BadUserInput("asOf must be a date such as 2025-06-30", field="asOf") from None


def _date(value: str | None, name: str) -> datetime.date | None:
    if value is None:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise BadUserInput(f"{name} must be a date such as 2025-06-30", field=name) from None


def _moment(value: str | None) -> datetime.datetime:
    if not value:
        raise BadUserInput("give awareAt, such as 2026-11-30T09:00:00Z", field="awareAt")
    try:
        return datetime.datetime.fromisoformat(value)
    except ValueError:
        raise BadUserInput(
            "awareAt must be a date and time such as 2026-11-30T09:00:00Z", field="awareAt"
        ) from None


def _kind(value: str) -> Kind:
    try:
        return Kind(value.upper())
    except ValueError:
        known = ", ".join(kind.value for kind in Kind)
        raise BadUserInput(f"kind must be one of {known}", field="kind") from None


@dataclass(frozen=True)
class Deletion:
    """A deletion document asked for: its format, file name part, plan and what it adds."""

    fmt: DocumentFormat
    name: str
    subject: str
    plan: Plan
    law: Law
    names: Names


def _attachment(document: Document, fmt: DocumentFormat, name: str) -> Response:
    return Response(
        document.render(fmt),
        media_type=DOCUMENT_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="{name}.{fmt.value}"'},
    )


def _subject(subject: str | None) -> str:
    if not subject or not subject.strip():
        raise BadUserInput("give the data subject key as `subject`", field="subject")
    return subject


def documents_router(settings: Settings) -> APIRouter:
    router = APIRouter()

    async def breach(
        request: Request,
        system_ids: list[str] | None = Query(
            default=None,
            alias="systemIds",
            description="Keys or global ids, repeated or comma-separated.",
        ),
        organisation_id: str | None = Query(default=None, alias="organisationId"),
        aware_at: str | None = Query(default=None, alias="awareAt"),
        kind: str = "CONFIDENTIALITY",
        categories: list[str] | None = Query(
            default=None, description="Category keys, repeated or comma-separated."
        ),
        subjects: list[str] | None = Query(
            default=None, description="Data-subject keys, repeated or comma-separated."
        ),
    ) -> Impact:
        """The breach impact both breach documents are made from."""
        await request_principal_with(request, settings, BREACH_ROLE, "the breach impact")
        return await breach_impact_of(
            request.app.state.db,
            system_ids=_values(system_ids),
            organisation_id=organisation_id,
            aware_at=_moment(aware_at),
            kind=_kind(kind),
            categories=_values(categories),
            subjects=_values(subjects),
        )

    @router.get("/plans/breach.md", response_class=PlainTextResponse)
    async def breach_markdown(impact: Annotated[Impact, Depends(breach)]) -> PlainTextResponse:
        """The draft notifications of `breachImpact { document }` as Markdown."""
        document = breach_document.render_markdown(breach_document.drafts(impact))
        return PlainTextResponse(document, media_type="text/markdown; charset=utf-8")

    @router.get("/plans/breach.json")
    async def breach_json(impact: Annotated[Impact, Depends(breach)]) -> JSONResponse:
        """The draft notifications of `breachImpact { notifications { json } }`, as one list."""
        drafts = [breach_document.as_json(d) for d in breach_document.drafts(impact)]
        return JSONResponse({"notifications": drafts})

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

    @router.get("/documents/access-response.{fmt}")
    async def access_response_document(
        request: Request,
        fmt: str,
        subject: str | None = None,
        regime: str = "EU",
        received_on: str | None = Query(default=None, alias="receivedOn"),
        as_of: str | None = Query(default=None, alias="asOf"),
    ) -> Response:
        """The answer to the data subject, from the plan `accessPlan` returns."""
        await request_principal_with(request, settings, ACCESS_ROLE, "the access response")
        chosen = file_format(DocumentFormat, fmt)
        if not subject:
            raise BadUserInput("give the data subject key as `subject`", field="subject")
        db = request.app.state.db
        plan = await access_plan(
            db,
            settings,
            subject=subject,
            categories=None,
            regime=_regime(regime),
            received_on=_date(received_on, "receivedOn"),
        )
        document = access_response(
            plan, await transfer_answers(db, plan, _day(as_of)), await response_names(db, plan)
        )
        name = f"access-response-{plan.subject}-{plan.regime.lower()}"
        return _attachment(document, chosen, name)

    @router.get("/documents/access-plan.{fmt}")
    async def access_plan_working_document(
        request: Request,
        fmt: str,
        subject: str | None = None,
        regime: str = "EU",
        categories: list[str] | None = Query(default=None),
        received_on: str | None = Query(default=None, alias="receivedOn"),
        as_of: str | None = Query(default=None, alias="asOf"),
    ) -> Response:
        """The analyst's working plan of `accessPlan { document }`, in any document format."""
        await request_principal_with(request, settings, ACCESS_ROLE, "the access plan")
        chosen = file_format(DocumentFormat, fmt)
        db = request.app.state.db
        plan = await access_plan(
            db,
            settings,
            subject=_subject(subject),
            categories=categories,
            regime=_regime(regime),
            received_on=_date(received_on, "receivedOn"),
        )
        document = access_working_plan(plan, await transfer_answers(db, plan, _day(as_of)))
        return _attachment(document, chosen, f"access-plan-{plan.subject}-{plan.regime.lower()}")

    async def deletion(
        request: Request,
        fmt: str,
        subject: str | None = None,
        regime: str = "EU",
        categories: list[str] | None = Query(default=None),
        as_of: str | None = Query(default=None, alias="asOf"),
        last_record_date: str | None = Query(default=None, alias="lastRecordDate"),
        received_on: str | None = Query(default=None, alias="receivedOn"),
    ) -> Deletion:
        """The deletion plan both deletion documents are made from, with its law and names."""
        await request_principal_with(request, settings, DELETION_ROLE, "the deletion plan")
        chosen = file_format(DocumentFormat, fmt)
        key = _regime(regime)
        db = request.app.state.db
        subject_key = key_of(_subject(subject), "DataSubject", field="subject")
        received = _date(received_on, "receivedOn")
        plan = await deletion_plan(
            db,
            subject=subject_key,
            categories=categories,
            regime=key,
            as_of=_day(as_of),
            last_record_date=_date(last_record_date, "lastRecordDate"),
        )
        law, names = await document_facts(db, plan, key, received)
        return Deletion(chosen, f"{subject_key}-{key.lower()}", subject_key, plan, law, names)

    @router.get("/documents/deletion-response.{fmt}")
    async def deletion_response_document(asked: Annotated[Deletion, Depends(deletion)]) -> Response:
        """The erasure confirmation to the data subject, from the plan `deletionPlan` returns."""
        document = deletion_response(asked.plan, asked.law, asked.names)
        return _attachment(document, asked.fmt, f"deletion-response-{asked.name}")

    @router.get("/documents/deletion-plan.{fmt}")
    async def deletion_plan_document(asked: Annotated[Deletion, Depends(deletion)]) -> Response:
        """The analyst's working deletion plan, from the plan `deletionPlan` returns."""
        document = deletion_working_plan(asked.plan, asked.subject, asked.law)
        return _attachment(document, asked.fmt, f"deletion-plan-{asked.name}")

    @router.get("/records/processing.{fmt}")
    async def records_of_processing(
        request: Request,
        fmt: str,
        profile: str = "GDPR",
        regime: str | None = None,
        as_of: str | None = Query(default=None, alias="asOf"),
    ) -> Response:
        """The records of processing of `recordsOfProcessing`, as XLSX, CSV or JSON."""
        await request_principal_with(request, settings, RECORDS_ROLE, "the records of processing")
        chosen = file_format(Format, fmt)
        records = await records_of(
            request.app.state.db, profile=profile, regime=regime, as_of=_day(as_of)
        )
        return Response(
            render(records, chosen),
            media_type=MEDIA_TYPES[chosen],
            headers={"Content-Disposition": f'attachment; filename="{filename(records, chosen)}"'},
        )

    return router
