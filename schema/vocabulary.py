"""The closed vocabularies as GraphQL enums, one per concept, for inputs and answers alike."""

import strawberry

from resolvers.registration.vocabulary import (
    Authorisation,
    DeletionMethod,
    FlowMode,
    OrganisationKind,
    RegimeCode,
    Role,
    SafeguardType,
    SystemKind,
    TiaOutcome,
)

strawberry.enum(SystemKind, description="What kind of system holds the data.")
strawberry.enum(DeletionMethod, description="How data is deleted from a system.")
strawberry.enum(
    Role,
    description="A role an organisation plays for some data: CONTROLLER decides why and how, "
    "PROCESSOR processes for a controller, SUB_PROCESSOR for a processor, THIRD_PARTY receives "
    "the data for its own purposes.",
)
strawberry.enum(OrganisationKind, description="What kind of organisation it is for the map.")
strawberry.enum(Authorisation, description="How a sub-processor was authorised (Art. 28(2)).")
strawberry.enum(FlowMode, description="How data moves along a flow.")
strawberry.enum(SafeguardType, description="The kind of transfer safeguard.")
strawberry.enum(TiaOutcome, description="The outcome of a transfer impact assessment.")
strawberry.enum(
    RegimeCode,
    description="A data-protection regime: EU (the GDPR, the EEA), UK (the UK GDPR), CH (the "
    "Swiss FADP), CCPA (the California CCPA as amended by the CPRA).",
)

__all__ = [
    "Authorisation",
    "DeletionMethod",
    "FlowMode",
    "OrganisationKind",
    "RegimeCode",
    "Role",
    "SafeguardType",
    "SystemKind",
    "TiaOutcome",
]
