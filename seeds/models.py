"""The pydantic models of every seed file. A file is validated whole before anything is written.

A field typed with a `Ref` (for example `SystemId`) names a node of another kind; the loader checks
every such reference against the keys the seeds and the installed packages define
(`seeds/references.py`), so a dangling reference fails before the first write.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, model_validator


@dataclass(frozen=True)
class Ref:
    """The kind of key a field refers to: `country`, `category`, `system`, ..."""

    kind: str


CountryCode = Annotated[str, Ref("country")]
CategoryKey = Annotated[str, Ref("category")]
UseKey = Annotated[str, Ref("use")]
SubjectKey = Annotated[str, Ref("subject")]
SystemId = Annotated[str, Ref("system")]
OrganisationId = Annotated[str, Ref("organisation")]
LegalBasisKey = Annotated[str, Ref("legal_basis")]
ConditionKey = Annotated[str, Ref("special_category_condition")]
DerogationKey = Annotated[str, Ref("derogation")]
ExceptionKey = Annotated[str, Ref("exception")]
RetentionObligationId = Annotated[str, Ref("retention_obligation")]
SecurityMeasureKey = Annotated[str, Ref("security_measure")]
RegimeKey = Annotated[str, Ref("regime")]
ToolKey = Annotated[str, Ref("transfer_tool")]
SafeguardTypeKey = Annotated[
    Literal[
        "SCC",
        "IDTA",
        "UK_ADDENDUM",
        "SWISS_SCC",
        "BCR",
        "CODE_OF_CONDUCT",
        "CERTIFICATION",
        "DEROGATION",
    ],
    Ref("transfer_tool"),
]
"""A transfer tool a Safeguard of the map may be: the API answers a safeguard's type as the
SafeguardType enum (resolvers/registration/vocabulary.py), so it is a member there and here."""
Market = Annotated[str, Ref("market")]
BreachObligationKey = Annotated[str, Ref("breach_obligation")]
Confidence = Literal["P", "S", "T", "M"]
Role = Literal["CONTROLLER", "PROCESSOR", "SUB_PROCESSOR", "THIRD_PARTY"]
PreemptlyRole = Literal["CONTROLLER", "PROCESSOR"]
ContractRole = Literal["CONTROLLER", "PROCESSOR"]
"""A party's role an SCC module is for: the API answers it as the Role enum
(resolvers/registration/vocabulary.py), so each is a member there."""
Key = Annotated[str, Field(min_length=1, pattern=r"^[A-Za-z0-9_.:\-]+$")]


class Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ReferenceEntry(Entry):
    """A reference fact: where it was read, when the source was dated, and how sure we are."""

    source: str = Field(min_length=1)
    source_date: date | None = None
    confidence: Confidence = "P"


class MapEntry(Entry):
    """An entry of Preemptly's map: the policy section it comes from, or `assumed`."""

    source: str = Field(min_length=1)
    assumed: bool

    @model_validator(mode="after")
    def assumed_entries_say_so(self) -> "MapEntry":
        if self.source == "assumed" and not self.assumed:
            raise ValueError("an entry whose source is `assumed` must set assumed: true")
        return self


E = TypeVar("E", bound=Entry)


class SeedFile(Entry, Generic[E]):
    entries: list[E] = Field(min_length=1)


# Reference facts


class TransferTool(ReferenceEntry):
    """An instrument a Safeguard's `type` names (SCC, IDTA, ...); `modules` when it has the
    2021/914 modules the roles call for. Its key is open (a regime seeded beside the shipped
    ones may bring its own tool); a Safeguard of the map names one of `SafeguardTypeKey`."""

    key: Key
    name: str
    text_source: str
    modules: bool = False


