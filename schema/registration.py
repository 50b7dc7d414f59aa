"""The register and retire mutations integrations call, and their inputs and payloads."""

import dataclasses
import datetime
import enum
from collections.abc import Callable
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from graph.database import Database
from graph.queries.registration import RetirableKind
from resolvers.global_id import encode
from resolvers.references import ID_DESCRIPTION, key_of
from resolvers.registration import inputs as models
from resolvers.registration import service
from resolvers.registration.decisions import Subject, TransferDecisions
from resolvers.registration.inputs import Retirement, validated, validated_batch
from schema.auth import actor
from schema.context import Context
from schema.plain_input import plain_input
from schema.transfer import TransferPath
from schema.vocabulary import (
    Authorisation,
    DeletionMethod,
    DpfDataType,
    DpfFramework,
    DpfStatus,
    EntityType,
    FlowMode,
    OnErasure,
    OrganisationKind,
    RegimeKey,
    Role,
    SafeguardType,
    SystemKind,
    TiaOutcome,
)

SOURCE = "The integration's source name (lower case, digits, `.`, `_`, `-`)."
EXTERNAL_ID = "The caller's own stable id there; with `source` it keys the upsert."
CATEGORIES = "Data category keys of the taxonomy."
SERVES = (
    "The markets it offers its services to: ISO 3166-1 alpha-2 codes, ISO 3166-2 codes such as "
    "`US-CA`, or `EEA` for the EEA states. A regime reaches by targeting an organisation that "
    "serves one of its markets."
)
SUBJECTS = (
    "The data subjects whose data it carries (each a global id or key); left out, it names none "
    "and is followed for any subject whose categories it carries (inferred from categories alone)."
)
ENGAGED_ROLE = "The engaged organisation's role: PROCESSOR, SUB_PROCESSOR or THIRD_PARTY."
OWNER_ROLE = "The map owner's role for it: CONTROLLER or PROCESSOR."


@plain_input
@strawberry.input(description="An organisation that processes personal data for another.")
class ProcessorInput:
    source: str = strawberry.field(description=SOURCE)
    external_id: str = strawberry.field(description=EXTERNAL_ID)
    legal_name: str = strawberry.field(description="The legal name.")
    country: str = strawberry.field(description="ISO 3166-1 alpha-2 country of establishment.")
    engaged_by: strawberry.ID = strawberry.field(
        description="The id of the organisation that engages it (the controller)."
    )
    website: str | None = strawberry.field(default=None, description="Its website (http/https).")
    dpa_signed: datetime.date | None = strawberry.field(
        default=None, description="When the data-processing agreement was signed."
    )
    subject_to: list[str] = strawberry.field(
        default_factory=list, description="Laws it is subject to, such as `PIPEDA`."
    )
    serves: list[str] = strawberry.field(default_factory=list, description=SERVES)
    service: str | None = strawberry.field(default=None, description="What it does.")
    categories: list[str] = strawberry.field(default_factory=list, description=CATEGORIES)
    subjects: list[strawberry.ID] | None = strawberry.field(default=None, description=SUBJECTS)


@plain_input
@strawberry.input(description="A sub-processor engaged by a processor.")
class SubProcessorInput:
    source: str = strawberry.field(description=SOURCE)
    external_id: str = strawberry.field(description=EXTERNAL_ID)
    legal_name: str = strawberry.field(description="The legal name.")
    country: str = strawberry.field(description="ISO 3166-1 alpha-2 country of establishment.")
    processor_id: strawberry.ID = strawberry.field(
        description="The id of the processor that engages it."
    )
    authorisation: Authorisation = strawberry.field(description="Specific or general.")
    authorised_on: datetime.date = strawberry.field(description="When it was authorised.")
    notice_days: int | None = strawberry.field(
        default=None, description="Days of notice before a change (general authorisation)."
    )
    website: str | None = strawberry.field(default=None, description="Its website (http/https).")
    dpa_signed: datetime.date | None = strawberry.field(
        default=None, description="When the data-processing agreement was signed."
    )
    subject_to: list[str] = strawberry.field(
        default_factory=list, description="Laws it is subject to, such as `PIPEDA`."
    )
    serves: list[str] = strawberry.field(default_factory=list, description=SERVES)
    service: str | None = strawberry.field(default=None, description="What it does.")
    categories: list[str] = strawberry.field(default_factory=list, description=CATEGORIES)
    subjects: list[strawberry.ID] | None = strawberry.field(default=None, description=SUBJECTS)


