from enum import Enum

import strawberry


@strawberry.enum(description="A data-protection regime whose rules a decision applies.")
class RegimeCode(Enum):
    EU = strawberry.enum_value("EU", description="The EU GDPR (the EEA).")
    UK = strawberry.enum_value("UK", description="The UK GDPR.")
    CH = strawberry.enum_value("CH", description="The Swiss Federal Act on Data Protection.")
    CCPA = strawberry.enum_value("CCPA", description="The California CCPA as amended by the CPRA.")
