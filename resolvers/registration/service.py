"""Registering and retiring: each mutation, bulk included, is one write transaction that checks
the references, upserts, and writes one audit event per entity; any failure rolls all of it back."""

from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from neo4j import AsyncManagedTransaction

from graph.database import Database, Record
from graph.queries import audit as audit_queries
from graph.queries import registration as queries
from resolvers.auth.audit import event
from resolvers.auth.principal import Principal, Role
from resolvers.errors import BadUserInput, Forbidden, NotFound
from resolvers.references import refuse
from resolvers.registration.inputs import (
    DataFlowInput,
    DpfCertificationInput,
    OrganisationInput,
    ProcessorInput,
    Retirement,
    Row,
    SafeguardInput,
    SubProcessorInput,
    SystemInput,
    validated,
)
from resolvers.registration.vocabulary import country_name

Upsert = Callable[[AsyncManagedTransaction, str], Awaitable[list[Record]]]
"""Writes a plan's rows in a transaction; the entities it creates are owned by the key id given."""


@dataclass(frozen=True)
class Reference:
    field: str
    label: str
    id: str


@dataclass(frozen=True)
class Plan:
    """What one register or update writes: the references it needs, the entities it writes (of
    `kind`, by id) and the upsert that writes."""

    entity_type: str
    references: list[Reference]
    upsert: Upsert
    kind: queries.OwnedKind
    ids: list[str]


@dataclass(frozen=True)
class Outcome:
    """What one registration did: the datamap id, whether it is new, whether anything changed,
    and the entity after it."""

    id: str
    created: bool
    changed: bool
    after: Record


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
        after=after,
    )


def countries(codes: Iterable[str]) -> dict[str, str]:
    return {code: country_name(code) or code for code in codes}


def distinct_references(references: Iterable[Reference]) -> list[dict[str, str]]:
    """Each referenced entity once, with the first field that names it: a bulk call whose 1,000
    inputs all name one engager checks it once."""
    first: dict[tuple[str, str], Reference] = {}
    for reference in references:
        first.setdefault((reference.label, reference.id), reference)
    return [vars(reference) for reference in first.values()]


T = TypeVar("T")


class MissingReference(NotFound):
    """A reference naming nothing, found inside the write transaction; `written` adds the
    nearest keys once the transaction has ended."""

    def __init__(self, label: str, key: str, *, field: str) -> None:
        super().__init__(f"{label} {key} does not exist", field=field)
        self.label = label
        self.key = key


async def written(db: Database, work: Callable[[AsyncManagedTransaction], Awaitable[T]]) -> T:
    """`work` in one write transaction; a reference naming nothing is NOT_FOUND with the
    nearest keys of its kind."""
    try:
        return await db.write_tx(work)
    except MissingReference as missing:
        await refuse(db, (missing.label,), missing.key, field=missing.field or "", error=NotFound)


async def apply(
    tx: AsyncManagedTransaction, db: Database, actor: Principal, operation: str, plan: Plan
) -> list[Record]:
    """Check the plan's references, upsert, and audit every row, inside `tx`."""
    invalid = await queries.invalid_references(tx, db, distinct_references(plan.references))
    if invalid:
        first = invalid[0]
        if first["retired"]:
            raise BadUserInput(f"{first['label']} {first['id']} is retired", field=first["field"])
        raise MissingReference(first["label"], first["id"], field=first["field"])
    if not actor.role.allows(Role.ADMIN):
        for found in await queries.owners(tx, db, plan.kind, plan.ids):
            check_owner(actor, plan.entity_type, found)
    rows = await plan.upsert(tx, actor.key_id)
    await audit_queries.write_events(
        tx,
        db,
        [
            event(actor, operation, plan.entity_type, row["id"], row["before"], row["after"])
            for row in rows
        ],
    )
    return rows


async def register(db: Database, actor: Principal, operation: str, plan: Plan) -> list[Outcome]:
    rows = await written(db, lambda tx: apply(tx, db, actor, operation, plan))
    return [outcome(row) for row in rows]