@plain_input
@strawberry.input(
    description="An organisation of any kind (a customer as controller, a third party, a group "
    "company), engaged by no one: engagements are registered apart."
)
class OrganisationInput:
    source: str = strawberry.field(description=SOURCE)
    external_id: str = strawberry.field(description=EXTERNAL_ID)
    legal_name: str = strawberry.field(description="The legal name.")
    country: str = strawberry.field(description="ISO 3166-1 alpha-2 country of establishment.")
    kind: OrganisationKind = strawberry.field(description="What kind of organisation it is.")
    website: str | None = strawberry.field(default=None, description="Its website (http/https).")
    dpa_signed: datetime.date | None = strawberry.field(
        default=None, description="When the data-processing agreement was signed."
    )
    subject_to: list[str] = strawberry.field(
        default_factory=list, description="Laws it is subject to, such as `PIPEDA`."
    )
    serves: list[str] = strawberry.field(default_factory=list, description=SERVES)
    supervisory_authority: str | None = strawberry.field(
        default=None, description="Its lead supervisory authority, by name."
    )


@plain_input
@strawberry.input(
    description="One organisation engaging another (`<engagerId>><engagedId>` is its id): a "
    "customer engaging the map owner as processor, the owner engaging a third party."
)
class EngagementInput:
    source: str = strawberry.field(description=SOURCE)
    engager_id: strawberry.ID = strawberry.field(description="The engaging organisation.")
    engaged_id: strawberry.ID = strawberry.field(description="The engaged organisation.")
    role: Role = strawberry.field(description=ENGAGED_ROLE)
    service: str | None = strawberry.field(default=None, description="What it does.")
    categories: list[str] = strawberry.field(default_factory=list, description=CATEGORIES)
    subjects: list[strawberry.ID] | None = strawberry.field(default=None, description=SUBJECTS)
    authorisation: Authorisation | None = strawberry.field(
        default=None, description="Specific or general (Art. 28(2))."
    )
    authorised_on: datetime.date | None = strawberry.field(
        default=None, description="When it was authorised."
    )
    notice_days: int | None = strawberry.field(
        default=None, description="Days of notice before a change (general authorisation)."
    )


@plain_input
@strawberry.input(description="A country a system is reached from remotely, and why.")
class RemoteAccessInput:
    country: str = strawberry.field(description="ISO 3166-1 alpha-2 code.")
    purpose: str = strawberry.field(description="Why it is reached from there.")


@plain_input
@strawberry.input(description="A system that holds personal data.")
class SystemInput:
    source: str = strawberry.field(description=SOURCE)
    external_id: str = strawberry.field(description=EXTERNAL_ID)
    name: str = strawberry.field(description="Its name.")
    kind: SystemKind = strawberry.field(description="What kind of system it is.")
    operator_id: strawberry.ID = strawberry.field(
        description="The id of the organisation that operates it."
    )
    operator_role: Role = strawberry.field(description="The operator's role for the data.")
    hosted_in: list[str] = strawberry.field(
        description="ISO alpha-2 codes of the countries where the data rests."
    )
    description: str | None = strawberry.field(default=None, description="What it is for.")
    owner_team: str | None = strawberry.field(default=None, description="The team that owns it.")
    deletion_method: DeletionMethod | None = strawberry.field(
        default=None, description="How data is deleted from it."
    )
    retrieval_method: str | None = strawberry.field(
        default=None, description="How data is retrieved from it."
    )
    identifiers: list[str] = strawberry.field(
        default_factory=list, description="What to search it by, such as `email`."
    )
    rotation_days: int | None = strawberry.field(
        default=None, description="How long a backup keeps data."
    )
    accessed_from: list[RemoteAccessInput] = strawberry.field(
        default_factory=list, description="The countries it is reached from remotely."
    )
    security_measures: list[str] = strawberry.field(
        default_factory=list,
        description="Keys of the security-measure vocabulary applied (`enc_at_rest`, "
        "`enc_in_transit`, `access_control`, ...: the `SecurityMeasure` nodes).",
    )

    hr_data: bool | None = strawberry.field(
        default=None,
        description="Whether it holds HR data (employees, applicants): the DPF certification a "
        "US importer needs covers HR data then.",
    )


