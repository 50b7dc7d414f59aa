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
from resolvers import global_id
from resolvers.auth.audit import EntityType, event
from resolvers.auth.principal import Principal, Role
from resolvers.errors import BadUserInput, Forbidden, NotFound
from resolvers.references import refuse
from resolvers.registration.inputs import (
    AnyOrganisationInput,
    DataFlowInput,
    DpfCertificationInput,
    EngagementInput,
    OrganisationInput,
    ProcessingActivityInput,
    ProcessorInput,
    Retirement,
    Row,
    SafeguardInput,
    StorageInput,
    SubProcessorInput,
    SystemInput,
    validated,
)
from resolvers.registration.vocabulary import country_name

Upsert = Callable[[AsyncManagedTransaction, str], Awaitable[list[Record]]]
"""Writes a plan's rows in a transaction; the entities it creates are owned by the key id given."""
Items = list[tuple[str, Row]]
"""The inputs of one mutation, each with its GraphQL path (`input`, `inputs[3]`)."""


@dataclass(frozen=True)
class Reference:
    field: str
    label: str
    id: str


Write = Callable[[AsyncManagedTransaction, str, list[dict[str, Any]]], Awaitable[list[Record]]]
"""Writes the rows given (a subset of a plan's) in a transaction, as `Upsert` writes all."""


@dataclass(frozen=True)
class Rows:
    """A plan's rows and the statement that writes any of them, for a caller that writes only
    the rows that change something (`check_and_upsert(..., only_changed=True)`)."""

    kind: queries.StateKind
    rows: list[dict[str, Any]]
    write: Write


@dataclass(frozen=True)
class Plan:
    """What one register or update writes: the references it needs, the upsert that writes, and
    the entities it writes (of `kind`), each as (the field that names it, its id), for the
    ownership check; `rows` when its rows can be written apart."""

    entity_type: EntityType
    references: list[Reference]
    upsert: Upsert
    kind: queries.OwnedKind
    owned: list[tuple[str, str]]
    rows: Rows | None = None


def rows_plan(
    entity_type: EntityType,
    references: list[Reference],
    rows: Rows,
    kind: queries.OwnedKind,
    owned: list[tuple[str, str]],
) -> Plan:
    """A plan whose upsert writes all of `rows`, and whose rows can be written apart."""
    return Plan(
        entity_type,
        references,
        lambda tx, owner: rows.write(tx, owner, rows.rows),
        kind,
        owned,
        rows,
    )


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


def same(before: Any, after: Any) -> bool:
    """Whether two states say the same, lists in any order: equal as they are (most are, and
    that is quick), else once normalised."""
    return bool(before == after or normalised(before) == normalised(after))


def outcome(row: Record) -> Outcome:
    before, after = row["before"], row["after"]
    return Outcome(
        id=row["id"],
        created=before is None,
        changed=before is None or not same(before, after),
        after=after,
    )


def countries(codes: Iterable[str]) -> dict[str, str]:
    return {code: country_name(code) or code for code in codes}


def distinct_references(references: Iterable[Reference]) -> list[dict[str, Any]]:
    """Each referenced entity once, with the first field that names it: a bulk call whose 1,000
    inputs all name one engager checks it once."""
    first: dict[tuple[str, str], Reference] = {}
    for reference in references:
        first.setdefault((reference.label, reference.id), reference)
    return [{**vars(reference), "index": index} for index, reference in enumerate(first.values())]


T = TypeVar("T")


class MissingReference(NotFound):
    """A reference naming nothing, found inside the write transaction; `written` adds the
    nearest keys once the transaction has ended."""

    def __init__(self, label: str, key: str, *, field: str) -> None:
        super().__init__(f"{label} {key} does not exist", field=field)
        self.label = label
        self.key = key


async def written(
    db: Database,
    work: Callable[[AsyncManagedTransaction], Awaitable[T]],
    *,
    timeout_s: float | None = None,
) -> T:
    """`work` in one write transaction (within `timeout_s`, the transaction timeout unless
    given); a reference naming nothing is NOT_FOUND with the nearest keys of its kind."""
    try:
        return await db.write_tx(work, timeout_s=timeout_s)
    except MissingReference as missing:
        await refuse(db, (missing.label,), missing.key, field=missing.field or "", error=NotFound)