class RegimeTool(Entry):
    """How a regime treats one transfer tool: the article it accepts it under, or (`accepted:
    false`) why it does not; `listed_only` when a safeguard of the tool counts only if its
    `regimes` name this regime."""

    tool: ToolKey
    article: str | None = None
    accepted: bool = True
    listed_only: bool = False
    note: str | None = None

    @model_validator(mode="after")
    def accepted_tools_cite(self) -> "RegimeTool":
        if self.accepted and not self.article:
            raise ValueError("an accepted tool names the article it is accepted under")
        if not self.accepted and not self.note:
            raise ValueError("a tool the regime does not accept says why (note)")
        return self


Right = Literal[
    "ACCESS",
    "CORRECTION",
    "DELETION",
    "PORTABILITY",
    "RESTRICTION",
    "OBJECTION",
    "OPT_OUT",
    "OPT_OUT_OF_SALE",
]
"""A data-subject right: OPT_OUT is the objection to (or opting out of) direct marketing,
OBJECTION the general right to object to processing, OPT_OUT_OF_SALE the CCPA's right to opt out
of the sale or sharing of personal information."""


class RegimeRight(ReferenceEntry):
    """A right the regime's law grants the people whose data it reaches, under `article`;
    `applies_when` SELLS_OR_SHARES: only against a business that sells or shares personal data."""

    right: Right
    article: str = Field(min_length=1)
    applies_when: Literal["ALWAYS", "SELLS_OR_SHARES"] = "ALWAYS"
    note: str | None = None


class Regime(ReferenceEntry):
    """One regime as data: its area and markets (who it reaches), the articles each transfer
    verdict cites, the tools it accepts, its access items, authority, deadlines and erasure
    provisions."""

    key: Annotated[str, Field(pattern=r"^[A-Z][A-Z0-9_]*$")]
    name: str
    instrument: str
    area: list[CountryCode] = []
    area_is_eea: bool = False
    markets: list[Market] = []
    reach: str
    transfer_article: str | None = None
    transfer_source: str | None = None
    not_a_transfer: str | None = None
    not_a_transfer_source: str | None = None
    adequacy_article: str | None = None
    derogation_article: str | None = None
    tools: list[RegimeTool] = []
    right_items: Key
    legal_basis_law: str | None = None
    """The law whose Art. 6 bases an activity's `legal_basis` is cited under (the LegalBasis
    nodes are the GDPR's; UK GDPR Art. 6 has the same letters); null where the regime asks for
    no legal basis (CCPA; FADP, where a justification is needed only for a breach of
    personality, Art. 31)."""
    authority: str | None
    authority_rule: str | None = None
    authority_source: str | None = None
    complaint_route: str
    response_days: int | None = Field(default=None, ge=1)
    response_months: int | None = Field(default=None, ge=1)
    extension_days: int | None = Field(default=None, ge=1)
    extension_months: int | None = Field(default=None, ge=1)
    extension_rule_open: bool = False
    deadline_rule: str
    erasure_right: str
    erasure_notice: str | None = None
    erasure_response_days: int | None = Field(default=None, ge=1)
    erasure_response_months: int | None = Field(default=None, ge=1)
    erasure_extension_days: int | None = Field(default=None, ge=1)
    erasure_extension_months: int | None = Field(default=None, ge=1)
    erasure_deadline_rule: str | None = None
    erasure_deadline_statutory: bool = True
    """False where the law sets no deadline and the period is the map owner's choice (FADP)."""
    erasure_deadline_source: str | None = None
    erasure_deadline_source_date: date | None = None
    erasure_deadline_confidence: Confidence = "P"
    rights: list[RegimeRight] = []

    @model_validator(mode="after")
    def one_period(self) -> "Regime":
        granted = [item.right for item in self.rights]
        if len(set(granted)) != len(granted):
            raise ValueError("a regime grants each right once (rights)")
        if (self.response_days is None) == (self.response_months is None):
            raise ValueError("give exactly one of response_days and response_months")
        if self.extension_days is not None and self.extension_months is not None:
            raise ValueError("give at most one of extension_days and extension_months")
        if self.authority is None and self.authority_rule is None:
            raise ValueError("name the authority, or the rule that finds it (authority_rule)")
        erasure = (self.erasure_response_days, self.erasure_response_months)
        if erasure.count(None) == 0:
            raise ValueError("give at most one of erasure_response_days and _months")
        if erasure.count(None) == 1 and not (
            self.erasure_deadline_rule and self.erasure_deadline_source
        ):
            raise ValueError("an erasure period needs its erasure_deadline_rule and source")
        if self.erasure_extension_days is not None and self.erasure_extension_months is not None:
            raise ValueError("give at most one of erasure_extension_days and _months")
        return self