@plain_input
@strawberry.input(description="What a system holds of one kind of data subject, and how long.")
class StorageInput:
    source: str = strawberry.field(description=SOURCE)
    external_id: str = strawberry.field(description=EXTERNAL_ID)
    system_id: strawberry.ID = strawberry.field(description="The system that holds it.")
    subject: strawberry.ID = strawberry.field(description="The data subject. " + ID_DESCRIPTION)
    categories: list[str] = strawberry.field(description=CATEGORIES)
    controller_role: Role = strawberry.field(description=OWNER_ROLE)
    retention: str | None = strawberry.field(default=None, description="The retention rule.")
    retention_days: int | None = strawberry.field(
        default=None, description="Days kept after the purpose ends; null = unknown."
    )
    retention_obligation: str | None = strawberry.field(
        default=None, description="The RetentionObligation id that keeps it (instead of days)."
    )
    on_erasure: OnErasure = strawberry.field(
        default=OnErasure.ERASE, description="What erasure does."
    )
    collected_from_subject: bool = strawberry.field(
        default=False, description="True where the data enters from the person."
    )
    subjects_in: list[str] = strawberry.field(
        default_factory=list,
        description="The markets the collected subjects are in (codes as for `serves`); empty: "
        "the markets its controller serves.",
    )
    made_public: bool = strawberry.field(
        default=False, description="Whether it is made public (Art. 17(2))."
    )
    record_count: int | None = strawberry.field(
        default=None, description="How many records it holds, where known."
    )


@plain_input
@strawberry.input(description="An organisation an activity discloses data to, in a role.")
class RecipientInput:
    organisation_id: strawberry.ID = strawberry.field(description="The recipient.")
    role: Role = strawberry.field(description="Its role for the data.")


@plain_input
@strawberry.input(description="A processing activity (a record of processing, Art. 30).")
class ProcessingActivityInput:
    source: str = strawberry.field(description=SOURCE)
    external_id: str = strawberry.field(description=EXTERNAL_ID)
    name: str = strawberry.field(description="Its name.")
    purpose: str = strawberry.field(description="The data use key of the taxonomy.")
    subjects: list[strawberry.ID] = strawberry.field(
        description="The data subjects it concerns (each a global id or key)."
    )
    categories: list[str] = strawberry.field(description=CATEGORIES)
    controller_id: strawberry.ID = strawberry.field(description="The controller.")
    preemptly_role: Role = strawberry.field(description=OWNER_ROLE)
    legal_basis: str | None = strawberry.field(
        default=None, description="The Art. 6 LegalBasis key; required when the owner controls."
    )
    special_category_condition: str | None = strawberry.field(
        default=None, description="The Art. 9(2) condition key, for special-category data."
    )
    system_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="The systems it runs on."
    )
    recipients: list[RecipientInput] = strawberry.field(
        default_factory=list, description="The organisations it discloses to."
    )
    recipient_categories: list[str] = strawberry.field(
        default_factory=list, description="Recipients named only by kind."
    )
    retention: str | None = strawberry.field(default=None, description="The retention rule.")
    retention_days: int | None = strawberry.field(
        default=None, description="Days kept after the purpose ends; null = unknown."
    )
    automated_decision_making: bool = strawberry.field(
        default=False, description="Art. 22 automated decisions."
    )
    profiling: bool = strawberry.field(default=False, description="Whether it profiles.")


@plain_input
@strawberry.input(description="A flow of personal data from a system to a system or organisation.")
class DataFlowInput:
    source: str = strawberry.field(description=SOURCE)
    external_id: str = strawberry.field(description=EXTERNAL_ID)
    from_system_id: strawberry.ID = strawberry.field(description="The id of the sending system.")
    categories: list[str] = strawberry.field(description=CATEGORIES)
    purpose: str = strawberry.field(description="The data use key of the taxonomy.")
    mode: FlowMode = strawberry.field(description="How the data moves.")
    to_system_id: strawberry.ID | None = strawberry.field(
        default=None, description="The receiving system (or give toOrganisationId)."
    )
    to_organisation_id: strawberry.ID | None = strawberry.field(
        default=None, description="The receiving organisation (or give toSystemId)."
    )
    subjects: list[strawberry.ID] | None = strawberry.field(default=None, description=SUBJECTS)