def unchanged(state: Record | None, expected: dict[str, Any] | None) -> bool:
    """Whether an upsert of a row whose result would be `expected` (`queries.expected_state`)
    leaves the entity `state` as it is: it exists, is active, has its owner recorded, and says
    exactly what the row would say. Anything else (another property, a date the driver
    decoded) counts as a change, so the row is written and the upsert itself decides."""
    if state is None or expected is None or state.get("registered_by") is None:
        return False
    rest = {name: item for name, item in state.items() if name != "registered_by"}
    return same(rest, expected)


WRITE_CHUNK = 1000
"""The most rows one upsert statement of `check_and_upsert(..., only_changed=True)` sends: a
Fides import's 20,000 storages go as 20 statements of one text (planned once), in its one
transaction."""


def ids_of(rows: Rows | None) -> list[str]:
    return [] if rows is None else [row["id"] for row in rows.rows]


def owner_of(entity_id: str, state: Record) -> Record:
    """`queries.owners`' row of an entity, from its state."""
    return {
        "id": entity_id,
        "registered_by": state.get("registered_by"),
        "is_self": bool(state.get("is_self", False)),
    }


async def check_and_upsert(
    tx: AsyncManagedTransaction,
    db: Database,
    actor: Principal,
    plan: Plan,
    *,
    only_changed: bool = False,
) -> list[Record]:
    """Check the plan's references, then (for an integration) that it changes only what its own
    key registered, then upsert, inside `tx`; `apply` without the audit, for a caller that
    audits only what changed (a Fides import). With `only_changed` (and the plan's `rows`) the
    entities are read first, in one statement that also gives their owners, and the rows that
    would change nothing are not sent to the upsert: their result is what was read."""
    invalid = await queries.invalid_references(tx, db, distinct_references(plan.references))
    if invalid:
        first = invalid[0]
        if first["retired"]:
            raise BadUserInput(f"{first['label']} {first['id']} is retired", field=first["field"])
        raise MissingReference(first["label"], first["id"], field=first["field"])
    rows = plan.rows if only_changed else None
    found = None if rows is None else await queries.states(tx, db, rows.kind, ids_of(rows))
    if not actor.role.allows(Role.ADMIN):
        fields: dict[str, str] = {}
        for field, entity_id in plan.owned:
            fields.setdefault(entity_id, field)
        owners = (
            {row["id"]: row for row in await queries.owners(tx, db, plan.kind, list(fields))}
            if found is None or fields.keys() - set(ids_of(rows))
            else {entity_id: owner_of(entity_id, found[entity_id]) for entity_id in found}
        )
        for entity_id, field in fields.items():
            if entity_id in owners:
                check_owner(actor, plan.entity_type, owners[entity_id], field=field)
    if rows is None or found is None:
        return await plan.upsert(tx, actor.key_id)
    write: list[dict[str, Any]] = []
    results: dict[str, Record] = {}
    for row in rows.rows:
        state = found.get(row["id"])
        if unchanged(state, queries.expected_state(rows.kind, row)):
            results[row["id"]] = {"id": row["id"], "before": state, "after": state}
        else:
            write.append(row)
    for start in range(0, len(write), WRITE_CHUNK):
        chunk = write[start : start + WRITE_CHUNK]
        results.update((row["id"], row) for row in await rows.write(tx, actor.key_id, chunk))
    return [results[row["id"]] for row in rows.rows]


async def apply(
    tx: AsyncManagedTransaction, db: Database, actor: Principal, operation: str, plan: Plan
) -> list[Record]:
    """Check the plan's references and owners, upsert, and audit every row, inside `tx`."""
    rows = await check_and_upsert(tx, db, actor, plan)
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


