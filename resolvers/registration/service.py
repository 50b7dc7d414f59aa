"""Registering and retiring: each mutation, bulk included, is one write transaction that checks
the references, upserts, and writes one audit event per entity; any failure rolls all of it back."""

from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from neo4j import AsyncManagedTransaction

from graph.database import Database, Record
from graph.queries import audit as audit_queries
from graph.queries import registration as queries
from resolvers.audit import event
from resolvers.auth import Principal
from resolvers.errors import BadUserInput, NotFound
from resolvers.registration.inputs import (
    DataFlowInput,
    OrganisationInput,
    ProcessorInput,
    Retirement,
    SafeguardInput,
    SubProcessorInput,
    SystemInput,
)
from resolvers.registration.vocabulary import country_name

Upsert = Callable[[AsyncManagedTransaction], Awaitable[list[Record]]]


@dataclass(frozen=True)
class Reference:
    field: str
    label: str
    id: str


@dataclass(frozen=True)
class Outcome:
    """What one registration did: the datamap id, whether it is new, whether anything changed."""

    id: str
    created: bool
    changed: bool


def normalised(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {key: normalised(item) for key, item in value.items()}
    if isinstance(value, list):
        return sorted((normalised(item) for item in value), key=repr)
    return value


def outcome(row: Record) -> Outcome:
    before, after = row["before"], row["after"]
    return Outcome(
        id=row["id"],
        created=before is None,
        changed=before is None or normalised(before) != normalised(after),
    )


def countries(codes: Iterable[str]) -> dict[str, str]:
    return {code: country_name(code) or code for code in codes}


async def register(
    db: Database,
    actor: Principal,
    operation: str,
    entity_type: str,
    references: list[Reference],
    upsert: Upsert,
) -> list[Outcome]:
    async def work(tx: AsyncManagedTransaction) -> list[Record]:
        invalid = await queries.invalid_references(
            tx, db, [vars(reference) for reference in references]
        )
        if invalid:
            first = invalid[0]
            state = "is retired" if first["retired"] else "does not exist"
            raise BadUserInput(f"{first['label']} {first['id']} {state}", field=first["field"])
        rows = await upsert(tx)
        await audit_queries.write_events(
            tx,
            db,
            [
                event(actor, operation, entity_type, row["id"], row["before"], row["after"])
                for row in rows
            ],
        )
        return rows

    return [outcome(row) for row in await db.write_tx(work)]


def engagement_id(engager_id: str, organisation_id: str) -> str:
    return f"{engager_id}>{organisation_id}"


def organisation_row(
    item: OrganisationInput, engager_id: str, engagement: dict[str, Any]
) -> dict[str, Any]:
    return {
        "id": item.id,
        "engager_id": engager_id,
        "props": {
            "source": item.source,
            "external_id": item.external_id,
            "legal_name": item.legal_name,
            "country": item.country,
            "website": item.website,
            "dpa_signed": item.dpa_signed,
            "subject_to": sorted(set(item.subject_to)),
            "kind": "COMPANY",
        },
        "engagement": {
            "id": engagement_id(engager_id, item.id),
            "props": {
                "source": item.source,
                "service": item.service,
                "categories": sorted(set(item.categories)),
                **engagement,
            },
        },
    }


async def register_processors(
    db: Database, actor: Principal, operation: str, items: list[tuple[str, ProcessorInput]]
) -> list[Outcome]:
    """`items`: each input with its GraphQL path (`input`, `inputs[3]`)."""
    engagement = {"role": "PROCESSOR", "authorisation": None, "authorised_on": None}
    rows = [organisation_row(item, item.engaged_by, engagement) for _, item in items]
    references = [
        Reference(f"{path}.engagedBy", "Organisation", item.engaged_by) for path, item in items
    ]
    codes = countries(item.country for _, item in items)
    return await register(
        db,
        actor,
        operation,
        "Organisation",
        references,
        lambda tx: queries.upsert_organisations(tx, db, rows, codes),
    )


async def register_sub_processor(
    db: Database, actor: Principal, operation: str, path: str, item: SubProcessorInput
) -> list[Outcome]:
    engagement = {
        "role": "SUB_PROCESSOR",
        "authorisation": item.authorisation.value,
        "authorised_on": item.authorised_on,
        "notice_days": item.notice_days,
    }
    rows = [organisation_row(item, item.processor_id, engagement)]
    references = [Reference(f"{path}.processorId", "Organisation", item.processor_id)]
    codes = countries([item.country])
    return await register(
        db,
        actor,
        operation,
        "Organisation",
        references,
        lambda tx: queries.upsert_organisations(tx, db, rows, codes),
    )


async def register_system(
    db: Database, actor: Principal, operation: str, path: str, item: SystemInput
) -> list[Outcome]:
    hosted_in = sorted(set(item.hosted_in))
    row = {
        "id": item.id,
        "operator_id": item.operator_id,
        "operator_role": item.operator_role.value,
        "hosted_in": hosted_in,
        "props": {
            "source": item.source,
            "external_id": item.external_id,
            "name": item.name,
            "kind": item.kind.value,
            "description": item.description,
            "owner_team": item.owner_team,
            "deletion_method": None if item.deletion_method is None else item.deletion_method.value,
            "retrieval_method": item.retrieval_method,
            "identifiers": list(item.identifiers),
            "rotation_days": item.rotation_days,
        },
    }
    references = [Reference(f"{path}.operatorId", "Organisation", item.operator_id)]
    codes = countries(hosted_in)
    return await register(
        db,
        actor,
        operation,
        "System",
        references,
        lambda tx: queries.upsert_systems(tx, db, [row], codes),
    )


async def register_data_flow(
    db: Database, actor: Principal, operation: str, path: str, item: DataFlowInput
) -> list[Outcome]:
    row = {
        "id": item.id,
        "from_id": item.from_system_id,
        "to_system_id": item.to_system_id,
        "to_organisation_id": item.to_organisation_id,
        "props": {
            "source": item.source,
            "external_id": item.external_id,
            "categories": sorted(set(item.categories)),
            "purpose": item.purpose,
            "mode": item.mode.value,
        },
    }
    references = [Reference(f"{path}.fromSystemId", "System", item.from_system_id)]
    if item.to_system_id is not None:
        references.append(Reference(f"{path}.toSystemId", "System", item.to_system_id))
    if item.to_organisation_id is not None:
        references.append(
            Reference(f"{path}.toOrganisationId", "Organisation", item.to_organisation_id)
        )
    return await register(
        db,
        actor,
        operation,
        "DataFlow",
        references,
        lambda tx: queries.upsert_flows(tx, db, [row]),
    )


async def register_safeguard(
    db: Database, actor: Principal, operation: str, path: str, item: SafeguardInput
) -> list[Outcome]:
    row = {
        "id": item.id,
        "exporter_id": item.exporter_id,
        "importer_id": item.importer_id,
        "props": {
            "source": item.source,
            "external_id": item.external_id,
            "type": item.type.value,
            "module": item.module,
            "derogation": item.derogation,
            "regimes": sorted({regime.value for regime in item.regimes}),
            "signed_on": item.signed_on,
            "expires_on": item.expires_on,
            "tia_on": item.tia_on,
            "tia_outcome": None if item.tia_outcome is None else item.tia_outcome.value,
            "supplementary_measures": list(item.supplementary_measures),
        },
    }
    references = [
        Reference(f"{path}.exporterId", "Organisation", item.exporter_id),
        Reference(f"{path}.importerId", "Organisation", item.importer_id),
    ]
    return await register(
        db,
        actor,
        operation,
        "Safeguard",
        references,
        lambda tx: queries.upsert_safeguards(tx, db, [row]),
    )


async def retire(
    db: Database,
    actor: Principal,
    operation: str,
    kind: queries.RetirableKind,
    entity_type: str,
    item: Retirement,
) -> date:
    """Retire one entity; the date it is retired on (an earlier retirement stays)."""

    async def work(tx: AsyncManagedTransaction) -> Record | None:
        row = await queries.retire(tx, db, kind, item.id, item.on)
        if row is not None:
            await audit_queries.write_events(
                tx, db, [event(actor, operation, entity_type, item.id, row["before"], row["after"])]
            )
        return row

    row = await db.write_tx(work)
    if row is None:
        raise NotFound(f"no {entity_type} {item.id}", field="id")
    retired_on: date = row["after"]["retired_on"].to_native()
    return retired_on
