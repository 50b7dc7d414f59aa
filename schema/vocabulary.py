"""The closed vocabularies as GraphQL enums, one per concept, for inputs and answers alike."""

import strawberry

from resolvers.auth.audit import EntityType
from resolvers.registration.vocabulary import (
    AdequacyScope,
    Authorisation,
    BreachAddressee,
    Confidence,
    CountryTie,
    DeadlineFrom,
    DeletionMethod,
    DpfDataType,
    DpfFramework,
    DpfStatus,
    EdgeKind,
    ExemptionBasis,
    FlowMode,
    FlowProvenance,
    MeasureKind,
    NodeKind,
    OnErasure,
    OrganisationKind,
    PeriodStart,
    RegimeKey,
    RiskTest,
    Role,
    SafeguardType,
    SystemKind,
    TiaOutcome,
)

strawberry.enum(SystemKind, description="What kind of system holds the data.")
strawberry.enum(AdequacyScope, description="What an adequacy decision covers.")
strawberry.enum(
    Confidence,
    description="How a reference fact was read: P in a primary source, S in a reputable "
    "secondary source quoting it, T only in a third-party compilation (unverified), M from general "
    "knowledge (to be verified).",
)
strawberry.enum(DeletionMethod, description="How data is deleted from a system.")
strawberry.enum(
    Role,
    description="A role an organisation plays for some data: CONTROLLER decides why and how, "
    "PROCESSOR processes for a controller, SUB_PROCESSOR for a processor, THIRD_PARTY receives "
    "the data for its own purposes.",
)
strawberry.enum(OrganisationKind, description="What kind of organisation it is for the map.")
strawberry.enum(
    OnErasure,
    description="What erasure does to a storage's data: ERASE deletes it, ANONYMISE keeps it "
    "with nothing that identifies the person.",
)
strawberry.enum(Authorisation, description="How a sub-processor was authorised (Art. 28(2)).")
strawberry.enum(FlowMode, description="How data moves along a flow.")
strawberry.enum(
    FlowProvenance,
    description="Where a flow is known from: DECLARED (seeds, register mutations, imports) or "
    "OBSERVED (only OpenLineage events show it).",
)
strawberry.enum(SafeguardType, description="The kind of transfer safeguard.")
strawberry.enum(TiaOutcome, description="The outcome of a transfer impact assessment.")
strawberry.enum(DpfFramework, description="A Data Privacy Framework programme (regulatory.md 4.3).")
strawberry.enum(DpfStatus, description="Whether an organisation is active on the DPF List.")
strawberry.enum(DpfDataType, description="The data a DPF certification covers.")
strawberry.enum(
    MeasureKind,
    name="SecurityMeasureKind",
    description="Whether a security measure is TECHNICAL or ORGANISATIONAL (Art. 32(1) GDPR).",
)
strawberry.enum(
    PeriodStart,
    name="RetentionPeriodStart",
    description="When a retention obligation's period starts: at the end of the calendar year, "
    "at the record's date, at its filing, or when the tax is due or paid.",
)
strawberry.enum(
    CountryTie,
    description="How an organisation is tied to a country: ESTABLISHED_IN it, HOSTS_DATA (a "
    "system it operates rests there) or ACCESSES_DATA (one is reached from there).",
)
strawberry.enum(BreachAddressee, description="Whom a breach notification duty is owed to.")
strawberry.enum(
    DeadlineFrom,
    name="BreachDeadlineFrom",
    description="What a breach duty's deadline runs from: AWARENESS of the breach, or "
    "INDIVIDUAL_NOTICE (the notice to the people affected).",
)
strawberry.enum(
    ExemptionBasis,
    name="BreachExemptionBasis",
    description="The fact of the map a breach exemption turns on.",
)
strawberry.enum(
    RiskTest,
    name="BreachRiskTest",
    description="The fact of the map a factor of the Art. 34 high-risk test is read from.",
)
strawberry.enum(
    NodeKind,
    description="A kind of node: its type (`__typename`) and the graph label it is read from, "
    "spelt the same, as in its global id.",
)
strawberry.enum(
    EdgeKind,
    description="A relationship type of the graph, as the data map draws it and lineage walks it.",
)
strawberry.enum(
    EntityType,
    description="A kind of entity a mutation, an import or an ingested event writes, as the audit "
    "trail names it: the map's kinds (a flow is `DataFlow`, as `registerDataFlow` names it), "
    "`ApiKey` (admins only), `FidesImport` (one import as a whole) and `LineageEvent`.",
)
strawberry.enum(
    RegimeKey,
    description="A data-protection regime, as `seeds/data/reference/regimes.yaml` defines it: EU "
    "(the GDPR, the EEA), UK (the UK GDPR), CH (the Swiss FADP), CCPA (the California CCPA as "
    "amended by the CPRA). A decision that needs rules a regime has none of in the graph (the "
    "CCPA's transfer rules) refuses it as BAD_USER_INPUT naming the regimes that have them.",
)

__all__ = [
    "AdequacyScope",
    "Authorisation",
    "BreachAddressee",
    "Confidence",
    "CountryTie",
    "DeadlineFrom",
    "DeletionMethod",
    "DpfDataType",
    "DpfFramework",
    "DpfStatus",
    "EdgeKind",
    "EntityType",
    "ExemptionBasis",
    "FlowMode",
    "FlowProvenance",
    "MeasureKind",
    "NodeKind",
    "OnErasure",
    "OrganisationKind",
    "PeriodStart",
    "RegimeKey",
    "RiskTest",
    "Role",
    "SafeguardType",
    "SystemKind",
    "TiaOutcome",
]