def check_owner(actor: Principal, entity_type: str, found: Record, *, field: str = "id") -> None:
    """FORBIDDEN unless `actor` may change the entity `found` (`{id, registered_by, is_self}`),
    naming `field`: an integration changes only what its own key registered (never the seeded
    map); no one retires the map's owner."""
    if found["is_self"]:
        raise Forbidden(
            f"{entity_type} {found['id']} owns the map and cannot be changed", field=field
        )
    if not actor.role.allows(Role.ADMIN) and found["registered_by"] != actor.key_id:
        raise Forbidden(
            f"{entity_type} {found['id']} was not registered by this key; only its own "
            "registrations may be updated or retired by an integration",
            field=field,
        )


def owned(
    items: Items[Row], field: str, id_of: Callable[[Row], str] | None = None
) -> list[tuple[str, str]]:
    """Each input's entity id with the field of the input that names it (`inputs[3].externalId`)."""
    return [(f"{path}.{field}", item.id if id_of is None else id_of(item)) for path, item in items]


def engagement_id(engager_id: str, organisation_id: str) -> str:
    return f"{engager_id}>{organisation_id}"


def value(member: Any) -> Any:
    """An enum member's value; None stays None."""
    return None if member is None else member.value


def organisation_props(item: OrganisationInput | AnyOrganisationInput) -> dict[str, Any]:
    return {
        "source": item.source,
        "external_id": item.external_id,
        "legal_name": item.legal_name,
        "country": item.country,
        "website": item.website,
        "dpa_signed": item.dpa_signed,
        "subject_to": sorted(set(item.subject_to)),
        "serves": sorted(set(item.serves)),
    }


def referenced(items: Items[Row], of: Callable[[str, Row], list[Reference]]) -> list[Reference]:
    """The references of every input, each named by its path."""
    return [reference for path, item in items for reference in of(path, item)]


def subjects_of(path: str, subjects: list[str] | None) -> list[Reference]:
    return [
        Reference(f"{path}.subjects[{index}]", "DataSubject", key)
        for index, key in enumerate(subjects or ())
    ]


def sorted_or_none(values: list[str] | None) -> list[str] | None:
    return None if values is None else sorted(set(values))


def organisation_row(
    item: OrganisationInput, engager_id: str, engagement: dict[str, Any]
) -> dict[str, Any]:
    return {
        "id": item.id,
        "engager_id": engager_id,
        "props": {**organisation_props(item), "kind": "COMPANY"},
        "engagement": {
            "id": engagement_id(engager_id, item.id),
            "props": {
                "source": item.source,
                "service": item.service,
                "categories": sorted(set(item.categories)),
                "subjects": sorted_or_none(item.subjects),
                **engagement,
            },
        },
    }


def processors_plan(db: Database, items: Items[ProcessorInput]) -> Plan:
    engagement = {"role": "PROCESSOR", "authorisation": None, "authorised_on": None}
    rows = [organisation_row(item, item.engaged_by, engagement) for _, item in items]
    codes = countries(item.country for _, item in items)
    references = referenced(
        items,
        lambda path, item: [
            Reference(f"{path}.engagedBy", "Organisation", item.engaged_by),
            *subjects_of(path, item.subjects),
        ],
    )
    return Plan(
        EntityType.Organisation,
        references,
        lambda tx, owner: queries.upsert_organisations(tx, db, rows, codes, owner),
        "Organisation",
        owned(items, "externalId"),
    )


def sub_processors_plan(db: Database, items: Items[SubProcessorInput]) -> Plan:
    rows = [
        organisation_row(
            item,
            item.processor_id,
            {
                "role": "SUB_PROCESSOR",
                "authorisation": item.authorisation.value,
                "authorised_on": item.authorised_on,
                "notice_days": item.notice_days,
            },
        )
        for _, item in items
    ]
    codes = countries(item.country for _, item in items)
    references = referenced(
        items,
        lambda path, item: [
            Reference(f"{path}.processorId", "Organisation", item.processor_id),
            *subjects_of(path, item.subjects),
        ],
    )
    return Plan(
        EntityType.Organisation,
        references,
        lambda tx, owner: queries.upsert_organisations(tx, db, rows, codes, owner),
        "Organisation",
        owned(items, "externalId"),
    )