class Eea(Entry):
    """The EEA: the 27 EU member states plus the three EEA-EFTA states."""

    source: str
    source_date: date
    eu: list[CountryCode] = Field(min_length=27, max_length=27)
    eea_efta: list[CountryCode] = Field(min_length=3, max_length=3)


class InternationalOrganisation(ReferenceEntry):
    code: Annotated[str, Field(pattern=r"^IO-[A-Z]+$")]
    name: str


AdequacyScope = Literal["FULL", "RECIPIENT_SUBJECT_TO", "DPF", "AUTOMATED_TRANSFERS", "PIHBO"]
DpfFramework = Literal["EU_US", "UK_EXTENSION", "SWISS_US"]


class AdequacyDecision(ReferenceEntry):
    id: Key
    regime: RegimeKey
    destinations: list[CountryCode] = []
    destinations_include_eea: bool = False
    instrument: str
    adopted: date
    valid_from: date
    valid_until: date | None = None
    scope: AdequacyScope
    scope_law: str | None = None
    dpf_framework: DpfFramework | None = None
    dpf_prerequisite: DpfFramework | None = None
    scope_text: str
    risk_note: str | None = None

    @model_validator(mode="after")
    def scope_is_complete(self) -> "AdequacyDecision":
        if self.scope == "RECIPIENT_SUBJECT_TO" and not self.scope_law:
            raise ValueError("scope RECIPIENT_SUBJECT_TO needs scope_law")
        if self.scope == "DPF" and not self.dpf_framework:
            raise ValueError("scope DPF needs dpf_framework")
        if not self.destinations and not self.destinations_include_eea:
            raise ValueError("an adequacy decision covers at least one destination")
        return self


class SccModule(ReferenceEntry):
    key: Key
    module: int = Field(ge=1, le=4)
    exporter_role: ContractRole
    importer_role: ContractRole
    text: str
    tia_required: bool


class LegalText(ReferenceEntry):
    """One provision: an Art. 6 basis, Art. 9 condition, Art. 49 derogation, access item, erasure
    exception or erasure rule."""

    key: Key
    article: str
    text: str
    regime: RegimeKey = "EU"
    serves: (
        Literal[
            "ERASURE_RIGHT",
            "LEGAL_OBLIGATION_HOLD",
            "RECIPIENT_NOTICE",
            "PUBLIC_NOTICE",
            "SERVICE_PROVIDER_NOTICE",
            "THIRD_PARTY_NOTICE",
            "BACKUP_DELAY",
            "PROCESSOR_ASSISTANCE",
        ]
        | None
    ) = None
    """For an erasure rule or exception: the part of a deletion plan under `regime` it is cited
    for."""


class SecurityMeasure(ReferenceEntry):
    """One Art. 32 measure of the vocabulary, with what it maps to in the SCC annex, ISO/IEC 27001,
    the Swiss DPO and the CNIL register."""

    key: Key
    label: str
    kind: Literal["TECHNICAL", "ORGANISATIONAL"]
    scc_annex: str | None
    iso_27001: str | None
    swiss_dpo: str | None
    cnil: str | None


RecordKind = Literal["CONTROLLER", "PROCESSOR"]
RecordField = Literal[
    "activity",
    "controller",
    "purposes",
    "subjects",
    "categories",
    "special_categories",
    "recipients",
    "processor_contracts",
    "transfer_countries",
    "transfer_mechanisms",
    "erasure",
    "security",
    "security_cnil",
    "legal_basis",
    "special_condition",
    "automated_decisions",
    "data_sources",
    "locations",
    "systems",
    "business_function",
    "processor",
    "customer_controller",
    "processing",
]
"""What datamap computes for a cell of a record of processing (resolvers/records/decisions.py)."""