@plain_input
@strawberry.input(description="A transfer safeguard between an exporter and an importer.")
class SafeguardInput:
    source: str = strawberry.field(description=SOURCE)
    external_id: str = strawberry.field(description=EXTERNAL_ID)
    type: SafeguardType = strawberry.field(description="The kind of safeguard.")
    regimes: list[RegimeKey] = strawberry.field(description="The regimes it serves.")
    signed_on: datetime.date = strawberry.field(description="When it was signed.")
    exporter_id: strawberry.ID = strawberry.field(description="The exporting organisation.")
    importer_id: strawberry.ID = strawberry.field(description="The importing organisation.")
    module: int | None = strawberry.field(default=None, description="The SCC module, 1 to 4.")
    derogation: str | None = strawberry.field(
        default=None, description="The Art. 49 derogation key, for DEROGATION."
    )
    expires_on: datetime.date | None = strawberry.field(default=None, description="When it ends.")
    tia_on: datetime.date | None = strawberry.field(
        default=None, description="When the transfer impact assessment was made."
    )
    tia_outcome: TiaOutcome | None = strawberry.field(
        default=None, description="The outcome of that assessment."
    )
    supplementary_measures: list[str] = strawberry.field(
        default_factory=list, description="Supplementary measures taken."
    )


@plain_input
@strawberry.input(description="An organisation's Data Privacy Framework certification.")
class DpfCertificationRegistration:
    source: str = strawberry.field(description=SOURCE)
    external_id: str = strawberry.field(description=EXTERNAL_ID)
    organisation_id: strawberry.ID = strawberry.field(description="The certified organisation.")
    framework: DpfFramework = strawberry.field(description="The DPF programme.")
    status: DpfStatus = strawberry.field(description="ACTIVE or INACTIVE on the DPF List.")
    data_types: list[DpfDataType] = strawberry.field(description="HR and/or NON_HR data.")
    certified_on: datetime.date = strawberry.field(description="When it was certified.")
    expires_on: datetime.date | None = strawberry.field(
        default=None, description="When it lapses unless recertified."
    )


@strawberry.type(description="A transfer path through a registered entity, for one regime.")
class TransferDecision:
    regime: RegimeKey = strawberry.field(description="The regime whose data takes the path.")
    path: TransferPath = strawberry.field(description="The path and each hop's decision.")


@strawberry.type(description="What one registration did.")
class Registration:
    id: strawberry.ID = strawberry.field(
        description="The global id of the entity registered (`node(id)` resolves it); for a data "
        "flow the same edge id as in `dataMap`, `lineage` and transfer hops."
    )
    key: str = strawberry.field(
        description="Its key: `<source>:<externalId>`; for an engagement `<engagerId>><engagedId>`."
    )
    engagement_id: strawberry.ID | None = strawberry.field(
        description="For a processor or sub-processor: the global id of the engagement "
        "(`ENGAGES`) it registered; null otherwise."
    )
    created: bool = strawberry.field(description="True when the entity is new.")
    changed: bool = strawberry.field(description="True when anything about it changed.")
    subject: strawberry.Private[Subject]
    decisions: strawberry.Private[TransferDecisions]

    @strawberry.field(
        description="The transfer engine's decisions on every path through the entity once the "
        "change is committed (EU, UK and CH data), decided for today, worst first."
    )
    async def transfer_decisions(self) -> list[TransferDecision]:
        return [
            TransferDecision(regime=RegimeKey(found.regime), path=TransferPath.of(found.path))
            for found in await self.decisions.of(self.subject)
        ]


@strawberry.type(description="A retired entity: kept, with the date it stopped.")
class Retired:
    id: strawberry.ID = strawberry.field(description="The entity's id.")
    retired_on: datetime.date = strawberry.field(description="The date it is retired on.")