def organisations_plan(db: Database, items: Items[AnyOrganisationInput]) -> Plan:
    rows = [
        {
            "id": item.id,
            "props": {
                **organisation_props(item),
                "kind": item.kind.value,
                "supervisory_authority": item.supervisory_authority,
            },
        }
        for _, item in items
    ]
    codes = countries(item.country for _, item in items)
    return rows_plan(
        EntityType.Organisation,
        [],
        Rows(
            "Organisation",
            rows,
            lambda tx, owner, some: queries.upsert_nodes(
                tx, db, "Organisation", some, owner, codes
            ),
        ),
        "Organisation",
        owned(items, "externalId"),
    )


def engagements_plan(db: Database, items: Items[EngagementInput]) -> Plan:
    rows = [
        {
            "id": item.id,
            "engager_id": item.engager_id,
            "engaged_id": item.engaged_id,
            "props": {
                "source": item.source,
                "role": item.role.value,
                "service": item.service,
                "categories": sorted(set(item.categories)),
                "subjects": sorted_or_none(item.subjects),
                "authorisation": value(item.authorisation),
                "authorised_on": item.authorised_on,
                "notice_days": item.notice_days,
            },
        }
        for _, item in items
    ]
    references = referenced(
        items,
        lambda path, item: [
            Reference(f"{path}.engagerId", "Organisation", item.engager_id),
            Reference(f"{path}.engagedId", "Organisation", item.engaged_id),
            *subjects_of(path, item.subjects),
        ],
    )
    return Plan(
        EntityType.Engagement,
        references,
        lambda tx, owner: queries.upsert_engagements(tx, db, rows, owner),
        "ENGAGES",
        owned(items, "engagedId"),
    )


def systems_plan(db: Database, items: Items[SystemInput]) -> Plan:
    rows = [
        {
            "id": item.id,
            "operator": {"key": item.operator_id, "role": item.operator_role.value},
            "hosted_in": sorted(set(item.hosted_in)),
            "accessed_from": sorted(
                ({"key": a.country, "purpose": a.purpose} for a in item.accessed_from),
                key=repr,
            ),
            "props": {
                "source": item.source,
                "external_id": item.external_id,
                "name": item.name,
                "kind": item.kind.value,
                "description": item.description,
                "owner_team": item.owner_team,
                "deletion_method": value(item.deletion_method),
                "retrieval_method": item.retrieval_method,
                "identifiers": list(item.identifiers),
                "rotation_days": item.rotation_days,
                "security_measures": sorted(set(item.security_measures)),
                "hr_data": item.hr_data,
            },
        }
        for _, item in items
    ]
    codes = countries(
        code
        for _, item in items
        for code in [*item.hosted_in, *(a.country for a in item.accessed_from)]
    )
    references = referenced(
        items,
        lambda path, item: [
            Reference(f"{path}.operatorId", "Organisation", item.operator_id),
            *(
                Reference(f"{path}.securityMeasures[{index}]", "SecurityMeasure", key)
                for index, key in enumerate(item.security_measures)
            ),
        ],
    )
    return rows_plan(
        EntityType.System,
        references,
        Rows(
            "System",
            rows,
            lambda tx, owner, some: queries.upsert_nodes(tx, db, "System", some, owner, codes),
        ),
        "System",
        owned(items, "externalId"),
    )


def data_flows_plan(db: Database, items: Items[DataFlowInput]) -> Plan:
    rows = [
        {
            "id": item.id,
            "from_id": item.from_system_id,
            "to_system_id": item.to_system_id,
            "to_organisation_id": item.to_organisation_id,
            "props": {
                "source": item.source,
                "external_id": item.external_id,
                "categories": sorted(set(item.categories)),
                "subjects": sorted_or_none(item.subjects),
                "purpose": item.purpose,
                "mode": item.mode.value,
            },
        }
        for _, item in items
    ]
    references: list[Reference] = []
    for path, item in items:
        references.append(Reference(f"{path}.fromSystemId", "System", item.from_system_id))
        if item.to_system_id is not None:
            references.append(Reference(f"{path}.toSystemId", "System", item.to_system_id))
        if item.to_organisation_id is not None:
            references.append(
                Reference(f"{path}.toOrganisationId", "Organisation", item.to_organisation_id)
            )
        references.extend(subjects_of(path, item.subjects))
    return rows_plan(
        EntityType.DataFlow,
        references,
        Rows("FLOWS_TO", rows, lambda tx, owner, some: queries.upsert_flows(tx, db, some, owner)),
        "FLOWS_TO",
        owned(items, "externalId"),
    )