def check_owner(actor: Principal, entity_type: str, found: Record) -> None:
    """FORBIDDEN unless `actor` may change the entity `found` (`{id, registered_by, is_self}`):
    an integration changes only what its own key registered (never the seeded map); no one
    retires the map's owner."""
    if found["is_self"]:
        raise Forbidden(
            f"{entity_type} {found['id']} owns the map and cannot be changed", field="id"
        )
    if not actor.role.allows(Role.ADMIN) and found["registered_by"] != actor.key_id:
        raise Forbidden(
            f"{entity_type} {found['id']} was not registered by this key; only its own "
            "registrations may be updated or retired by an integration",
            field="id",
        )


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


def processors_plan(db: Database, items: list[tuple[str, ProcessorInput]]) -> Plan:
    """`items`: each input with its GraphQL path (`input`, `inputs[3]`)."""
    engagement = {"role": "PROCESSOR", "authorisation": None, "authorised_on": None}
    rows = [organisation_row(item, item.engaged_by, engagement) for _, item in items]
    codes = countries(item.country for _, item in items)
    return Plan(
        "Organisation",
        [Reference(f"{path}.engagedBy", "Organisation", item.engaged_by) for path, item in items],
        lambda tx, owner: queries.upsert_organisations(tx, db, rows, codes, owner),
        "Organisation",
        [row["id"] for row in rows],
    )


def sub_processor_plan(db: Database, path: str, item: SubProcessorInput) -> Plan:
    engagement = {
        "role": "SUB_PROCESSOR",
        "authorisation": item.authorisation.value,
        "authorised_on": item.authorised_on,
        "notice_days": item.notice_days,
    }
    rows = [organisation_row(item, item.processor_id, engagement)]
    codes = countries([item.country])
    return Plan(
        "Organisation",
        [Reference(f"{path}.processorId", "Organisation", item.processor_id)],
        lambda tx, owner: queries.upsert_organisations(tx, db, rows, codes, owner),
        "Organisation",
        [item.id],
    )


def system_plan(db: Database, path: str, item: SystemInput) -> Plan:
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
            "hr_data": item.hr_data,
        },
    }
    codes = countries(hosted_in)
    return Plan(
        "System",
        [Reference(f"{path}.operatorId", "Organisation", item.operator_id)],
        lambda tx, owner: queries.upsert_systems(tx, db, [row], codes, owner),
        "System",
        [item.id],
    )


def data_flow_plan(db: Database, path: str, item: DataFlowInput) -> Plan:
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
    return Plan(
        "DataFlow",
        references,
        lambda tx, owner: queries.upsert_flows(tx, db, [row], owner),
        "FLOWS_TO",
        [item.id],
    )


def safeguard_plan(db: Database, path: str, item: SafeguardInput) -> Plan:
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
    return Plan(
        "Safeguard",
        references,
        lambda tx, owner: queries.upsert_safeguards(tx, db, [row], owner),
        "Safeguard",
        [item.id],
    )


def dpf_certification_plan(db: Database, path: str, item: DpfCertificationInput) -> Plan:
    row = {
        "id": item.id,
        "organisation_id": item.organisation_id,
        "props": {
            "source": item.source,
            "external_id": item.external_id,
            "framework": item.framework.value,
            "status": item.status.value,
            "data_types": sorted({data_type.value for data_type in item.data_types}),
            "certified_on": item.certified_on,
            "expires_on": item.expires_on,
        },
    }
    references = [Reference(f"{path}.organisationId", "Organisation", item.organisation_id)]
    return Plan(
        "DpfCertification",
        references,
        lambda tx, owner: queries.upsert_dpf_certifications(tx, db, [row], owner),
        "DpfCertification",
        [item.id],
    )


Planner = Callable[[Record], Plan]
ENTITY_NAMES: dict[queries.UpdatableKind, str] = {
    "Organisation": "processor",
    "System": "system",
    "Safeguard": "safeguard",
    "FLOWS_TO": "data flow",
}
ENGAGEMENT_FIELDS = frozenset({"service", "categories"})
ORGANISATION_FIELDS = frozenset(OrganisationInput.model_fields) - ENGAGEMENT_FIELDS