def registrations(
    info: Info[Context, None], outcomes: list[service.Outcome], kind: "Kind"
) -> list[Registration]:
    """The payloads of one mutation; they share one reading of the transfer map."""
    decisions = TransferDecisions(info.context.db, datetime.date.today())
    return [
        Registration(
            id=strawberry.ID(encode(kind.node, o.id)),
            key=o.id,
            engagement_id=_engagement_id(o),
            created=o.created,
            changed=o.changed,
            subject=kind.subject(o),
            decisions=decisions,
        )
        for o in outcomes
    ]


def _engagement_id(outcome: service.Outcome) -> strawberry.ID | None:
    engagement = outcome.after.get("engagement")
    if not engagement:
        return None
    return strawberry.ID(encode("Engagement", engagement["id"]))


def organisation(outcome: service.Outcome) -> Subject:
    return Subject(organisation_id=outcome.id)


def system(outcome: service.Outcome) -> Subject:
    return Subject(system_id=outcome.id)


def data_flow(outcome: service.Outcome) -> Subject:
    return Subject(flow_id=outcome.id)


def certified(outcome: service.Outcome) -> Subject:
    return Subject(organisation_id=outcome.after["organisation_id"])


def safeguard(outcome: service.Outcome) -> Subject:
    return Subject(parties=(outcome.after["exporter_id"], outcome.after["importer_id"]))


def engagement(outcome: service.Outcome) -> Subject:
    return Subject(parties=(outcome.after["engager_id"], outcome.after["engaged_id"]))


def storage(outcome: service.Outcome) -> Subject:
    return Subject(system_id=outcome.after["system_id"])


def activity(outcome: service.Outcome) -> Subject:
    """An activity moves no data itself: its systems' and recipients' own paths report that."""
    return Subject()


def fields_of(value: Any) -> dict[str, Any]:
    """The fields of a register input as a dict, nested inputs (lists of them) as dicts too: a
    `plain_input` arrives as one; of any other, a shallow read where the input is flat is what
    `strawberry.asdict` gives, without its copy of every value (~0.1 ms per input)."""
    fields = (
        value
        if isinstance(value, dict)
        else {field.name: getattr(value, field.name) for field in dataclasses.fields(value)}
    )
    for name, item in fields.items():
        if isinstance(item, list) and item and dataclasses.is_dataclass(item[0]):
            fields[name] = [fields_of(entry) for entry in item]
    return fields


Planner = Callable[[Database, Any], service.Plan]


@dataclasses.dataclass(frozen=True)
class Kind:
    """One kind of registration: its pydantic model, its plan, and what its payload reports on."""

    model: type[models.Keyed]
    plan: Planner
    subject: Callable[[service.Outcome], Subject]
    node: str
    """The kind of the entity it registers, for its global id."""


async def registered(
    info: Info[Context, None], kind: Kind, operation: str, rows: list[dict[str, Any]], field: str
) -> list[Registration]:
    """Validate `rows` (the inputs at `field`, one or a list), write them in one transaction and
    return their payloads."""
    if field == "input":
        items = [("input", validated(kind.model, rows[0], "input"))]
    else:
        batch = validated_batch(
            kind.model, rows, field, info.context.settings.registration_batch_max
        )
        items = [(f"{field}[{index}]", item) for index, item in enumerate(batch)]
    plan = kind.plan(info.context.db, items)
    outcomes = await service.register(info.context.db, actor(info), operation, plan)
    return registrations(info, outcomes, kind)


def register_one(input_type: type, kind: Kind, operation: str, description: str) -> Any:
    async def resolve(info: Info[Context, None], input: Any) -> Registration:
        return (await registered(info, kind, operation, [fields_of(input)], "input"))[0]

    resolve.__annotations__["input"] = input_type
    return strawberry.mutation(resolver=resolve, description=description)


def register_many(input_type: type, kind: Kind, operation: str, description: str) -> Any:
    async def resolve(info: Info[Context, None], inputs: Any) -> list[Registration]:
        rows = [fields_of(value) for value in inputs]
        return await registered(info, kind, operation, rows, "inputs")

    resolve.__annotations__["inputs"] = list[input_type]  # type: ignore[valid-type]
    return strawberry.mutation(
        resolver=resolve,
        description=description + " Many in one all-or-nothing transaction.",
    )