def safeguards_plan(db: Database, items: Items[SafeguardInput]) -> Plan:
    rows = [
        {
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
                "tia_outcome": value(item.tia_outcome),
                "supplementary_measures": list(item.supplementary_measures),
            },
        }
        for _, item in items
    ]
    references = referenced(
        items,
        lambda path, item: [
            Reference(f"{path}.exporterId", "Organisation", item.exporter_id),
            Reference(f"{path}.importerId", "Organisation", item.importer_id),
        ],
    )
    return Plan(
        EntityType.Safeguard,
        references,
        lambda tx, owner: queries.upsert_safeguards(tx, db, rows, owner),
        "Safeguard",
        owned(items, "externalId"),
    )


def storages_plan(db: Database, items: Items[StorageInput]) -> Plan:
    rows = [
        {
            "id": item.id,
            "system_id": item.system_id,
            "subject": item.subject,
            "retention_obligation": item.retention_obligation,
            "props": {
                "source": item.source,
                "external_id": item.external_id,
                "categories": sorted(set(item.categories)),
                "retention": item.retention,
                "retention_days": item.retention_days,
                "on_erasure": item.on_erasure.value,
                "collected_from_subject": item.collected_from_subject,
                "subjects_in": sorted(set(item.subjects_in)),
                "made_public": item.made_public,
                "controller_role": item.controller_role.value,
                "record_count": item.record_count,
            },
        }
        for _, item in items
    ]
    references: list[Reference] = []
    for path, item in items:
        references.append(Reference(f"{path}.systemId", "System", item.system_id))
        references.append(Reference(f"{path}.subject", "DataSubject", item.subject))
        if item.retention_obligation is not None:
            references.append(
                Reference(
                    f"{path}.retentionObligation", "RetentionObligation", item.retention_obligation
                )
            )
    return rows_plan(
        EntityType.Storage,
        references,
        Rows(
            "Storage",
            rows,
            lambda tx, owner, some: queries.upsert_nodes(tx, db, "Storage", some, owner),
        ),
        "Storage",
        owned(items, "externalId"),
    )


def activities_plan(db: Database, items: Items[ProcessingActivityInput]) -> Plan:
    rows = [
        {
            "id": item.id,
            "subjects": sorted(set(item.subjects)),
            "system_ids": sorted(set(item.system_ids)),
            "controller_id": item.controller_id,
            "recipients": sorted(
                ({"key": r.organisation_id, "role": r.role.value} for r in item.recipients),
                key=repr,
            ),
            "props": {
                "source": item.source,
                "external_id": item.external_id,
                "name": item.name,
                "purpose": item.purpose,
                "legal_basis": item.legal_basis,
                "special_category_condition": item.special_category_condition,
                "categories": sorted(set(item.categories)),
                "recipient_categories": list(item.recipient_categories),
                "retention": item.retention,
                "retention_days": item.retention_days,
                "preemptly_role": item.preemptly_role.value,
                "automated_decision_making": item.automated_decision_making,
                "profiling": item.profiling,
            },
        }
        for _, item in items
    ]
    references: list[Reference] = []
    for path, item in items:
        references.append(Reference(f"{path}.controllerId", "Organisation", item.controller_id))
        references.extend(subjects_of(path, item.subjects))
        references.extend(
            Reference(f"{path}.systemIds[{index}]", "System", key)
            for index, key in enumerate(item.system_ids)
        )
        references.extend(
            Reference(
                f"{path}.recipients[{index}].organisationId", "Organisation", r.organisation_id
            )
            for index, r in enumerate(item.recipients)
        )
        if item.legal_basis is not None:
            references.append(Reference(f"{path}.legalBasis", "LegalBasis", item.legal_basis))
        if item.special_category_condition is not None:
            references.append(
                Reference(
                    f"{path}.specialCategoryCondition",
                    "SpecialCategoryCondition",
                    item.special_category_condition,
                )
            )
    return rows_plan(
        EntityType.ProcessingActivity,
        references,
        Rows(
            "ProcessingActivity",
            rows,
            lambda tx, owner, some: queries.upsert_nodes(tx, db, "ProcessingActivity", some, owner),
        ),
        "ProcessingActivity",
        owned(items, "externalId"),
    )


