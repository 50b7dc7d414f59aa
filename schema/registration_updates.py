"""The update mutations: patch only the fields given of an entity an integration registered. A
field left out keeps its value; a field given as null clears it where the model allows that."""

import datetime
from typing import Any

import strawberry
from pydantic import BaseModel
from strawberry.types import Info

from resolvers.errors import BadUserInput
from resolvers.references import key_of
from resolvers.registration import service
from resolvers.registration.inputs import (
    DataFlowInput as DataFlowModel,
)
from resolvers.registration.inputs import (
    ProcessorInput as ProcessorModel,
)
from resolvers.registration.inputs import (
    SafeguardInput as SafeguardModel,
)
from resolvers.registration.inputs import (
    SystemInput as SystemModel,
)
from resolvers.registration.inputs import validated_patch
from schema.auth import actor
from schema.context import Context
from schema.registration import (
    CATEGORIES,
    RETIRABLE_KINDS,
    EntityId,
    Registration,
    data_flow,
    organisation,
    registrations,
    safeguard,
    system,
)
from schema.vocabulary import (
    DeletionMethod,
    FlowMode,
    RegimeKey,
    Role,
    SafeguardType,
    SystemKind,
    TiaOutcome,
)

UNSET: Any = strawberry.UNSET
KEEP = " Left out: unchanged."


@strawberry.input(description="The fields of a processor or sub-processor to change.")
class ProcessorPatch:
    legal_name: str | None = strawberry.field(default=UNSET, description="The legal name." + KEEP)
    country: str | None = strawberry.field(
        default=UNSET, description="ISO 3166-1 alpha-2 country of establishment." + KEEP
    )
    website: str | None = strawberry.field(default=UNSET, description="Its website." + KEEP)
    dpa_signed: datetime.date | None = strawberry.field(
        default=UNSET, description="When the data-processing agreement was signed." + KEEP
    )
    subject_to: list[str] | None = strawberry.field(
        default=UNSET, description="Laws it is subject to, such as `PIPEDA`." + KEEP
    )
    service: str | None = strawberry.field(
        default=UNSET, description="What it does, on its engagement." + KEEP
    )
    categories: list[str] | None = strawberry.field(
        default=UNSET, description=CATEGORIES + " On its engagement." + KEEP
    )


@strawberry.input(description="The fields of a system to change.")
class SystemPatch:
    name: str | None = strawberry.field(default=UNSET, description="Its name." + KEEP)
    kind: SystemKind | None = strawberry.field(default=UNSET, description="Its kind." + KEEP)
    operator_id: strawberry.ID | None = strawberry.field(
        default=UNSET, description="The id of the organisation that operates it." + KEEP
    )
    operator_role: Role | None = strawberry.field(
        default=UNSET, description="The operator's role for the data." + KEEP
    )
    hosted_in: list[str] | None = strawberry.field(
        default=UNSET, description="ISO alpha-2 codes of the countries where data rests." + KEEP
    )
    description: str | None = strawberry.field(default=UNSET, description="What it is for." + KEEP)
    owner_team: str | None = strawberry.field(
        default=UNSET, description="The team that owns it." + KEEP
    )
    deletion_method: DeletionMethod | None = strawberry.field(
        default=UNSET, description="How data is deleted from it." + KEEP
    )
    retrieval_method: str | None = strawberry.field(
        default=UNSET, description="How data is retrieved from it." + KEEP
    )
    identifiers: list[str] | None = strawberry.field(
        default=UNSET, description="What to search it by, such as `email`." + KEEP
    )
    rotation_days: int | None = strawberry.field(
        default=UNSET, description="How long a backup keeps data." + KEEP
    )


@strawberry.input(description="The fields of a data flow to change.")
class DataFlowPatch:
    from_system_id: strawberry.ID | None = strawberry.field(
        default=UNSET, description="The id of the sending system." + KEEP
    )
    to_system_id: strawberry.ID | None = strawberry.field(
        default=UNSET, description="The receiving system (null it to send to an organisation)."
    )
    to_organisation_id: strawberry.ID | None = strawberry.field(
        default=UNSET, description="The receiving organisation (null it to send to a system)."
    )
    categories: list[str] | None = strawberry.field(default=UNSET, description=CATEGORIES + KEEP)
    purpose: str | None = strawberry.field(
        default=UNSET, description="The data use key of the taxonomy." + KEEP
    )
    mode: FlowMode | None = strawberry.field(default=UNSET, description="How it moves." + KEEP)