@strawberry.enum(description="A kind of entity that can be retired, and so restored.")
class RetiredKind(enum.Enum):
    ORGANISATION = "ORGANISATION"
    ENGAGEMENT = "ENGAGEMENT"
    SYSTEM = "SYSTEM"
    STORAGE = "STORAGE"
    PROCESSING_ACTIVITY = "PROCESSING_ACTIVITY"
    DATA_FLOW = "DATA_FLOW"
    SAFEGUARD = "SAFEGUARD"


RETIRED_KINDS: dict[RetiredKind, tuple[RetirableKind, EntityType]] = {
    RetiredKind.ORGANISATION: ("Organisation", EntityType.Organisation),
    RetiredKind.ENGAGEMENT: ("ENGAGES", EntityType.Engagement),
    RetiredKind.SYSTEM: ("System", EntityType.System),
    RetiredKind.STORAGE: ("Storage", EntityType.Storage),
    RetiredKind.PROCESSING_ACTIVITY: ("ProcessingActivity", EntityType.ProcessingActivity),
    RetiredKind.DATA_FLOW: ("FLOWS_TO", EntityType.DataFlow),
    RetiredKind.SAFEGUARD: ("Safeguard", EntityType.Safeguard),
}
"""Each restorable kind: the graph kind it names, and its entity type in the audit log (as its
retire mutation records it)."""


@strawberry.type(description="A restored entity: in the map again.")
class Restored:
    id: strawberry.ID = strawberry.field(description="The entity's id.")


EntityId = Annotated[
    strawberry.ID, strawberry.argument(description="The entity. " + ID_DESCRIPTION)
]
RetireOn = Annotated[
    datetime.date | None,
    strawberry.argument(description="The retirement date; today when omitted."),
]


RETIRABLE_KINDS: dict[RetirableKind, str] = {
    "Organisation": "Organisation",
    "ENGAGES": "Engagement",
    "System": "System",
    "Storage": "Storage",
    "ProcessingActivity": "ProcessingActivity",
    "FLOWS_TO": "Flow",
    "Safeguard": "Safeguard",
}
"""The node kind whose global id names an entity each retire mutation takes."""


def retire_mutation(
    operation: str, kind: RetirableKind, entity_type: EntityType, description: str
) -> Any:
    async def resolve(info: Info[Context, None], id: EntityId, on: RetireOn = None) -> Retired:
        key = key_of(id, RETIRABLE_KINDS[kind], field="id")
        item = validated(Retirement, {"id": key, "on": on or datetime.date.today()}, "")
        retired_on = await service.retire(
            info.context.db, actor(info), operation, kind, entity_type, item
        )
        return Retired(id=id, retired_on=retired_on)

    return strawberry.mutation(resolver=resolve, description=description)


PROCESSOR = Kind(models.ProcessorInput, service.processors_plan, organisation, "Organisation")
SUB_PROCESSOR = Kind(
    models.SubProcessorInput, service.sub_processors_plan, organisation, "Organisation"
)
ORGANISATION = Kind(
    models.AnyOrganisationInput, service.organisations_plan, organisation, "Organisation"
)
ENGAGEMENT = Kind(models.EngagementInput, service.engagements_plan, engagement, "Engagement")
SYSTEM = Kind(models.SystemInput, service.systems_plan, system, "System")
DATA_FLOW = Kind(models.DataFlowInput, service.data_flows_plan, data_flow, "Flow")
SAFEGUARD = Kind(models.SafeguardInput, service.safeguards_plan, safeguard, "Safeguard")
STORAGE = Kind(models.StorageInput, service.storages_plan, storage, "Storage")
ACTIVITY = Kind(
    models.ProcessingActivityInput, service.activities_plan, activity, "ProcessingActivity"
)
DPF_CERTIFICATION = Kind(
    models.DpfCertificationInput, service.dpf_certifications_plan, certified, "DpfCertification"
)