async def update(
    db: Database,
    actor: Principal,
    operation: str,
    kind: queries.UpdatableKind,
    entity_id: str,
    planner: Planner,
) -> Outcome:
    """Patch a registered entity in one transaction: read it as its register input, let
    `planner` merge and validate the patch, then write and audit as a registration does."""

    async def work(tx: AsyncManagedTransaction) -> list[Record]:
        found = await queries.registered_state(tx, db, kind, entity_id)
        if found is None:
            raise NotFound(f"no registered {ENTITY_NAMES[kind]} {entity_id}", field="id")
        if found["retired_on"] is not None:
            raise BadUserInput(
                f"{ENTITY_NAMES[kind]} {entity_id} is retired; register it again to restore it",
                field="id",
            )
        return await apply(tx, db, actor, operation, planner(found["state"]))

    return outcome((await written(db, work))[0])


def update_planner(
    db: Database,
    model: type[Row],
    patch: dict[str, Any],
    plan: Callable[[Database, str, Row], Plan],
) -> Planner:
    """A system, flow or safeguard patched: its register input with the patch laid over it."""
    return lambda state: plan(db, "input", validated(model, {**state, **patch}, "input"))


def organisation_update_planner(db: Database, patch: dict[str, Any]) -> Planner:
    """A processor or sub-processor patched: the organisation and the engagement that
    registered it (its one active incoming ENGAGES edge)."""

    def plan(state: Record) -> Plan:
        engagements = sorted(state["engagements"], key=lambda e: e["engager_id"])
        if not engagements:
            raise BadUserInput("it has no active engagement; register it again", field="id")
        if len(engagements) > 1 and ENGAGEMENT_FIELDS & patch.keys():
            raise BadUserInput(
                "it is engaged more than once; register the engagement to change its service "
                "or categories",
                field="input",
            )
        engagement = engagements[0]
        data = {
            **{name: state[name] for name in ORGANISATION_FIELDS},
            "service": engagement["service"],
            "categories": engagement["categories"],
            **patch,
        }
        if engagement["role"] == "SUB_PROCESSOR":
            sub = validated(
                SubProcessorInput,
                {
                    **data,
                    "processor_id": engagement["engager_id"],
                    "authorisation": engagement["authorisation"],
                    "authorised_on": engagement["authorised_on"],
                    "notice_days": engagement["notice_days"],
                },
                "input",
            )
            return sub_processor_plan(db, "input", sub)
        item = validated(ProcessorInput, {**data, "engaged_by": engagement["engager_id"]}, "input")
        return processors_plan(db, [("input", item)])

    return plan


async def retire(
    db: Database,
    actor: Principal,
    operation: str,
    kind: queries.RetirableKind,
    entity_type: str,
    item: Retirement,
) -> date:
    """Retire one entity; the date it is retired on (an earlier retirement stays)."""

    async def work(tx: AsyncManagedTransaction) -> Record:
        await check_changeable(tx, db, actor, kind, entity_type, item.id)
        row = await queries.retire(tx, db, kind, item.id, item.on)
        assert row is not None, "checked above, in this transaction"
        await audit_queries.write_events(
            tx, db, [event(actor, operation, entity_type, item.id, row["before"], row["after"])]
        )
        return row

    row = await db.write_tx(work)
    retired_on: date = row["after"]["retired_on"].to_native()
    return retired_on


async def check_changeable(
    tx: AsyncManagedTransaction,
    db: Database,
    actor: Principal,
    kind: queries.RetirableKind,
    entity_type: str,
    entity_id: str,
) -> None:
    """NOT_FOUND when there is no such entity, FORBIDDEN when `actor` may not change it."""
    found = await queries.owners(tx, db, kind, [entity_id])
    if not found:
        raise NotFound(f"no {entity_type} {entity_id}", field="id")
    check_owner(actor, entity_type, found[0])


async def restore(
    db: Database,
    actor: Principal,
    operation: str,
    kind: queries.RetirableKind,
    entity_type: str,
    entity_id: str,
) -> None:
    """Bring a retired entity back (an admin's undo of a retirement)."""

    async def work(tx: AsyncManagedTransaction) -> None:
        await check_changeable(tx, db, actor, kind, entity_type, entity_id)
        row = await queries.restore(tx, db, kind, entity_id)
        assert row is not None, "checked above, in this transaction"
        await audit_queries.write_events(
            tx, db, [event(actor, operation, entity_type, entity_id, row["before"], row["after"])]
        )

    await db.write_tx(work)
