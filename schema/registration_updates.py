"""The update mutations: patch only the fields given of an entity an integration registered. A
field left out keeps its value; a field given as null clears it where the model allows that."""

import datetime
from typing import Any

import strawberry
from pydantic import BaseModel
from strawberry.types import Info

from graph.queries.registration import UpdatableKind
from resolvers.errors import BadUserInput
from resolvers.references import key_of
from resolvers.registration import inputs as models
from resolvers.registration import service
from resolvers.registration.inputs import validated_patch
from schema.auth import actor
from schema.context import Context
from schema.registration import (
    ACTIVITY,
    CATEGORIES,
    DATA_FLOW,
    ENGAGED_ROLE,
    ENGAGEMENT,
    ORGANISATION,
    OWNER_ROLE,
    PROCESSOR,
    RETIRABLE_KINDS,
    SAFEGUARD,
    STORAGE,
    SYSTEM,
    EntityId,
    Kind,
    RecipientInput,
    Registration,
    RemoteAccessInput,
    fields_of,
    registrations,
)
from schema.vocabulary import (
    Authorisation,
    DeletionMethod,
    FlowMode,
    OnErasure,
    OrganisationKind,
    RegimeKey,
    Role,
    SafeguardType,
    SystemKind,
    TiaOutcome,
)

UNSET: Any = strawberry.UNSET
KEEP = " Left out: unchanged."
SUBJECTS = (
    "The data subjects whose data it carries (each a global id or key); null: it names none and "
    "is followed for any subject whose categories it carries (inferred from categories alone)."
)


def keep(description: str) -> Any:
    """A patch field: left out (UNSET) it keeps the entity's value."""
    return strawberry.field(default=UNSET, description=description + KEEP)


@strawberry.input(description="The fields of an organisation to change.")
class OrganisationFactsPatch:
    legal_name: str | None = keep("The legal name.")
    country: str | None = keep("ISO 3166-1 alpha-2 country of establishment.")
    website: str | None = keep("Its website.")
    dpa_signed: datetime.date | None = keep("When the data-processing agreement was signed.")
    subject_to: list[str] | None = keep("Laws it is subject to, such as `PIPEDA`.")
    serves: list[str] | None = keep("The markets it offers its services to.")


@strawberry.input(description="The fields of a processor or sub-processor to change.")
class ProcessorPatch(OrganisationFactsPatch):
    service: str | None = keep("What it does, on its engagement.")
    categories: list[str] | None = keep(CATEGORIES + " On its engagement.")
    subjects: list[strawberry.ID] | None = keep(SUBJECTS + " On its engagement.")


@strawberry.input(description="The fields of an organisation registered with its kind to change.")
class OrganisationPatch(OrganisationFactsPatch):
    kind: OrganisationKind | None = keep("What kind of organisation it is.")
    supervisory_authority: str | None = keep("Its lead supervisory authority.")


@strawberry.input(
    description="The fields of an engagement to change; its two parties are its id "
    "(`<engagerId>><engagedId>`): engaging another organisation is another engagement."
)
class EngagementPatch:
    role: Role | None = keep(ENGAGED_ROLE)
    service: str | None = keep("What it does.")
    categories: list[str] | None = keep(CATEGORIES)
    subjects: list[strawberry.ID] | None = keep(SUBJECTS)
    authorisation: Authorisation | None = keep("Specific or general (Art. 28(2)).")
    authorised_on: datetime.date | None = keep("When it was authorised.")
    notice_days: int | None = keep("Days of notice before a change (general authorisation).")


@strawberry.input(description="The fields of a system to change.")
class SystemPatch:
    name: str | None = keep("Its name.")
    kind: SystemKind | None = keep("Its kind.")
    operator_id: strawberry.ID | None = keep("The id of the organisation that operates it.")
    operator_role: Role | None = keep("The operator's role for the data.")
    hosted_in: list[str] | None = keep("ISO alpha-2 codes of the countries where data rests.")
    description: str | None = keep("What it is for.")
    owner_team: str | None = keep("The team that owns it.")
    deletion_method: DeletionMethod | None = keep("How data is deleted from it.")
    retrieval_method: str | None = keep("How data is retrieved from it.")
    identifiers: list[str] | None = keep("What to search it by, such as `email`.")
    rotation_days: int | None = keep("How long a backup keeps data.")
    accessed_from: list[RemoteAccessInput] | None = keep("The countries it is reached from.")
    security_measures: list[str] | None = keep("Keys of the security measures applied.")


@strawberry.input(description="The fields of a storage to change.")
class StoragePatch:
    system_id: strawberry.ID | None = keep("The system that holds it.")
    subject: strawberry.ID | None = keep("The data subject (global id or key).")
    categories: list[str] | None = keep(CATEGORIES)
    controller_role: Role | None = keep(OWNER_ROLE)
    retention: str | None = keep("The retention rule.")
    retention_days: int | None = keep("Days kept after the purpose ends.")
    retention_obligation: str | None = keep("The RetentionObligation id that keeps it.")
    on_erasure: OnErasure | None = keep("What erasure does.")
    collected_from_subject: bool | None = keep("True where the data enters from the person.")
    subjects_in: list[str] | None = keep("The markets the collected subjects are in.")
    made_public: bool | None = keep("Whether it is made public.")
    record_count: int | None = keep("How many records it holds.")


