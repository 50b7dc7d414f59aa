"""The `importFides` mutation: fideslang manifests onto the map, and its report."""

from typing import Annotated

import strawberry
from strawberry.types import Info

from resolvers.fides import service
from resolvers.global_id import encode
from schema.auth import actor
from schema.context import Context
from schema.vocabulary import EntityType

DEFAULT_SOURCE = "fides"
NODE_KINDS = {EntityType.DataFlow: "Flow"}
"""The node kind of an imported entity type, for its global id, where the two differ."""


@strawberry.input(description="Fideslang manifests to import, as one all-or-nothing transaction.")
class FidesImportInput:
    manifests: list[str] = strawberry.field(
        description="YAML documents whose top-level keys are fideslang resource types "
        "(`organization`, `system`, `dataset`, `data_category`, `data_use`, `data_subject`; "
        "`policy` and `evaluation` are reported as not mapped)."
    )
    country: str = strawberry.field(
        description="ISO 3166-1 alpha-2 country where organisations are established and systems "
        "hosted when the manifests do not say (Fides has no field for either; a system's "
        "`meta.datamap.hosted_in` says where it is hosted)."
    )
    source: str = strawberry.field(
        default=DEFAULT_SOURCE,
        description="The source name the entities are registered under (ids "
        "`<source>:<externalId>`).",
    )


@strawberry.type(description="An entity an import registered.")
class FidesImportedEntity:
    entity_type: EntityType = strawberry.field(
        description="Organisation, System, Storage, ProcessingActivity, DataFlow, DataCategory, "
        "DataUse or DataSubject, as its audit events name it."
    )
    id: strawberry.ID = strawberry.field(
        description="Its global id (`node(id)` resolves it); for a data flow the same edge id as "
        "in `dataMap`."
    )
    key: str = strawberry.field(
        description="Its key: `<source>:<externalId>`; for a data category, use or subject its "
        "taxonomy key."
    )
    created: bool = strawberry.field(description="True when the import created it.")


@strawberry.type(description="Something the manifests say that the map has no place for.")
class FidesUnmapped:
    field: str = strawberry.field(
        description="Where in the manifests: `manifests[0].system[2].privacy_declarations[0]"
        ".third_parties`."
    )
    reason: str = strawberry.field(description="Why it is not mapped, and what was kept of it.")


@strawberry.type(description="What an import did.")
class FidesImport:
    changed: bool = strawberry.field(
        description="False when the map held all of it already: nothing was written."
    )
    created: int = strawberry.field(description="How many entities are new.")
    updated: int = strawberry.field(description="How many existing entities changed.")
    unchanged: int = strawberry.field(description="How many were already as the manifests say.")
    entities: list[FidesImportedEntity] = strawberry.field(
        description="The entities created or changed."
    )
    unmapped: list[FidesUnmapped] = strawberry.field(
        description="What could not be mapped, and why."
    )

    @classmethod
    def of(cls, report: service.ImportReport) -> "FidesImport":
        touched = [entity for entity in report.entities if entity.changed]
        return cls(
            changed=report.changed,
            created=sum(entity.created for entity in touched),
            updated=sum(not entity.created for entity in touched),
            unchanged=len(report.entities) - len(touched),
            entities=[
                FidesImportedEntity(
                    entity_type=entity.entity_type,
                    id=strawberry.ID(
                        encode(NODE_KINDS.get(entity.entity_type, entity.entity_type), entity.id)
                    ),
                    key=entity.id,
                    created=entity.created,
                )
                for entity in touched
            ],
            unmapped=[FidesUnmapped(field=u.field, reason=u.reason) for u in report.unmapped],
        )


@strawberry.type
class FidesQuery:
    @strawberry.field(
        description="The entities a source registered (by default what Fides imports "
        "registered, with any change made since) as one fideslang manifest (YAML), validated "
        "with fideslang's models; importing it under the same source and country changes "
        "nothing. `datamap export fides` writes the same."
    )
    async def fides_manifest(
        self,
        info: Info[Context, None],
        source: Annotated[
            str, strawberry.argument(description="The source name whose registrations to export.")
        ] = DEFAULT_SOURCE,
    ) -> str:
        return await service.export_manifests(info.context.db, source)


@strawberry.type
class FidesMutation:
    @strawberry.mutation(
        description="Import fideslang manifests onto the map through the register mutations, "
        "in one transaction: idempotent (a second import of the same manifests changes nothing "
        "and says so), all-or-nothing on any invalid resource, audited."
    )
    async def import_fides(self, info: Info[Context, None], input: FidesImportInput) -> FidesImport:
        options = service.options(input.source, input.country, "input.")
        documents = [(f"manifests[{index}]", text) for index, text in enumerate(input.manifests)]
        report = await service.import_manifests(info.context.db, actor(info), documents, options)
        return FidesImport.of(report)
