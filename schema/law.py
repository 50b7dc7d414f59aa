"""The legal reference nodes: provisions with their text, and retention obligations."""

from datetime import date

import strawberry

from schema.node import Node
from schema.vocabulary import MeasureKind, PeriodStart, Role


@strawberry.interface(description="A provision of law datamap cites, with its text and source.")
class Provision(Node):
    text: str | None = strawberry.field(default=None, description="The provision's text.")
    article: str | None = strawberry.field(default=None, description="The article it is in.")
    source: str | None = strawberry.field(default=None, description="Where the text comes from.")
    source_date: date | None = strawberry.field(
        default=None, description="When the source was read."
    )


@strawberry.type(description="A legal basis of Art. 6(1) GDPR, such as `GDPR-6-1-b`.")
class LegalBasis(Provision):
    LABEL = "LegalBasis"


@strawberry.type(description="A condition of Art. 9(2) GDPR for special-category data.")
class SpecialCategoryCondition(Provision):
    LABEL = "SpecialCategoryCondition"


@strawberry.type(description="A derogation of Art. 49 GDPR for occasional transfers.")
class Derogation(Provision):
    LABEL = "Derogation"


@strawberry.type(
    description="A module of the 2021 Standard Contractual Clauses (Decision 2021/914), for one "
    "pair of roles; `Safeguard.sccModule` is the module a safeguard was signed on."
)
class SccModule(Provision):
    LABEL = "SccModule"
    module: int | None = strawberry.field(default=None, description="The module number, 1-4.")
    exporter_role: Role | None = strawberry.field(
        default=None, description="The exporter's role the module is for."
    )
    importer_role: Role | None = strawberry.field(
        default=None, description="The importer's role the module is for."
    )
    tia_required: bool | None = strawberry.field(
        default=None,
        description="Whether a transfer on it needs a transfer impact assessment (Clause 14); "
        "false for Module 4 unless the processor combines the data with EU-collected data.",
    )


@strawberry.type(description="An item an access response must contain (GDPR Art. 15, CCPA).")
class RightItem(Provision):
    LABEL = "RightItem"


@strawberry.type(name="Exception", description="An exception to a right, such as `GDPR-17-3-b`.")
class LegalException(Provision):
    LABEL = "Exception"


@strawberry.type(description="A legal duty to keep a kind of record for a period.")
class RetentionObligation(Node):
    LABEL = "RetentionObligation"
    jurisdiction: str | None = strawberry.field(default=None, description="Where the duty holds.")
    record_type: str | None = strawberry.field(default=None, description="The records it covers.")
    period_years: int | None = strawberry.field(default=None, description="How many years.")
    runs_from: PeriodStart | None = strawberry.field(
        default=None, description="When the period starts."
    )
    legal_reference: str | None = strawberry.field(default=None, description="The law's words.")
    gdpr_exception: str | None = strawberry.field(
        default=None, description="The erasure exception it rests on (`GDPR-17-3-b`)."
    )
    source: str | None = strawberry.field(default=None, description="Where the fact comes from.")
    source_date: date | None = strawberry.field(
        default=None, description="When the source was read."
    )


@strawberry.type(
    description="A security measure of the Art. 32 vocabulary (such as `enc_at_rest`), with what "
    "it maps to in the SCC annex, ISO/IEC 27001:2022, the Swiss DPO and the CNIL register."
)
class SecurityMeasure(Node):
    LABEL = "SecurityMeasure"
    label: str | None = strawberry.field(default=None, description="The measure in words.")
    kind: MeasureKind | None = strawberry.field(
        default=None, description="Technical or organisational."
    )
    scc_annex: str | None = strawberry.field(
        default=None, description="The item of the SCCs' annex of measures it answers."
    )
    iso_27001: str | None = strawberry.field(
        default=None, description="The ISO/IEC 27001:2022 Annex A controls it maps to."
    )
    swiss_dpo: str | None = strawberry.field(
        default=None, description="The Swiss DPO Art. 3 goal it serves."
    )
    cnil: str | None = strawberry.field(
        default=None, description="The box of the CNIL register template it fills."
    )
    source: str | None = strawberry.field(default=None, description="Where the fact comes from.")
    source_date: date | None = strawberry.field(
        default=None, description="When the source was read."
    )