@strawberry.input(description="The fields of a processing activity to change.")
class ProcessingActivityPatch:
    name: str | None = keep("Its name.")
    purpose: str | None = keep("The data use key of the taxonomy.")
    subjects: list[strawberry.ID] | None = keep("The data subjects it concerns.")
    categories: list[str] | None = keep(CATEGORIES)
    controller_id: strawberry.ID | None = keep("The controller.")
    preemptly_role: Role | None = keep(OWNER_ROLE)
    legal_basis: str | None = keep("The Art. 6 LegalBasis key.")
    special_category_condition: str | None = keep("The Art. 9(2) condition key.")
    system_ids: list[strawberry.ID] | None = keep("The systems it runs on.")
    recipients: list[RecipientInput] | None = keep("The organisations it discloses to.")
    recipient_categories: list[str] | None = keep("Recipients named only by kind.")
    retention: str | None = keep("The retention rule.")
    retention_days: int | None = keep("Days kept after the purpose ends.")
    automated_decision_making: bool | None = keep("Art. 22 automated decisions.")
    profiling: bool | None = keep("Whether it profiles.")


@strawberry.input(description="The fields of a data flow to change.")
class DataFlowPatch:
    from_system_id: strawberry.ID | None = keep("The id of the sending system.")
    to_system_id: strawberry.ID | None = strawberry.field(
        default=UNSET, description="The receiving system (null it to send to an organisation)."
    )
    to_organisation_id: strawberry.ID | None = strawberry.field(
        default=UNSET, description="The receiving organisation (null it to send to a system)."
    )
    categories: list[str] | None = keep(CATEGORIES)
    purpose: str | None = keep("The data use key of the taxonomy.")
    mode: FlowMode | None = keep("How it moves.")
    subjects: list[strawberry.ID] | None = keep(SUBJECTS)


@strawberry.input(description="The fields of a transfer safeguard to change.")
class SafeguardPatch:
    type: SafeguardType | None = keep("Its kind.")
    regimes: list[RegimeKey] | None = keep("The regimes it serves.")
    signed_on: datetime.date | None = keep("When it was signed.")
    exporter_id: strawberry.ID | None = keep("The exporting organisation.")
    importer_id: strawberry.ID | None = keep("The importing organisation.")
    module: int | None = keep("The SCC module.")
    derogation: str | None = keep("The Art. 49 derogation key.")
    expires_on: datetime.date | None = keep("When it ends.")
    tia_on: datetime.date | None = keep("When the transfer impact assessment was made.")
    tia_outcome: TiaOutcome | None = keep("The outcome of that assessment.")
    supplementary_measures: list[str] | None = keep("Supplementary measures taken.")


def given(patch: object, model: type[BaseModel]) -> dict[str, Any]:
    """The fields the caller gave (snake_case), each checked alone before Neo4j is touched."""
    values = {name: value for name, value in fields_of(patch).items() if value is not UNSET}
    if not values:
        raise BadUserInput("give at least one field to change", field="input")
    validated_patch(model, values, "input")
    return values


def update_mutation(
    patch_type: type, kind: Kind, entity: UpdatableKind, operation: str, description: str
) -> Any:
    async def resolve(info: Info[Context, None], id: EntityId, input: Any) -> Registration:
        db = info.context.db
        planner = service.update_planner(db, kind.model, given(input, kind.model), kind.plan)
        key = key_of(id, RETIRABLE_KINDS[entity], field="id")
        outcome = await service.update(db, actor(info), operation, entity, key, planner)
        return registrations(info, [outcome], kind)[0]

    resolve.__annotations__["input"] = patch_type
    return strawberry.mutation(resolver=resolve, description=description)


@strawberry.type
class RegistrationUpdateMutation:
    @strawberry.mutation(description="Change fields of a registered processor or sub-processor.")
    async def update_processor(
        self, info: Info[Context, None], id: EntityId, input: ProcessorPatch
    ) -> Registration:
        db = info.context.db
        planner = service.organisation_update_planner(db, given(input, models.ProcessorInput))
        key = key_of(id, RETIRABLE_KINDS["Organisation"], field="id")
        outcome = await service.update(
            db, actor(info), "updateProcessor", "Organisation", key, planner
        )
        return registrations(info, [outcome], PROCESSOR)[0]

    update_organisation = update_mutation(
        OrganisationPatch,
        ORGANISATION,
        "Organisation",
        "updateOrganisation",
        "Change fields of an organisation registered with registerOrganisation.",
    )
    update_engagement = update_mutation(
        EngagementPatch,
        ENGAGEMENT,
        "ENGAGES",
        "updateEngagement",
        "Change fields of a registered engagement (`<engagerId>><engagedId>`).",
    )
    update_system = update_mutation(
        SystemPatch, SYSTEM, "System", "updateSystem", "Change fields of a registered system."
    )
    update_storage = update_mutation(
        StoragePatch, STORAGE, "Storage", "updateStorage", "Change fields of a registered storage."
    )
    update_processing_activity = update_mutation(
        ProcessingActivityPatch,
        ACTIVITY,
        "ProcessingActivity",
        "updateProcessingActivity",
        "Change fields of a registered processing activity.",
    )
    update_data_flow = update_mutation(
        DataFlowPatch,
        DATA_FLOW,
        "FLOWS_TO",
        "updateDataFlow",
        "Change fields of a registered data flow.",
    )
    update_safeguard = update_mutation(
        SafeguardPatch,
        SAFEGUARD,
        "Safeguard",
        "updateSafeguard",
        "Change fields of a registered transfer safeguard.",
    )