@strawberry.input(description="The fields of a transfer safeguard to change.")
class SafeguardPatch:
    type: SafeguardType | None = strawberry.field(default=UNSET, description="Its kind." + KEEP)
    regimes: list[RegimeKey] | None = strawberry.field(
        default=UNSET, description="The regimes it serves." + KEEP
    )
    signed_on: datetime.date | None = strawberry.field(
        default=UNSET, description="When it was signed." + KEEP
    )
    exporter_id: strawberry.ID | None = strawberry.field(
        default=UNSET, description="The exporting organisation." + KEEP
    )
    importer_id: strawberry.ID | None = strawberry.field(
        default=UNSET, description="The importing organisation." + KEEP
    )
    module: int | None = strawberry.field(default=UNSET, description="The SCC module." + KEEP)
    derogation: str | None = strawberry.field(
        default=UNSET, description="The Art. 49 derogation key." + KEEP
    )
    expires_on: datetime.date | None = strawberry.field(
        default=UNSET, description="When it ends." + KEEP
    )
    tia_on: datetime.date | None = strawberry.field(
        default=UNSET, description="When the transfer impact assessment was made." + KEEP
    )
    tia_outcome: TiaOutcome | None = strawberry.field(
        default=UNSET, description="The outcome of that assessment." + KEEP
    )
    supplementary_measures: list[str] | None = strawberry.field(
        default=UNSET, description="Supplementary measures taken." + KEEP
    )


def given(patch: object, model: type[BaseModel]) -> dict[str, Any]:
    """The fields the caller gave (snake_case), each checked alone before Neo4j is touched."""
    values = {name: value for name, value in vars(patch).items() if value is not UNSET}
    if not values:
        raise BadUserInput("give at least one field to change", field="input")
    validated_patch(model, values, "input")
    return values


@strawberry.type
class RegistrationUpdateMutation:
    @strawberry.mutation(description="Change fields of a registered processor or sub-processor.")
    async def update_processor(
        self, info: Info[Context, None], id: EntityId, input: ProcessorPatch
    ) -> Registration:
        db = info.context.db
        planner = service.organisation_update_planner(db, given(input, ProcessorModel))
        outcome = await service.update(
            db,
            actor(info),
            "updateProcessor",
            "Organisation",
            key_of(id, RETIRABLE_KINDS["Organisation"], field="id"),
            planner,
        )
        return registrations(info, [outcome], organisation)[0]

    @strawberry.mutation(description="Change fields of a registered system.")
    async def update_system(
        self, info: Info[Context, None], id: EntityId, input: SystemPatch
    ) -> Registration:
        db = info.context.db
        patch = given(input, SystemModel)
        planner = service.update_planner(db, SystemModel, patch, service.system_plan)
        outcome = await service.update(
            db,
            actor(info),
            "updateSystem",
            "System",
            key_of(id, RETIRABLE_KINDS["System"], field="id"),
            planner,
        )
        return registrations(info, [outcome], system)[0]

    @strawberry.mutation(description="Change fields of a registered data flow.")
    async def update_data_flow(
        self, info: Info[Context, None], id: EntityId, input: DataFlowPatch
    ) -> Registration:
        db = info.context.db
        patch = given(input, DataFlowModel)
        planner = service.update_planner(db, DataFlowModel, patch, service.data_flow_plan)
        outcome = await service.update(
            db,
            actor(info),
            "updateDataFlow",
            "FLOWS_TO",
            key_of(id, RETIRABLE_KINDS["FLOWS_TO"], field="id"),
            planner,
        )
        return registrations(info, [outcome], data_flow)[0]

    @strawberry.mutation(description="Change fields of a registered transfer safeguard.")
    async def update_safeguard(
        self, info: Info[Context, None], id: EntityId, input: SafeguardPatch
    ) -> Registration:
        db = info.context.db
        patch = given(input, SafeguardModel)
        planner = service.update_planner(db, SafeguardModel, patch, service.safeguard_plan)
        outcome = await service.update(
            db,
            actor(info),
            "updateSafeguard",
            "Safeguard",
            key_of(id, RETIRABLE_KINDS["Safeguard"], field="id"),
            planner,
        )
        return registrations(info, [outcome], safeguard)[0]
