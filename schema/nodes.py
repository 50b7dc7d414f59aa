"""The GraphQL types of the data map's nodes, with their relationships as fields. Every
relationship field goes through a per-request DataLoader, so a nesting level costs one statement
per field however many rows it has."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import date, datetime
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from resolvers.errors import MissingReferenceData
from resolvers.transfer.adequacy import AdequacyStatus, Decision, adequacy_status
from schema.connection import After, Connection, First, connection
from schema.context import Context
from schema.law import LegalBasis, RetentionObligation, SccModule, SecurityMeasure
from schema.node import (
    Node,
    by_key,
    enum_of,
    from_properties,
    native,
    related,
    related_one,
    related_page,
)
from schema.vocabulary import (
    AdequacyScope,
    Authorisation,
    Confidence,
    CountryTie,
    DeletionMethod,
    DpfDataType,
    DpfFramework,
    DpfStatus,
    FlowMode,
    FlowProvenance,
    OnErasure,
    OrganisationKind,
    RegimeKey,
    Role,
    SafeguardType,
    SystemKind,
    TiaOutcome,
)


@strawberry.enum(name="AdequacyStatus", description="A country's standing under a regime.")
class AdequacyStatusType(enum.Enum):
    IN_AREA = strawberry.enum_value(
        AdequacyStatus.IN_AREA.value,
        description="Inside the regime's own area: not a transfer destination.",
    )
    ADEQUATE = strawberry.enum_value(
        AdequacyStatus.ADEQUATE.value,
        description="Covered by a full adequacy decision valid on the date.",
    )
    PARTIAL = strawberry.enum_value(
        AdequacyStatus.PARTIAL.value,
        description="Covered only for some recipients (a law they are subject to, DPF, ...).",
    )
    NONE = strawberry.enum_value(
        AdequacyStatus.NONE.value, description="No adequacy decision valid on the date."
    )


@strawberry.type(description="A data-protection regime: `EU`, `UK`, `CH` or `CCPA`.")
class Regime(Node):
    LABEL = "Regime"
    name: str | None = strawberry.field(default=None, description="The regime's name.")
    instrument: str | None = strawberry.field(default=None, description="The law that makes it.")

    @strawberry.field(description="The countries of the regime's own area.")
    async def area(
        self, info: Info[Context, None], first: First = None, after: After = None
    ) -> Connection[Country]:
        return await related(info, "regime.area", self.key, Country, first, after)


@strawberry.type(description="An adequacy decision of a regime for one or more destinations.")
class AdequacyDecision(Node):
    LABEL = "AdequacyDecision"
    instrument: str | None = strawberry.field(default=None, description="The decision's act.")
    adopted: date | None = strawberry.field(default=None, description="When it was adopted.")
    valid_from: date | None = strawberry.field(default=None, description="First day it applies.")
    valid_until: date | None = strawberry.field(
        default=None, description="Last day it applies; null when it has no sunset."
    )
    scope: AdequacyScope | None = strawberry.field(default=None, description="What it covers.")
    scope_law: str | None = strawberry.field(
        default=None, description="For `RECIPIENT_SUBJECT_TO`: the law the recipient must be under."
    )
    dpf_framework: DpfFramework | None = strawberry.field(
        default=None, description="For `DPF`: the programme a recipient must be certified under."
    )
    scope_text: str | None = strawberry.field(default=None, description="The scope in words.")
    risk_note: str | None = strawberry.field(default=None, description="A known risk to it.")
    source: str | None = strawberry.field(default=None, description="Where the fact comes from.")
    source_date: date | None = strawberry.field(
        default=None, description="When the source was read."
    )
    confidence: Confidence | None = strawberry.field(
        default=None, description="How sure the source is."
    )

    @strawberry.field(description="The deciding regime.")
    async def regime(self, info: Info[Context, None]) -> Regime | None:
        return await related_one(info, "adequacy_decision.regime", self.key, Regime)

    @strawberry.field(description="The destinations it covers.")
    async def countries(
        self, info: Info[Context, None], first: First = None, after: After = None
    ) -> Connection[Country]:
        return await related(info, "adequacy_decision.countries", self.key, Country, first, after)


@strawberry.type(description="A country's adequacy under one regime.")
class RegimeAdequacy:
    regime: Regime = strawberry.field(description="The regime.")
    status: AdequacyStatusType = strawberry.field(description="The country's standing under it.")
    decisions: list[AdequacyDecision] = strawberry.field(
        description="The regime's adequacy decisions covering the country, valid or not."
    )


@strawberry.type(description="A country (ISO 3166-1 alpha-2), or an international organisation.")
class Country(Node):
    LABEL = "Country"
    code: str = strawberry.field(description="The ISO 3166-1 alpha-2 code, or `IO-EPO`.")
    name: str | None = strawberry.field(default=None, description="The country's name.")
    eu: bool | None = strawberry.field(default=None, description="Whether it is an EU state.")
    eea: bool | None = strawberry.field(default=None, description="Whether it is an EEA state.")
    international_organisation: bool | None = strawberry.field(
        default=None, description="Whether it stands for an international organisation."
    )

    @strawberry.field(description="Its adequacy under each regime on a date (default: today).")
    async def adequacy(
        self,
        info: Info[Context, None],
        on: date | None = None,
        first: First = None,
        after: After = None,
    ) -> Connection[RegimeAdequacy]:
        day = on or date.today()
        page = await related_page(info, "country.adequacy", self.key, first, after)
        return connection(page, lambda row: regime_adequacy(row, day))


def regime_adequacy(row: Mapping[str, Any], day: date) -> RegimeAdequacy:
    decisions = [from_properties(AdequacyDecision, d) for d in row["rel"]["decisions"]]
    status = adequacy_status(
        row["rel"]["in_area"],
        [Decision(d.scope and d.scope.value, d.valid_from, d.valid_until) for d in decisions],
        day,
    )
    return RegimeAdequacy(
        regime=from_properties(Regime, row["node"]),
        status=AdequacyStatusType(status.value),
        decisions=decisions,
    )


@strawberry.type(description="A personal-data category of the fideslang taxonomy.")
class DataCategory(Node):
    LABEL = "DataCategory"
    name: str | None = strawberry.field(default=None, description="The category's name.")
    description: str | None = strawberry.field(default=None, description="What it covers.")
    parent_key: str | None = strawberry.field(default=None, description="The parent's key.")
    special_category: bool | None = strawberry.field(
        default=None, description="Whether it is special-category data (Art. 9(1) GDPR)."
    )
    criminal_data: bool | None = strawberry.field(
        default=None, description="Whether it is criminal-offence data (Art. 10 GDPR)."
    )
    source: str | None = strawberry.field(default=None, description="Where the fact comes from.")

    @strawberry.field(description="The parent category; null at the top of the taxonomy.")
    async def parent(self, info: Info[Context, None]) -> DataCategory | None:
        return await by_key(info, DataCategory, self.parent_key)

    @strawberry.field(description="The direct child categories.")
    async def children(
        self, info: Info[Context, None], first: First = None, after: After = None
    ) -> Connection[DataCategory]:
        return await related(info, "data_category.children", self.key, DataCategory, first, after)

    @strawberry.field(description="The systems holding this category.")
    async def systems(
        self, info: Info[Context, None], first: First = None, after: After = None
    ) -> Connection[System]:
        return await related(info, "data_category.systems", self.key, System, first, after)


@strawberry.type(description="A purpose of processing of the fideslang taxonomy.")
class DataUse(Node):
    LABEL = "DataUse"
    name: str | None = strawberry.field(default=None, description="The purpose's name.")
    description: str | None = strawberry.field(default=None, description="What it covers.")
    parent_key: str | None = strawberry.field(default=None, description="The parent's key.")

    @strawberry.field(description="The parent purpose; null at the top of the taxonomy.")
    async def parent(self, info: Info[Context, None]) -> DataUse | None:
        return await by_key(info, DataUse, self.parent_key)

    @strawberry.field(description="The direct child purposes.")
    async def children(
        self, info: Info[Context, None], first: First = None, after: After = None
    ) -> Connection[DataUse]:
        return await related(info, "data_use.children", self.key, DataUse, first, after)


@strawberry.type(description="A kind of person the data is about.")
class DataSubject(Node):
    LABEL = "DataSubject"
    name: str | None = strawberry.field(default=None, description="The subject kind's name.")
    description: str | None = strawberry.field(default=None, description="Who it covers.")
    source: str | None = strawberry.field(default=None, description="Where the fact comes from.")
    assumed: bool | None = strawberry.field(
        default=None, description="Whether it goes beyond the privacy policy's words."
    )

    @strawberry.field(description="The systems holding data of this subject kind.")
    async def systems(
        self, info: Info[Context, None], first: First = None, after: After = None
    ) -> Connection[System]:
        return await related(info, "data_subject.systems", self.key, System, first, after)


@strawberry.type(description="An organisation in a role on a relationship.")
class OrganisationRole:
    role: Role | None = strawberry.field(description="Its role.")
    organisation: Organisation = strawberry.field(description="The organisation.")


@strawberry.type(description="A system an organisation operates, and its role for that data.")
class OperatedSystem:
    role: Role | None = strawberry.field(description="The operator's role.")
    system: System = strawberry.field(description="The system.")


@strawberry.type(description="A country a system is reached from remotely.")
class CountryAccess:
    purpose: str | None = strawberry.field(description="Why it is reached from there.")
    country: Country = strawberry.field(description="The country.")


@strawberry.type(description="A country an organisation is tied to, and how.")
class OrganisationCountry:
    how: list[CountryTie] = strawberry.field(
        description="`ESTABLISHED_IN`, `HOSTS_DATA` (a system it operates rests there) and/or "
        "`ACCESSES_DATA` (one is reached from there)."
    )
    country: Country = strawberry.field(description="The country.")


@strawberry.type(description="An organisation engaging another for a service (`ENGAGES`).")
class Engagement(Node):
    LABEL = "Engagement"
    role: Role | None = strawberry.field(description="The engaged party's role.")
    service: str | None = strawberry.field(description="The service engaged for.")
    authorisation: Authorisation | None = strawberry.field(
        description="How it was authorised (Art. 28(2) GDPR)."
    )
    authorised_on: date | None = strawberry.field(description="When it was authorised.")
    notice_days: int | None = strawberry.field(description="Notice owed before a change.")
    categories: list[str] | None = strawberry.field(description="The category keys it covers.")
    retired_on: date | None = strawberry.field(
        description="When it was retired; a retired engagement counts in no decision."
    )
    engager: Organisation = strawberry.field(description="The engaging organisation.")
    engaged: Organisation = strawberry.field(description="The engaged organisation.")

    @classmethod
    def loaded(cls, properties: Mapping[str, Any]) -> Engagement:
        return engagement(
            properties["rel"],
            from_properties(Organisation, properties["source"]),
            from_properties(Organisation, properties["target"]),
        )


def engagement(rel: Mapping[str, Any], engager: Organisation, engaged: Organisation) -> Engagement:
    return Engagement(
        key=rel["id"],
        role=enum_of(Role, rel.get("role")),
        service=rel.get("service"),
        authorisation=enum_of(Authorisation, rel.get("authorisation")),
        authorised_on=native(rel.get("authorised_on")),
        notice_days=rel.get("notice_days"),
        categories=rel.get("categories"),
        retired_on=native(rel.get("retired_on")),
        engager=engager,
        engaged=engaged,
    )


@strawberry.type(description="A Data Privacy Framework certification of an organisation.")
class DpfCertification(Node):
    LABEL = "DpfCertification"
    framework: DpfFramework | None = strawberry.field(default=None, description="The programme.")
    status: DpfStatus | None = strawberry.field(
        default=None, description="Whether it is active on the DPF List."
    )
    data_types: list[DpfDataType] | None = strawberry.field(
        default=None, description="The data types covered."
    )
    certified_on: date | None = strawberry.field(default=None, description="When certified.")
    expires_on: date | None = strawberry.field(
        default=None, description="When it lapses unless renewed."
    )


@strawberry.type(description="A legal entity: Preemptly, a vendor, a customer.")
class Organisation(Node):
    LABEL = "Organisation"
    legal_name: str | None = strawberry.field(default=None, description="The entity's name.")
    country: str | None = strawberry.field(
        default=None, description="The code of its country of establishment."
    )
    website: str | None = strawberry.field(default=None, description="Its website.")
    dpa_signed: date | None = strawberry.field(
        default=None,
        description="When the data processing agreement with it was signed; null when none is "
        "recorded.",
    )
    subject_to: list[str] | None = strawberry.field(
        default=None, description="Laws the entity is subject to, such as `PIPEDA`."
    )
    is_self: bool | None = strawberry.field(
        default=None, description="Whether it owns the map (Preemptly)."
    )
    kind: OrganisationKind | None = strawberry.field(
        default=None, description="What kind of organisation it is."
    )
    serves: list[str] | None = strawberry.field(
        default=None,
        description="The markets it offers its services to (country and ISO 3166-2 codes).",
    )
    retired_on: date | None = strawberry.field(default=None, description="When it was retired.")

    @strawberry.field(
        description="Its country of establishment; INTERNAL when the graph lacks it (a fault of "
        "the map's data)."
    )
    async def established_in(self, info: Info[Context, None]) -> Country:
        found = await by_key(info, Country, self.country)
        if found is None:
            raise MissingReferenceData(
                f"the graph has no country {self.country!r} for organisation {self.key!r}"
            )
        return found

    @strawberry.field(
        description="The countries it is established in, or holds or reaches data in."
    )
    async def countries(
        self, info: Info[Context, None], first: First = None, after: After = None
    ) -> Connection[OrganisationCountry]:
        page = await related_page(info, "organisation.countries", self.key, first, after)
        return connection(
            page,
            lambda row: OrganisationCountry(
                how=[CountryTie(how) for how in row["rel"]["how"]],
                country=from_properties(Country, row["node"]),
            ),
        )

    @strawberry.field(description="The systems it operates, with its role for each.")
    async def systems(
        self, info: Info[Context, None], first: First = None, after: After = None
    ) -> Connection[OperatedSystem]:
        page = await related_page(info, "organisation.systems", self.key, first, after)
        return connection(
            page,
            lambda row: OperatedSystem(
                role=enum_of(Role, row["rel"].get("role")),
                system=from_properties(System, row["node"]),
            ),
        )

    @strawberry.field(description="Its engagements of others (its sub-processors and others).")
    async def sub_processors(
        self, info: Info[Context, None], first: First = None, after: After = None
    ) -> Connection[Engagement]:
        page = await related_page(info, "organisation.sub_processors", self.key, first, after)
        return connection(
            page,
            lambda row: engagement(row["rel"], self, from_properties(Organisation, row["node"])),
        )

    @strawberry.field(description="The engagements of it by others.")
    async def engaged_by(
        self, info: Info[Context, None], first: First = None, after: After = None
    ) -> Connection[Engagement]:
        page = await related_page(info, "organisation.engaged_by", self.key, first, after)
        return connection(
            page,
            lambda row: engagement(row["rel"], from_properties(Organisation, row["node"]), self),
        )

    @strawberry.field(description="The transfer safeguards it is exporter or importer of.")
    async def safeguards(
        self, info: Info[Context, None], first: First = None, after: After = None
    ) -> Connection[Safeguard]:
        return await related(info, "organisation.safeguards", self.key, Safeguard, first, after)

    @strawberry.field(description="Its Data Privacy Framework certifications.")
    async def dpf_certifications(
        self, info: Info[Context, None], first: First = None, after: After = None
    ) -> Connection[DpfCertification]:
        return await related(
            info, "organisation.dpf_certifications", self.key, DpfCertification, first, after
        )


@strawberry.type(description="A transfer safeguard between an exporter and an importer.")
class Safeguard(Node):
    LABEL = "Safeguard"
    type: SafeguardType | None = strawberry.field(default=None, description="Its kind.")
    module: int | None = strawberry.field(default=None, description="The SCC module, 1-4.")
    derogation: str | None = strawberry.field(
        default=None, description="The Art. 49 derogation, such as `GDPR-49-1-b`."
    )
    regimes: list[RegimeKey] | None = strawberry.field(
        default=None, description="The regimes covered."
    )
    signed_on: date | None = strawberry.field(default=None, description="When it was signed.")
    expires_on: date | None = strawberry.field(default=None, description="When it expires.")
    tia_on: date | None = strawberry.field(
        default=None, description="When the transfer impact assessment was made."
    )
    tia_outcome: TiaOutcome | None = strawberry.field(
        default=None, description="The transfer impact assessment's outcome."
    )
    supplementary_measures: list[str] | None = strawberry.field(
        default=None, description="The supplementary measures taken."
    )
    retired_on: date | None = strawberry.field(
        default=None, description="When it was retired; a retired safeguard counts nowhere."
    )
    assumed: bool | None = strawberry.field(
        default=None, description="Whether it goes beyond the privacy policy's words."
    )

    @strawberry.field(description="The exporting organisation.")
    async def exporter(self, info: Info[Context, None]) -> Organisation | None:
        return await related_one(info, "safeguard.exporter", self.key, Organisation)

    @strawberry.field(description="The importing organisation.")
    async def importer(self, info: Info[Context, None]) -> Organisation | None:
        return await related_one(info, "safeguard.importer", self.key, Organisation)

    @strawberry.field(
        description="The SCC module its `module` names (for SCCs, and the UK Addendum or Swiss "
        "SCCs amending them); null when it has no module."
    )
    async def scc_module(self, info: Info[Context, None]) -> SccModule | None:
        return await related_one(info, "safeguard.scc_module", self.key, SccModule)


@strawberry.type(description="A flow of personal data from a system to a system or organisation.")
class Flow(Node):
    LABEL = "Flow"
    categories: list[str] | None = strawberry.field(description="The category keys it carries.")
    purpose: str | None = strawberry.field(description="Why the data flows (a DataUse key).")
    mode: FlowMode | None = strawberry.field(description="How the data moves.")
    assumed: bool | None = strawberry.field(
        description="Whether it goes beyond the privacy policy's words."
    )
    provenance: FlowProvenance = strawberry.field(
        description="`DECLARED` (seeds, register mutations, imports) or `OBSERVED` (only "
        "OpenLineage events show it)."
    )
    last_observed_at: datetime | None = strawberry.field(
        description="When an OpenLineage event last showed data moving along it; null: never."
    )
    observed_categories: list[str] = strawberry.field(
        description="The category keys OpenLineage events showed moving along it."
    )
    source: System = strawberry.field(description="The system the data leaves.")
    target: FlowTarget = strawberry.field(description="Where the data goes.")

    @classmethod
    def loaded(cls, properties: Mapping[str, Any]) -> Flow:
        source = from_properties(System, properties["source"])
        return flow(
            properties["rel"], source, flow_end(properties["target_kind"], properties["target"])
        )


def flow(rel: Mapping[str, Any], source: System, target: System | Organisation) -> Flow:
    return Flow(
        key=rel["id"],
        categories=rel.get("categories"),
        purpose=rel.get("purpose"),
        mode=enum_of(FlowMode, rel.get("mode")),
        assumed=rel.get("assumed"),
        provenance=FlowProvenance(rel.get("provenance") or "DECLARED"),
        last_observed_at=native(rel.get("last_observed_at")),
        observed_categories=list(rel.get("observed_categories") or ()),
        source=source,
        target=target,
    )


def flow_end(kind: str, properties: Mapping[str, Any]) -> System | Organisation:
    if kind == "System":
        return from_properties(System, properties)
    return from_properties(Organisation, properties)


@strawberry.type(description="Categories of one subject kind held in a system.")
class Storage(Node):
    LABEL = "Storage"
    retention: str | None = strawberry.field(default=None, description="The retention in words.")
    retention_days: int | None = strawberry.field(
        default=None, description="The retention in days; null when unknown."
    )
    on_erasure: OnErasure | None = strawberry.field(
        default=None, description="What erasure does: `ERASE` or `ANONYMISE`."
    )
    collected_from_subject: bool | None = strawberry.field(
        default=None, description="Whether the data enters here from the person."
    )
    subjects_in: list[str] | None = strawberry.field(
        default=None,
        description="The markets a collection point's subjects are in; empty: its controller's.",
    )
    made_public: bool | None = strawberry.field(
        default=None, description="Whether the data was made public (Art. 17(2) GDPR)."
    )
    controller_role: Role | None = strawberry.field(
        default=None, description="Preemptly's role for this data: CONTROLLER or PROCESSOR."
    )
    record_count: int | None = strawberry.field(
        default=None, description="About how many records (people) it holds; null when unknown."
    )
    assumed: bool | None = strawberry.field(
        default=None, description="Whether it goes beyond the privacy policy's words."
    )

    @strawberry.field(description="The system holding it.")
    async def system(self, info: Info[Context, None]) -> System | None:
        return await related_one(info, "storage.system", self.key, System)

    @strawberry.field(description="The subject kind whose data it holds.")
    async def subject(self, info: Info[Context, None]) -> DataSubject | None:
        return await related_one(info, "storage.subject", self.key, DataSubject)

    @strawberry.field(description="The categories it holds.")
    async def categories(
        self, info: Info[Context, None], first: First = None, after: After = None
    ) -> Connection[DataCategory]:
        return await related(info, "storage.categories", self.key, DataCategory, first, after)

    @strawberry.field(description="The retention obligations that keep it.")
    async def retention_obligations(
        self, info: Info[Context, None], first: First = None, after: After = None
    ) -> Connection[RetentionObligation]:
        return await related(
            info, "storage.retention_obligations", self.key, RetentionObligation, first, after
        )


@strawberry.type(description="A system holding personal data, operated by one organisation.")
class System(Node):
    LABEL = "System"
    name: str | None = strawberry.field(default=None, description="The system's name.")
    kind: SystemKind | None = strawberry.field(default=None, description="What kind it is.")
    owner_team: str | None = strawberry.field(
        default=None, description="The owning team; null when it has none."
    )
    description: str | None = strawberry.field(default=None, description="What it is for.")
    deletion_method: DeletionMethod | None = strawberry.field(
        default=None, description="How its data is deleted; null when unknown."
    )
    retrieval_method: str | None = strawberry.field(
        default=None, description="How data is retrieved from it; null when there is no way."
    )
    identifiers: list[str] | None = strawberry.field(
        default=None, description="What a person's data is found by, such as `email`."
    )
    rotation_days: int | None = strawberry.field(
        default=None, description="For a backup: how long it keeps a copy."
    )
    retired_on: date | None = strawberry.field(default=None, description="When it was retired.")
    assumed: bool | None = strawberry.field(
        default=None, description="Whether it goes beyond the privacy policy's words."
    )

    @strawberry.field(description="The data categories it holds.")
    async def categories(
        self, info: Info[Context, None], first: First = None, after: After = None
    ) -> Connection[DataCategory]:
        return await related(info, "system.categories", self.key, DataCategory, first, after)

    @strawberry.field(description="The subject kinds whose data it holds.")
    async def subjects(
        self, info: Info[Context, None], first: First = None, after: After = None
    ) -> Connection[DataSubject]:
        return await related(info, "system.subjects", self.key, DataSubject, first, after)

    @strawberry.field(description="Its storages: categories of one subject kind each.")
    async def storages(
        self, info: Info[Context, None], first: First = None, after: After = None
    ) -> Connection[Storage]:
        return await related(info, "system.storages", self.key, Storage, first, after)

    @strawberry.field(description="The organisations operating it, with their role.")
    async def organisations(
        self, info: Info[Context, None], first: First = None, after: After = None
    ) -> Connection[OrganisationRole]:
        page = await related_page(info, "system.operators", self.key, first, after)
        return connection(
            page,
            lambda row: OrganisationRole(
                role=enum_of(Role, row["rel"].get("role")),
                organisation=from_properties(Organisation, row["node"]),
            ),
        )

    @strawberry.field(description="The security measures recorded as applied to it (Art. 32).")
    async def security_measures(
        self, info: Info[Context, None], first: First = None, after: After = None
    ) -> Connection[SecurityMeasure]:
        return await related(
            info, "system.security_measures", self.key, SecurityMeasure, first, after
        )

    @strawberry.field(description="The countries its data rests in.")
    async def hosting_countries(
        self, info: Info[Context, None], first: First = None, after: After = None
    ) -> Connection[Country]:
        return await related(info, "system.hosting_countries", self.key, Country, first, after)

    @strawberry.field(description="The countries it is reached from remotely.")
    async def accessed_from(
        self, info: Info[Context, None], first: First = None, after: After = None
    ) -> Connection[CountryAccess]:
        page = await related_page(info, "system.accessed_from", self.key, first, after)
        return connection(
            page,
            lambda row: CountryAccess(
                purpose=row["rel"].get("purpose"), country=from_properties(Country, row["node"])
            ),
        )

    @strawberry.field(description="The flows into it.")
    async def upstream(
        self, info: Info[Context, None], first: First = None, after: After = None
    ) -> Connection[Flow]:
        page = await related_page(info, "system.upstream", self.key, first, after)
        return connection(
            page, lambda row: flow(row["rel"], from_properties(System, row["node"]), self)
        )

    @strawberry.field(description="The flows out of it, to systems and organisations.")
    async def downstream(
        self, info: Info[Context, None], first: First = None, after: After = None
    ) -> Connection[Flow]:
        page = await related_page(info, "system.downstream", self.key, first, after)
        return connection(
            page, lambda row: flow(row["rel"], self, flow_end(row["kind"], row["node"]))
        )

    @strawberry.field(description="The backups of it.")
    async def backups(
        self, info: Info[Context, None], first: First = None, after: After = None
    ) -> Connection[System]:
        return await related(info, "system.backups", self.key, System, first, after)

    @strawberry.field(description="For a backup: the systems it backs up.")
    async def backup_of(
        self, info: Info[Context, None], first: First = None, after: After = None
    ) -> Connection[System]:
        return await related(info, "system.backup_of", self.key, System, first, after)

    @strawberry.field(description="The processing activities running on it.")
    async def activities(
        self, info: Info[Context, None], first: First = None, after: After = None
    ) -> Connection[ProcessingActivity]:
        return await related(info, "system.activities", self.key, ProcessingActivity, first, after)


@strawberry.type(description="A processing activity of the record of processing (Art. 30 GDPR).")
class ProcessingActivity(Node):
    LABEL = "ProcessingActivity"
    name: str | None = strawberry.field(default=None, description="The activity's name.")
    purpose: str | None = strawberry.field(default=None, description="Its DataUse key.")
    legal_basis: str | None = strawberry.field(default=None, description="Its LegalBasis key.")
    special_category_condition: str | None = strawberry.field(
        default=None, description="Its Art. 9(2) condition key, for special-category data."
    )
    retention: str | None = strawberry.field(default=None, description="The retention in words.")
    retention_days: int | None = strawberry.field(
        default=None, description="The retention in days."
    )
    preemptly_role: Role | None = strawberry.field(
        default=None, description="Preemptly's role: CONTROLLER or PROCESSOR."
    )
    automated_decision_making: bool | None = strawberry.field(
        default=None, description="Whether it makes automated decisions (Art. 22 GDPR)."
    )
    profiling: bool | None = strawberry.field(default=None, description="Whether it profiles.")
    assumed: bool | None = strawberry.field(
        default=None, description="Whether it goes beyond the privacy policy's words."
    )

    @strawberry.field(description="Its purposes.")
    async def purposes(
        self, info: Info[Context, None], first: First = None, after: After = None
    ) -> Connection[DataUse]:
        return await related(info, "activity.purposes", self.key, DataUse, first, after)

    @strawberry.field(description="The subject kinds it concerns.")
    async def subjects(
        self, info: Info[Context, None], first: First = None, after: After = None
    ) -> Connection[DataSubject]:
        return await related(info, "activity.subjects", self.key, DataSubject, first, after)

    @strawberry.field(description="The categories it uses.")
    async def categories(
        self, info: Info[Context, None], first: First = None, after: After = None
    ) -> Connection[DataCategory]:
        return await related(info, "activity.categories", self.key, DataCategory, first, after)

    @strawberry.field(description="The systems it runs on.")
    async def systems(
        self, info: Info[Context, None], first: First = None, after: After = None
    ) -> Connection[System]:
        return await related(info, "activity.systems", self.key, System, first, after)

    @strawberry.field(description="Its controllers.")
    async def controllers(
        self, info: Info[Context, None], first: First = None, after: After = None
    ) -> Connection[Organisation]:
        return await related(info, "activity.controllers", self.key, Organisation, first, after)

    @strawberry.field(description="The recipients it discloses to, with their role.")
    async def recipients(
        self, info: Info[Context, None], first: First = None, after: After = None
    ) -> Connection[OrganisationRole]:
        page = await related_page(info, "activity.recipients", self.key, first, after)
        return connection(
            page,
            lambda row: OrganisationRole(
                role=enum_of(Role, row["rel"].get("role")),
                organisation=from_properties(Organisation, row["node"]),
            ),
        )

    @strawberry.field(description="Its legal bases.")
    async def legal_bases(
        self, info: Info[Context, None], first: First = None, after: After = None
    ) -> Connection[LegalBasis]:
        return await related(info, "activity.legal_bases", self.key, LegalBasis, first, after)


FlowTarget = Annotated[
    System | Organisation,
    strawberry.union("FlowTarget", description="A system, or an organisation outside the map."),
]
