"""What `importFides`, `datamap import fides` and `datamap export fides` do. An import is one
write transaction: validate every manifest with fideslang's models, read the taxonomy keys, map
(`decisions.Mapper`), then register through the register mutations' own plans (custom taxonomy
keys, organisations, systems, storages, processing activities, flows), each input validated as
its mutation validates it. Any invalid resource or reference rolls all of it back. Only what
changed is audited, with one `importFides` event for the import, so a second import of the same
manifests writes nothing and says so."""

import gc
import hashlib
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from neo4j import AsyncManagedTransaction

from graph.database import Database, Record
from graph.queries import audit as audit_queries
from graph.queries import fides as queries
from resolvers.auth.audit import EntityType, event
from resolvers.auth.principal import Principal, Role
from resolvers.errors import BadUserInput
from resolvers.fides.decisions import Known, Mapped, Mapper, Options, Planned, Unmapped, exported
from resolvers.fides.document import render
from resolvers.fides.facts import registered
from resolvers.fides.manifests import parsed
from resolvers.registration import service as registration
from resolvers.registration.inputs import (
    AnyOrganisationInput,
    CountryCode,
    DataFlowInput,
    ProcessingActivityInput,
    Row,
    Source,
    StorageInput,
    SystemInput,
    validated,
    validated_value,
)

OPERATION = "importFides"


@dataclass(frozen=True)
class Imported:
    """One entity the import registered."""

    entity_type: EntityType
    id: str
    created: bool
    changed: bool


@dataclass(frozen=True)
class ImportReport:
    entities: list[Imported]
    unmapped: list[Unmapped]

    @property
    def changed(self) -> bool:
        return any(entity.changed for entity in self.entities)


def options(source: str, country: str, at: str = "") -> Options:
    """The import's options checked; `at` prefixes the fields an error names (`input.`)."""
    return Options(
        source=validated_value(Source, source, f"{at}source"),
        country=validated_value(CountryCode, country, f"{at}country"),
    )


def items(
    model: type[Row], planned: list[Planned], custom: dict[str, frozenset[str]]
) -> list[tuple[str, Row]]:
    """Each planned input validated as its register mutation validates it, with the custom
    taxonomy keys (`custom`) counting besides fideslang's; a second input with the same id names
    both resources."""
    result: list[tuple[str, Row]] = []
    seen: dict[str, str] = {}
    for plan in planned:
        item = validated(model, plan.data, plan.path, custom)
        if item.id in seen:
            raise BadUserInput(
                f"{item.id} is mapped twice (also from {seen[item.id]})", field=plan.path
            )
        seen[item.id] = plan.path
        result.append((plan.path, item))
    return result


def plans(db: Database, mapped: Mapped, mapper: Mapper) -> list[registration.Plan]:
    """The register plans in dependency order: organisations before the systems they operate,
    systems before their storages, activities and flows."""
    kinds: list[tuple[list[Planned], type[Any], Callable[[Database, Any], registration.Plan]]] = [
        (mapped.organisations, AnyOrganisationInput, registration.organisations_plan),
        (mapped.systems, SystemInput, registration.systems_plan),
        (mapped.storages, StorageInput, registration.storages_plan),
        (mapped.activities, ProcessingActivityInput, registration.activities_plan),
        (mapped.flows, DataFlowInput, registration.data_flows_plan),
    ]
    custom = {"categories": mapper.categories, "uses": mapper.uses}
    return [plan(db, items(model, planned, custom)) for planned, model, plan in kinds if planned]


async def write_taxonomy(
    tx: AsyncManagedTransaction, db: Database, actor: Principal, mapped: Mapped, source: str
) -> list[Imported]:
    result: list[Imported] = []
    for label in (EntityType.DataCategory, EntityType.DataUse, EntityType.DataSubject):
        rows = [
            {
                "key": key.key,
                "props": {
                    "name": key.name,
                    "description": key.description,
                    "parent_key": key.parent_key,
                    "source": source,
                },
            }
            for key in mapped.taxonomy
            if key.label == label
        ]
        if rows:
            written = await queries.upsert_taxonomy(tx, db, label, rows, actor.key_id)
            result.extend(await audited(tx, db, actor, label, written))
    return result