class RecordColumn(Entry):
    """One column of a record template: its heading, the Art. 30 item it answers (null for the
    columns a template adds beyond Art. 30) and what datamap fills it with (null: nothing in the
    map holds it, so the cell says so)."""

    record_kind: RecordKind
    heading: str = Field(min_length=1)
    item: str | None = None
    field: RecordField | None = None
    note: str | None = None


class RecordProfile(ReferenceEntry):
    """A template for the Art. 30 records: the GDPR's own items, the ICO's or the CNIL's columns,
    in order, and the regime whose transfer rules its records apply."""

    key: Literal["GDPR", "ICO", "CNIL"]
    name: str
    regime: Literal["EU", "UK", "CH"]
    template: str
    columns: list[RecordColumn] = Field(min_length=1)


RightAnswer = Literal[
    "CONFIRMATION",
    "CONTROLLER",
    "PURPOSES",
    "CATEGORIES",
    "RECIPIENTS",
    "STORAGE",
    "RIGHTS",
    "COMPLAINT",
    "SOURCES",
    "AUTOMATED",
    "TRANSFERS",
    "COPY",
    "PIECES",
    "THIRD_PARTIES",
    "SOLD_SHARED",
    "DISCLOSED",
    "DEADLINE",
    "TEXT",
]


class RightItem(LegalText):
    """An item an access answer must contain under `regime` (`right_items` of a Regime names the
    set), and which part of the plan answers it."""

    answers: RightAnswer
    order: int = Field(ge=0)


class RetentionObligation(ReferenceEntry):
    id: Key
    jurisdiction: CountryCode
    record_type: str
    period_years: int | None = Field(default=None, ge=1)
    indefinite: bool = False
    runs_from: Literal["END_OF_CALENDAR_YEAR", "RECORD_DATE", "FILING_DATE", "TAX_DUE_OR_PAID"]
    legal_reference: str
    gdpr_exception: ExceptionKey | None = None

    @model_validator(mode="after")
    def has_a_period(self) -> "RetentionObligation":
        if (self.period_years is None) != self.indefinite:
            raise ValueError("give exactly one of period_years and indefinite: true")
        return self


class CategoryFlag(ReferenceEntry):
    """A fideslang category that is Art. 9(1) special-category data or Art. 10 criminal data."""

    key: CategoryKey
    flag: Literal["SPECIAL_CATEGORY", "CRIMINAL_DATA"]
    article: str


class BreachCategory(ReferenceEntry):
    """How a breach weighs a fideslang category (its descendants inherit the nearest entry): a
    credential or financial data (the ENISA severity classes), and whether it is an element of
    personal information under the US state breach laws (§ 1798.82(h) and the state maps), which
    counts only together with one of `with_any` (a name; a user name or email for a password)."""

    key: CategoryKey
    credential: bool = False
    financial: bool = False
    us_breach_element: str | None = None
    with_any: list[CategoryKey] = []
    article: str

    @model_validator(mode="after")
    def combination_only_for_us_elements(self) -> "BreachCategory":
        if self.with_any and self.us_breach_element is None:
            raise ValueError("with_any belongs to a us_breach_element")
        return self


BreachKind = Literal["CONFIDENTIALITY", "INTEGRITY", "AVAILABILITY"]
BreachJurisdiction = Annotated[str, Ref("jurisdiction")]
"""Whose law a breach duty is: a regime key (its area and markets in regimes.yaml say where it
reaches), or a country or ISO 3166-2 code (`US-NY`) for a law of that place alone."""


