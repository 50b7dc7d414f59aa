"""The register and retire mutations integrations call, and their inputs and payloads."""

import dataclasses
import datetime
import enum
from collections.abc import Callable
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from graph.queries.registration import RetirableKind
from resolvers.global_id import encode
from resolvers.references import key_of
from resolvers.registration import service
from resolvers.registration.decisions import Subject, TransferDecisions
from resolvers.registration.inputs import (
    DataFlowInput as DataFlowModel,
)
from resolvers.registration.inputs import (
    DpfCertificationInput as DpfCertificationModel,
)
from resolvers.registration.inputs import (
    ProcessorInput as ProcessorModel,
)
from resolvers.registration.inputs import (
    Retirement,
    validated,
    validated_batch,
)
from resolvers.registration.inputs import (
    SafeguardInput as SafeguardModel,
)
from resolvers.registration.inputs import (
    SubProcessorInput as SubProcessorModel,
)
from resolvers.registration.inputs import (
    SystemInput as SystemModel,
)
from schema.auth import actor
from schema.context import Context
from schema.transfer import TransferPath
from schema.vocabulary import (
    Authorisation,
    DeletionMethod,
    DpfDataType,
    DpfFramework,
    DpfStatus,
    FlowMode,
    RegimeKey,
    Role,
    SafeguardType,
    SystemKind,
    TiaOutcome,
)