@strawberry.type
class RegistrationMutation:
    register_processor = register_one(
        ProcessorInput,
        PROCESSOR,
        "registerProcessor",
        "Register or update one processor and its engagement.",
    )
    register_processors = register_many(
        ProcessorInput,
        PROCESSOR,
        "registerProcessors",
        "Register or update processors and their engagements.",
    )
    register_sub_processor = register_one(
        SubProcessorInput,
        SUB_PROCESSOR,
        "registerSubProcessor",
        "Register or update a sub-processor engagement.",
    )
    register_organisation = register_one(
        OrganisationInput,
        ORGANISATION,
        "registerOrganisation",
        "Register or update an organisation of any kind, without an engagement.",
    )
    register_organisations = register_many(
        OrganisationInput,
        ORGANISATION,
        "registerOrganisations",
        "Register or update organisations of any kind.",
    )
    register_engagement = register_one(
        EngagementInput,
        ENGAGEMENT,
        "registerEngagement",
        "Register or update an engagement between two organisations.",
    )
    register_engagements = register_many(
        EngagementInput, ENGAGEMENT, "registerEngagements", "Register or update engagements."
    )
    register_system = register_one(
        SystemInput, SYSTEM, "registerSystem", "Register or update a system."
    )
    register_systems = register_many(
        SystemInput, SYSTEM, "registerSystems", "Register or update systems."
    )
    register_storage = register_one(
        StorageInput,
        STORAGE,
        "registerStorage",
        "Register or update what a system holds of one kind of data subject.",
    )
    register_storages = register_many(
        StorageInput, STORAGE, "registerStorages", "Register or update storages."
    )
    register_processing_activity = register_one(
        ProcessingActivityInput,
        ACTIVITY,
        "registerProcessingActivity",
        "Register or update a processing activity.",
    )
    register_processing_activities = register_many(
        ProcessingActivityInput,
        ACTIVITY,
        "registerProcessingActivities",
        "Register or update processing activities.",
    )
    register_data_flow = register_one(
        DataFlowInput, DATA_FLOW, "registerDataFlow", "Register or update a data flow."
    )
    register_data_flows = register_many(
        DataFlowInput, DATA_FLOW, "registerDataFlows", "Register or update data flows."
    )
    register_safeguard = register_one(
        SafeguardInput, SAFEGUARD, "registerSafeguard", "Register or update a transfer safeguard."
    )
    register_dpf_certification = register_one(
        DpfCertificationRegistration,
        DPF_CERTIFICATION,
        "registerDpfCertification",
        "Register or update an organisation's DPF certification (one per organisation and "
        "framework: id `<organisationId>:<framework>`).",
    )
    retire_processor = retire_mutation(
        "retireProcessor",
        "Organisation",
        EntityType.Organisation,
        "Retire a processor or sub-processor organisation.",
    )
    retire_organisation = retire_mutation(
        "retireOrganisation",
        "Organisation",
        EntityType.Organisation,
        "Retire an organisation of any kind.",
    )
    retire_engagement = retire_mutation(
        "retireEngagement",
        "ENGAGES",
        EntityType.Engagement,
        "Retire an engagement (`<engagerId>><organisationId>`).",
    )
    retire_system = retire_mutation("retireSystem", "System", EntityType.System, "Retire a system.")
    retire_storage = retire_mutation(
        "retireStorage", "Storage", EntityType.Storage, "Retire a storage."
    )
    retire_processing_activity = retire_mutation(
        "retireProcessingActivity",
        "ProcessingActivity",
        EntityType.ProcessingActivity,
        "Retire a processing activity.",
    )
    retire_data_flow = retire_mutation(
        "retireDataFlow", "FLOWS_TO", EntityType.DataFlow, "Retire a data flow."
    )
    retire_safeguard = retire_mutation(
        "retireSafeguard", "Safeguard", EntityType.Safeguard, "Retire a transfer safeguard."
    )

    @strawberry.mutation(
        description="Admin only: bring a retired entity back into the map (undo a retirement)."
    )
    async def restore_retired(
        self,
        info: Info[Context, None],
        kind: Annotated[RetiredKind, strawberry.argument(description="What kind of entity.")],
        id: EntityId,
    ) -> Restored:
        label, entity_type = RETIRED_KINDS[kind]
        key = key_of(id, RETIRABLE_KINDS[label], field="id")
        await service.restore(
            info.context.db, actor(info), "restoreRetired", label, entity_type, key
        )
        return Restored(id=id)