class BreachObligation(ReferenceEntry):
    """One duty to notify after a personal-data breach (section 16): whom, on what trigger, by
    when (hours or days from `deadline_from`; neither = no fixed limit, `deadline_text` says
    what the law says), above how many affected residents, and which breach kinds trigger it."""

    key: Key
    jurisdiction: BreachJurisdiction
    addressee: Literal[
        "SUPERVISORY_AUTHORITY",
        "DATA_SUBJECTS",
        "CONTROLLER",
        "REGULATOR",
        "CONSUMER_REPORTING_AGENCIES",
    ]
    authority: str | None = None
    trigger: Literal["RISK", "HIGH_RISK", "ANY", "PROTECTION", "STATE_PI"]
    kinds: list[BreachKind] = Field(min_length=1)
    deadline_hours: int | None = Field(default=None, ge=1)
    deadline_days: int | None = Field(default=None, ge=1)
    deadline_from: Literal["AWARENESS", "INDIVIDUAL_NOTICE"] = "AWARENESS"
    deadline_text: str
    residents_over: int | None = Field(default=None, ge=0)
    contents: str | None = None
    citation: str
    text: str

    @model_validator(mode="after")
    def one_deadline(self) -> "BreachObligation":
        if self.deadline_hours is not None and self.deadline_days is not None:
            raise ValueError("give at most one of deadline_hours and deadline_days")
        return self


class BreachExemption(ReferenceEntry):
    """What lifts or delays a notification duty, and on which fact of the map it turns."""

    key: Key
    obligations: list[BreachObligationKey] = Field(min_length=1)
    basis: Literal[
        "ENCRYPTION_AT_REST",
        "SUBSEQUENT_MEASURES",
        "DISPROPORTIONATE_EFFORT",
        "LAW_ENFORCEMENT_DELAY",
        "CONFIDENTIALITY_DUTY",
    ]
    citation: str
    text: str


class BreachRiskFactor(ReferenceEntry):
    """One factor of the Art. 34 high-risk test, the fact of the map it is read from (`test`),
    the breach kinds it weighs in, whether the source makes high risk likely when it is present,
    and the consequence it points to (for Art. 33(3)(c))."""

    key: Key
    test: Literal[
        "SPECIAL_CATEGORY",
        "CRIMINAL_DATA",
        "CREDENTIAL",
        "FINANCIAL",
        "SUBJECT_COUNT",
        "CHILDREN",
        "UNENCRYPTED",
    ]
    kinds: list[BreachKind] = Field(min_length=1)
    high_risk: bool
    label: str
    consequence: str
    citation: str


# Preemptly's map


class DataSubject(MapEntry):
    key: Key
    name: str
    description: str


class DpfCertification(Entry):
    framework: DpfFramework
    status: Literal["ACTIVE", "INACTIVE"]
    data_types: list[Literal["HR", "NON_HR"]] = Field(min_length=1)
    certified_on: date


class Organisation(MapEntry):
    id: Key
    legal_name: str
    country: CountryCode
    website: str | None = None
    kind: Literal["COMPANY", "CUSTOMER_CONTROLLER", "GROUP_COMPANY", "PUBLIC_AUTHORITY"] = "COMPANY"
    dpa_signed: date | None = None
    subject_to: list[str] = []
    is_self: bool = False
    dpf: list[DpfCertification] = []
    retired_on: date | None = None
    directed_at_children: bool | None = None
    minimum_age: int | None = None
    sells_personal_data: bool | None = None
    makes_data_public: bool | None = None
    supervisory_authority: str | None = None
    serves: list[Market] = []
    notes: str | None = None


class RemoteAccess(Entry):
    """A country a system is reached from; `by` the organisation that has that access when it is
    not the system's operator (the access is then charged to it: its own hop)."""

    country: CountryCode
    purpose: str
    by: OrganisationId | None = None