async def audited(
    tx: AsyncManagedTransaction,
    db: Database,
    actor: Principal,
    entity_type: EntityType,
    rows: list[Record],
) -> list[Imported]:
    """The rows as imported entities, with an audit event for each that changed."""
    outcomes = [registration.outcome(row) for row in rows]
    events: list[Mapping[str, Any]] = [
        event(actor, OPERATION, entity_type, row["id"], row["before"], row["after"])
        for row, o in zip(rows, outcomes, strict=True)
        if o.changed
    ]
    await audit_queries.write_events(tx, db, events)
    return [Imported(entity_type, o.id, o.created, o.changed) for o in outcomes]


def digest(documents: list[tuple[str, str]]) -> str:
    hashed = hashlib.sha256()
    for name, text in documents:
        hashed.update(f"{name}\0{text}\0".encode())
    return hashed.hexdigest()


PAUSED: dict[str, Any] = {"imports": 0, "was_enabled": True}
"""How many imports run with the cyclic garbage collector paused (`collector_paused`), and
whether it was on when the first of them paused it."""


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off while an import runs, and on again (if it was)
    when the last running import ends. An import holds millions of objects at once (the
    manifests, fideslang's models, the register inputs and rows, the answers), almost none of
    them in cycles, and each full collection walked them all: about 40 % of a 10,000-system
    import. The cycles it leaves are collected once the collector runs again."""
    if PAUSED["imports"] == 0:
        PAUSED["was_enabled"] = gc.isenabled()
        gc.disable()
    PAUSED["imports"] += 1
    try:
        yield
    finally:
        PAUSED["imports"] -= 1
        if PAUSED["imports"] == 0 and PAUSED["was_enabled"]:
            gc.enable()


async def import_manifests(
    db: Database, actor: Principal, documents: list[tuple[str, str]], given: Options
) -> ImportReport:
    """Import the manifests (each a name, such as `manifests[0]` or a file path, and its YAML)
    in one transaction, with the garbage collector paused."""
    with collector_paused():
        return await imported(db, actor, documents, given)


async def imported(
    db: Database, actor: Principal, documents: list[tuple[str, str]], given: Options
) -> ImportReport:
    manifests = parsed(documents)

    async def work(tx: AsyncManagedTransaction) -> ImportReport:
        keys = await queries.taxonomy_keys(tx, db, given.source, actor.key_id)
        known = Known(
            categories=frozenset(keys["categories"]),
            uses=frozenset(keys["uses"]),
            subjects=frozenset(keys["subjects"]),
            own=frozenset(keys["own"]),
            foreign=frozenset() if actor.role.allows(Role.ADMIN) else frozenset(keys["foreign"]),
        )
        mapper = Mapper(manifests, given, known)
        mapped = mapper.mapped()
        entities = await write_taxonomy(tx, db, actor, mapped, given.source)
        for plan in plans(db, mapped, mapper):
            rows = await registration.check_and_upsert(tx, db, actor, plan, only_changed=True)
            entities.extend(await audited(tx, db, actor, plan.entity_type, rows))
        report = ImportReport(entities, mapped.unmapped)
        if report.changed:
            summary = {
                "source": given.source,
                "country": given.country,
                "documents": [name for name, _ in documents],
                "created": sum(entity.created for entity in entities),
                "changed": sum(entity.changed and not entity.created for entity in entities),
                "unchanged": sum(not entity.changed for entity in entities),
                "unmapped": len(mapped.unmapped),
            }
            await audit_queries.write_events(
                tx,
                db,
                [event(actor, OPERATION, EntityType.FidesImport, digest(documents), None, summary)],
            )
        return report

    return await registration.written(db, work, timeout_s=db.import_timeout_s)


async def export_manifests(db: Database, source: str) -> str:
    """The entities `source` registered as one fideslang manifest (YAML), validated with
    fideslang's models."""
    checked = validated_value(Source, source, "source")
    facts = registered(await queries.registered_by(db, checked), checked)
    return render(exported(facts))