def dpf_certifications_plan(db: Database, items: Items[DpfCertificationInput]) -> Plan:
    rows = [
        {
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
        for _, item in items
    ]
    references = referenced(
        items,
        lambda path, item: [
            Reference(f"{path}.organisationId", "Organisation", item.organisation_id)
        ],
    )
    return Plan(
        EntityType.DpfCertification,
        references,
        lambda tx, owner: queries.upsert_dpf_certifications(tx, db, rows, owner),
        "DpfCertification",
        owned(items, "framework"),
    )


Planner = Callable[[Record], Plan]
ENTITY_NAMES: dict[queries.UpdatableKind, str] = {
    "Organisation": "organisation",
    "System": "system",
    "Safeguard": "safeguard",
    "FLOWS_TO": "data flow",
    "ENGAGES": "engagement",
    "Storage": "storage",
    "ProcessingActivity": "processing activity",
}
REFERRED_AS: dict[queries.UpdatableKind, str] = {"FLOWS_TO": "Flow", "ENGAGES": "Engagement"}
"""The kind an argument names an updatable entity by, where it is not the graph's kind."""
ENGAGEMENT_FIELDS = frozenset({"service", "categories", "subjects"})
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
    `planner` merge and validate the patch, then write and audit as a registration does. An id
    naming nothing is NOT_FOUND with the nearest keys of its kind."""

    async def work(tx: AsyncManagedTransaction) -> list[Record]:
        found = await queries.registered_state(tx, db, kind, entity_id)
        if found is None:
            if await queries.owners(tx, db, kind, [entity_id]):
                raise NotFound(
                    f"{ENTITY_NAMES[kind]} {entity_id} is of the seeded map, not registered by "
                    "an integration: it is not updated",
                    field="id",
                )
            raise MissingReference(REFERRED_AS.get(kind, kind), entity_id, field="id")
        await check_changeable(tx, db, actor, kind, ENTITY_NAMES[kind], entity_id)
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
    plan: Callable[[Database, Items[Row]], Plan],
) -> Planner:
    """A registered entity patched: its register input (the state's fields that `model` has)
    with the patch laid over it. A field the state lacks is null (Neo4j stores no null
    property), or its default when it has one."""

    def planned(state: Record) -> Plan:
        data = {
            name: state.get(name)
            for name, field in model.model_fields.items()
            if name in state or field.is_required()
        }
        return plan(db, [("input", validated(model, {**data, **patch}, "input"))])

    return planned


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
            "subjects": engagement["subjects"],
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
            return sub_processors_plan(db, [("input", sub)])
        item = validated(ProcessorInput, {**data, "engaged_by": engagement["engager_id"]}, "input")
        return processors_plan(db, [("input", item)])

    return plan


async def retire(
    db: Database,
    actor: Principal,
    operation: str,
    kind: queries.RetirableKind,
    entity_type: EntityType,
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

    row = await written(db, work)
    retired_on: date = row["after"]["retired_on"].to_native()
    return retired_on


async def check_changeable(
    tx: AsyncManagedTransaction,
    db: Database,
    actor: Principal,
    kind: queries.OwnedKind,
    entity_type: str,
    entity_id: str,
) -> None:
    """NOT_FOUND when there is no such entity (with the nearest keys of its kind, once the
    transaction has ended: run `work` through `written`), FORBIDDEN when `actor` may not
    change it."""
    found = await queries.owners(tx, db, kind, [entity_id])
    if not found:
        raise MissingReference(global_id.EDGE_KINDS.get(kind, kind), entity_id, field="id")
    check_owner(actor, entity_type, found[0])


async def restore(
    db: Database,
    actor: Principal,
    operation: str,
    kind: queries.RetirableKind,
    entity_type: EntityType,
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

    await written(db, work)