class System(MapEntry):
    id: Key
    name: str
    kind: Literal[
        "APPLICATION",
        "DATABASE",
        "FILE_STORE",
        "SAAS",
        "WAREHOUSE",
        "LOG_STORE",
        "ANALYTICS",
        "BACKUP",
    ]
    owner_team: str | None
    description: str
    deletion_method: Literal["API", "MANUAL", "AUTOMATIC_EXPIRY", "NONE"] | None
    retrieval_method: str | None
    identifiers: list[str] = []
    operator: OrganisationId
    operator_role: Role
    hosted_in: list[CountryCode] = Field(min_length=1)
    accessed_from: list[RemoteAccess] = []
    backs_up: SystemId | None = None
    rotation_days: int | None = Field(default=None, ge=1)
    security_measures: list[SecurityMeasureKey] = []
    retired_on: date | None = None

    @model_validator(mode="after")
    def backups_rotate(self) -> "System":
        if (self.kind == "BACKUP") != (self.backs_up is not None):
            raise ValueError("a BACKUP system names the system it backs up, and only a backup does")
        if self.kind == "BACKUP" and self.rotation_days is None:
            raise ValueError("a BACKUP system needs rotation_days")
        return self


class StorageField(Entry):
    """A field (column) of a storage and the categories it holds: what OpenLineage schema and
    column-lineage facets are matched against."""

    name: str = Field(min_length=1)
    categories: list[CategoryKey] = Field(min_length=1)


class Storage(MapEntry):
    id: Key
    system: SystemId
    subject: SubjectKey
    categories: list[CategoryKey] = Field(min_length=1)
    retention: str
    retention_days: int | None = Field(default=None, ge=0)
    retention_obligation: RetentionObligationId | None = None
    on_erasure: Literal["ERASE", "ANONYMISE"] = "ERASE"
    collected_from_subject: bool = False
    subjects_in: list[Market] = []
    made_public: bool = False
    controller_role: PreemptlyRole
    record_count: int | None = Field(default=None, ge=0)
    fields: list[StorageField] = []


class LineageNamespace(MapEntry):
    """OpenLineage datasets of `namespace` whose name starts with `name_prefix` are in `system`."""

    id: Key
    namespace: str = Field(min_length=1)
    name_prefix: str = ""
    system: SystemId


class Flow(MapEntry):
    id: Key
    from_system: SystemId
    to_system: SystemId | None = None
    to_organisation: OrganisationId | None = None
    categories: list[CategoryKey] = Field(min_length=1)
    purpose: UseKey
    mode: Literal["PUSH", "PULL", "REMOTE_ACCESS"]
    subjects: list[SubjectKey] | None = Field(default=None, min_length=1)

    @model_validator(mode="after")
    def one_destination(self) -> "Flow":
        if (self.to_system is None) == (self.to_organisation is None):
            raise ValueError("a flow goes to exactly one of to_system and to_organisation")
        return self


class Engagement(MapEntry):
    id: Key
    organisation: OrganisationId
    engages: OrganisationId
    role: Literal["PROCESSOR", "SUB_PROCESSOR", "THIRD_PARTY"]
    service: str
    authorisation: Literal["SPECIFIC", "GENERAL"]
    authorised_on: date
    notice_days: int | None = Field(default=None, ge=0)
    categories: list[CategoryKey] = Field(min_length=1)
    subjects: list[SubjectKey] | None = Field(default=None, min_length=1)


class Safeguard(MapEntry):
    id: Key
    type: SafeguardTypeKey
    module: int | None = Field(default=None, ge=1, le=4)
    derogation: DerogationKey | None = None
    regimes: list[RegimeKey] = Field(min_length=1)
    exporter: OrganisationId
    importer: OrganisationId
    signed_on: date | None = None
    expires_on: date | None = None
    tia_on: date | None = None
    tia_outcome: Literal["ADEQUATE", "ADEQUATE_WITH_MEASURES", "NOT_ADEQUATE"] | None = None
    supplementary_measures: list[str] = []

    @model_validator(mode="after")
    def type_fields(self) -> "Safeguard":
        if self.type in ("SCC", "SWISS_SCC") and self.module is None:
            raise ValueError("SCCs carry a module")
        if (self.type == "DEROGATION") != (self.derogation is not None):
            raise ValueError("a DEROGATION, and only a derogation, names its letter")
        if (self.tia_on is None) != (self.tia_outcome is None):
            raise ValueError("tia_on and tia_outcome go together")
        return self