SOURCE = "The integration's source name (lower case, digits, `.`, `_`, `-`)."
EXTERNAL_ID = "The caller's own stable id there; with `source` it keys the upsert."
CATEGORIES = "Data category keys of the taxonomy."


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
    service: str | None = strawberry.field(default=None, description="What it does.")
    categories: list[str] = strawberry.field(default_factory=list, description=CATEGORIES)


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
    service: str | None = strawberry.field(default=None, description="What it does.")
    categories: list[str] = strawberry.field(default_factory=list, description=CATEGORIES)


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
    hr_data: bool | None = strawberry.field(
        default=None,
        description="Whether it holds HR data (employees, applicants): the DPF certification a "
        "US importer needs covers HR data then.",
    )


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
    key: str = strawberry.field(description="Its key: `<source>:<externalId>`.")
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
    info: Info[Context, None],
    outcomes: list[service.Outcome],
    subject: Callable[[service.Outcome], Subject],
) -> list[Registration]:
    """The payloads of one mutation; they share one reading of the transfer map."""
    decisions = TransferDecisions(info.context.db, datetime.date.today())
    kind = SUBJECT_KINDS[subject]
    return [
        Registration(
            id=strawberry.ID(encode(kind, o.id)),
            key=o.id,
            engagement_id=_engagement_id(o),
            created=o.created,
            changed=o.changed,
            subject=subject(o),
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


SUBJECT_KINDS: dict[Callable[[service.Outcome], Subject], str] = {
    organisation: "Organisation",
    system: "System",
    data_flow: "Flow",
    safeguard: "Safeguard",
    certified: "DpfCertification",
}
"""The kind of the entity each registration registers, for its global id."""

RETIRABLE_KINDS: dict[str, str] = {
    "Organisation": "Organisation",
    "ENGAGES": "Engagement",
    "System": "System",
    "FLOWS_TO": "Flow",
    "Safeguard": "Safeguard",
}


def fields_of(value: Any) -> dict[str, Any]:
    """The fields of a register input as a dict. The inputs are flat (scalars, enums and lists
    of them), so a shallow read is what `strawberry.asdict` gives, without its recursive copy,
    which cost ~0.1 ms per input of a bulk call."""
    return {field.name: getattr(value, field.name) for field in dataclasses.fields(value)}


async def retire(
    info: Info[Context, None],
    operation: str,
    kind: RetirableKind,
    entity_type: str,
    id: strawberry.ID,
    on: datetime.date | None,
) -> Retired:
    key = key_of(id, RETIRABLE_KINDS[kind], field="id")
    item = validated(Retirement, {"id": key, "on": on or datetime.date.today()}, "")
    retired_on = await service.retire(
        info.context.db, actor(info), operation, kind, entity_type, item
    )
    return Retired(id=id, retired_on=retired_on)


@strawberry.enum(description="A kind of entity that can be retired, and so restored.")
class RetiredKind(enum.Enum):
    PROCESSOR = "PROCESSOR"
    ENGAGEMENT = "ENGAGEMENT"
    SYSTEM = "SYSTEM"
    DATA_FLOW = "DATA_FLOW"
    SAFEGUARD = "SAFEGUARD"


RETIRED_KINDS: dict[RetiredKind, tuple[RetirableKind, str]] = {
    RetiredKind.PROCESSOR: ("Organisation", "Organisation"),
    RetiredKind.ENGAGEMENT: ("ENGAGES", "Engagement"),
    RetiredKind.SYSTEM: ("System", "System"),
    RetiredKind.DATA_FLOW: ("FLOWS_TO", "DataFlow"),
    RetiredKind.SAFEGUARD: ("Safeguard", "Safeguard"),
}


@strawberry.type(description="A restored entity: in the map again.")
class Restored:
    id: strawberry.ID = strawberry.field(description="The entity's id.")


EntityId = Annotated[
    strawberry.ID,
    strawberry.argument(description="The entity. Accepts the global id (`id`) or the key (`key`)."),
]
RetireOn = Annotated[
    datetime.date | None,
    strawberry.argument(description="The retirement date; today when omitted."),
]


@strawberry.type
class RegistrationMutation:
    @strawberry.mutation(description="Register or update one processor and its engagement.")
    async def register_processor(
        self, info: Info[Context, None], input: ProcessorInput
    ) -> Registration:
        item = validated(ProcessorModel, fields_of(input), "input")
        plan = service.processors_plan(info.context.db, [("input", item)])
        outcomes = await service.register(info.context.db, actor(info), "registerProcessor", plan)
        return registrations(info, outcomes, organisation)[0]

    @strawberry.mutation(
        description="Register or update many processors in one all-or-nothing transaction."
    )
    async def register_processors(
        self, info: Info[Context, None], inputs: list[ProcessorInput]
    ) -> list[Registration]:
        items = validated_batch(
            ProcessorModel,
            [fields_of(value) for value in inputs],
            "inputs",
            info.context.settings.registration_batch_max,
        )
        paths = [f"inputs[{index}]" for index in range(len(items))]
        plan = service.processors_plan(info.context.db, list(zip(paths, items, strict=True)))
        outcomes = await service.register(info.context.db, actor(info), "registerProcessors", plan)
        return registrations(info, outcomes, organisation)

    @strawberry.mutation(description="Register or update a sub-processor engagement.")
    async def register_sub_processor(
        self, info: Info[Context, None], input: SubProcessorInput
    ) -> Registration:
        item = validated(SubProcessorModel, fields_of(input), "input")
        plan = service.sub_processor_plan(info.context.db, "input", item)
        outcomes = await service.register(
            info.context.db, actor(info), "registerSubProcessor", plan
        )
        return registrations(info, outcomes, organisation)[0]

    @strawberry.mutation(description="Register or update a system.")
    async def register_system(self, info: Info[Context, None], input: SystemInput) -> Registration:
        item = validated(SystemModel, fields_of(input), "input")
        plan = service.system_plan(info.context.db, "input", item)
        outcomes = await service.register(info.context.db, actor(info), "registerSystem", plan)
        return registrations(info, outcomes, system)[0]

    @strawberry.mutation(description="Register or update a data flow.")
    async def register_data_flow(
        self, info: Info[Context, None], input: DataFlowInput
    ) -> Registration:
        item = validated(DataFlowModel, fields_of(input), "input")
        plan = service.data_flow_plan(info.context.db, "input", item)
        outcomes = await service.register(info.context.db, actor(info), "registerDataFlow", plan)
        return registrations(info, outcomes, data_flow)[0]

    @strawberry.mutation(description="Register or update a transfer safeguard.")
    async def register_safeguard(
        self, info: Info[Context, None], input: SafeguardInput
    ) -> Registration:
        item = validated(SafeguardModel, fields_of(input), "input")
        plan = service.safeguard_plan(info.context.db, "input", item)
        outcomes = await service.register(info.context.db, actor(info), "registerSafeguard", plan)
        return registrations(info, outcomes, safeguard)[0]

    @strawberry.mutation(
        description="Register or update an organisation's DPF certification (one per "
        "organisation and framework: id `<organisationId>:<framework>`)."
    )
    async def register_dpf_certification(
        self, info: Info[Context, None], input: DpfCertificationRegistration
    ) -> Registration:
        item = validated(DpfCertificationModel, fields_of(input), "input")
        plan = service.dpf_certification_plan(info.context.db, "input", item)
        outcomes = await service.register(
            info.context.db, actor(info), "registerDpfCertification", plan
        )
        return registrations(info, outcomes, certified)[0]

    @strawberry.mutation(description="Retire a processor or sub-processor organisation.")
    async def retire_processor(
        self,
        info: Info[Context, None],
        id: EntityId,
        on: RetireOn = None,
    ) -> Retired:
        return await retire(info, "retireProcessor", "Organisation", "Organisation", id, on)

    @strawberry.mutation(description="Retire an engagement (`<engagerId>><organisationId>`).")
    async def retire_engagement(
        self,
        info: Info[Context, None],
        id: EntityId,
        on: RetireOn = None,
    ) -> Retired:
        return await retire(info, "retireEngagement", "ENGAGES", "Engagement", id, on)

    @strawberry.mutation(description="Retire a system.")
    async def retire_system(
        self,
        info: Info[Context, None],
        id: EntityId,
        on: RetireOn = None,
    ) -> Retired:
        return await retire(info, "retireSystem", "System", "System", id, on)

    @strawberry.mutation(description="Retire a data flow.")
    async def retire_data_flow(
        self,
        info: Info[Context, None],
        id: EntityId,
        on: RetireOn = None,
    ) -> Retired:
        return await retire(info, "retireDataFlow", "FLOWS_TO", "DataFlow", id, on)

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

    @strawberry.mutation(description="Retire a transfer safeguard.")
    async def retire_safeguard(
        self,
        info: Info[Context, None],
        id: EntityId,
        on: RetireOn = None,
    ) -> Retired:
        return await retire(info, "retireSafeguard", "Safeguard", "Safeguard", id, on)