class Disclosure(Entry):
    organisation: OrganisationId
    role: Role


class ProcessingActivity(MapEntry):
    id: Key
    name: str
    purpose: UseKey
    legal_basis: LegalBasisKey | None
    special_category_condition: ConditionKey | None = None
    subjects: list[SubjectKey] = Field(min_length=1)
    categories: list[CategoryKey] = Field(min_length=1)
    systems: list[SystemId] = []
    retention: str
    retention_days: int | None = Field(default=None, ge=0)
    preemptly_role: PreemptlyRole
    controller: OrganisationId
    discloses_to: list[Disclosure] = []
    recipient_categories: list[str] = []
    automated_decision_making: bool = False
    profiling: bool = False

    @model_validator(mode="after")
    def controller_decides_basis(self) -> "ProcessingActivity":
        if self.preemptly_role == "CONTROLLER" and self.legal_basis is None:
            raise ValueError("an activity Preemptly controls needs its Art. 6 legal_basis")
        return self


# Privacy policies: each claim with its section, its words and the predicate that checks it


class Named(Entry):
    """Keys the policy names, with the words that name them (and their section, when another
    section than the claim's names them)."""

    words: str = Field(min_length=1)
    section: str | None = None


class NamedCategories(Named):
    keys: list[CategoryKey] = Field(min_length=1)


class NamedPurposes(Named):
    keys: list[UseKey] = Field(min_length=1)


class NamedRecipients(Named):
    """A kind of recipient: organisations in one of `roles`, receiving for a purpose relevant to
    one of `purposes` (any purpose, or none recorded, when `purposes` is empty)."""

    roles: list[Role] = Field(min_length=1)
    purposes: list[UseKey] = []


class CategoriesWithin(Entry):
    """Every category the map holds or processes is one the policy names (or under one)."""

    kind: Literal["CATEGORIES_WITHIN"]
    named: list[NamedCategories] = Field(min_length=1)


class PurposesWithin(Entry):
    """Every purpose of a processing activity is one the policy names (or under one)."""

    kind: Literal["PURPOSES_WITHIN"]
    named: list[NamedPurposes] = Field(min_length=1)


class RecipientKindsWithin(Entry):
    """Every recipient of the owner's data is of a kind the policy lists."""

    kind: Literal["RECIPIENT_KINDS_WITHIN"]
    named: list[NamedRecipients] = Field(min_length=1)


class NoSale(Entry):
    """The owner records `sells_personal_data: false` and no third party receives data for a
    purpose under `sale_purposes`."""

    kind: Literal["NO_SALE"]
    sale_purposes: list[UseKey] = Field(min_length=1)


class SecurityMeasuresPresent(Entry):
    """Every system holding personal data records each of `measures`."""

    kind: Literal["SECURITY_MEASURES"]
    measures: list[SecurityMeasureKey] = Field(min_length=1)


class RetentionRecorded(Entry):
    """Every storage has a retention period in days or a retention obligation."""

    kind: Literal["RETENTION_RECORDED"]


class ErasureFromActiveSystems(Entry):
    """Every active system holding personal data can delete it (a deletion method other than
    NONE, or a retention in days after which it goes), and every backup rotates."""

    kind: Literal["ERASURE_FROM_ACTIVE_SYSTEMS"]


class RightsServed(Entry):
    """Each right the policy offers is judged under the law of each regime in `regimes` (empty:
    every regime that reaches the owner, by establishment or the markets it serves) that grants
    it: it can be served in every system holding the owner's own data of that regime's people
    (a storage's subjects_in, else the markets the owner serves): access and portability need a
    retrieval method, deletion a deletion method (or a retention after which the data go),
    opt-out a consent basis for every marketing activity. The map records no correction,
    restriction or objection method, so those are uncheckable. A right no such regime grants is
    offered beyond the law, and checks nothing."""

    kind: Literal["RIGHTS_SERVED"]
    rights: list[Right] = Field(min_length=1)
    regimes: list[RegimeKey] = []
    marketing_purposes: list[UseKey] = []
    consent_bases: list[LegalBasisKey] = []


class MinimumAge(Entry):
    """The owner records `directed_at_children: false` and a `minimum_age` of at least `age`, and
    no storage holds a category under `children_categories`."""

    kind: Literal["MINIMUM_AGE"]
    age: int = Field(ge=1)
    children_categories: list[CategoryKey] = []


class TransfersSafeguarded(Entry):
    """No transfer path of `regimes` gets one of `verdicts` from the transfer assessment.
    `countries` are the destinations the policy names (empty: it names none)."""

    kind: Literal["TRANSFERS_SAFEGUARDED"]
    regimes: list[Literal["EU", "UK", "CH"]] = Field(min_length=1)
    verdicts: list[Literal["BLOCKED", "EXPIRED", "ACTION_REQUIRED"]] = ["BLOCKED"]
    countries: list[CountryCode] = []


class CookiesUsed(Entry):
    """The map holds cookie categories, and every activity using them serves one of `purposes`."""

    kind: Literal["COOKIES"]
    categories: list[CategoryKey] = Field(min_length=1)
    purposes: list[UseKey] = Field(min_length=1)


class Compliance(Entry):
    """What the map can check of compliance with `regimes` (and, with `others_reached`, every
    other regime that reaches the owner: "other relevant privacy frameworks"): a legal basis for
    every activity the owner controls, an Art. 9(2) condition for every special-category activity
    and no BLOCKED transfer (regimes with transfer rules), no sale (CCPA), and each right the
    regime grants (`rights` in regimes.yaml) offered by the policy's rights claims."""

    kind: Literal["COMPLIANCE"]
    regimes: list[RegimeKey] = Field(min_length=1)
    others_reached: bool = False
    sale_purposes: list[UseKey] = []


class Unmapped(Entry):
    """A promise the map records no fact for: always UNCHECKABLE, saying what it lacks."""

    kind: Literal["UNMAPPED"]
    lacks: str = Field(min_length=1)


Predicate = Annotated[
    CategoriesWithin
    | PurposesWithin
    | RecipientKindsWithin
    | NoSale
    | SecurityMeasuresPresent
    | RetentionRecorded
    | ErasureFromActiveSystems
    | RightsServed
    | MinimumAge
    | TransfersSafeguarded
    | CookiesUsed
    | Compliance
    | Unmapped,
    Field(discriminator="kind"),
]


class PolicyClaim(Entry):
    key: Key
    section: str = Field(min_length=1)
    words: str = Field(min_length=1)
    predicate: Predicate
    note: str | None = None


class Policy(Entry):
    """A privacy policy as checkable claims. `owner` is the organisation whose map it is checked
    against; `text` the file (beside this one) holding the policy's text, in which every claim's
    words must occur verbatim."""

    key: Key
    owner: Key
    title: str
    last_updated: date
    source: str = Field(min_length=1)
    text: str | None = None
    claims: list[PolicyClaim] = Field(min_length=1)

    @model_validator(mode="after")
    def claim_keys_unique(self) -> "Policy":
        keys = [claim.key for claim in self.claims]
        duplicated = sorted({key for key in keys if keys.count(key) > 1})
        if duplicated:
            raise ValueError(f"duplicate claim keys: {', '.join(duplicated)}")
        return self

    def quotes(self) -> Iterator[tuple[str, str]]:
        """(claim key, words) for every quotation of the policy's text."""
        for claim in self.claims:
            yield claim.key, claim.words
            for named in getattr(claim.predicate, "named", []):
                yield claim.key, named.words
