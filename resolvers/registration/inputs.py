"""What an integration may register, checked with pydantic before Neo4j is touched. A failure
becomes BAD_USER_INPUT whose `field` is the GraphQL path of the offending value
(`inputs[3].country`)."""

import unicodedata
from collections.abc import Callable, Collection, Mapping
from datetime import date
from functools import cache
from typing import Annotated, Any, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic.alias_generators import to_camel

from resolvers.errors import BadUserInput
from resolvers.references import key_of
from resolvers.registration.vocabulary import (
    ENGAGED_ROLES,
    OWNER_ROLES,
    Authorisation,
    DeletionMethod,
    DpfDataType,
    DpfFramework,
    DpfStatus,
    FlowMode,
    OnErasure,
    OrganisationKind,
    RegimeKey,
    Role,
    SafeguardType,
    SystemKind,
    TiaOutcome,
    category_keys,
    country_name,
    data_use_keys,
    is_market,
)

EARLIEST_DATE = date(1990, 1, 1)
MODULE_TYPES = frozenset({SafeguardType.SCC, SafeguardType.SWISS_SCC, SafeguardType.UK_ADDENDUM})
"""The safeguards made of the 2021/914 SCCs, which carry the module the roles call for (the UK
Addendum and the Swiss adaptations amend SCCs of one module)."""


def _country(code: str) -> str:
    if country_name(code) is None:
        raise ValueError(f"{code!r} is not an ISO 3166-1 alpha-2 country code")
    return code


def _market(code: str) -> str:
    if not is_market(code):
        raise ValueError(
            f"{code!r} is not a market: an ISO 3166-1 alpha-2 code, an ISO 3166-2 code "
            "(`US-CA`) or `EEA`"
        )
    return code


def _custom(info: ValidationInfo, kind: str) -> Collection[str]:
    """Custom taxonomy keys a caller validates against besides fideslang's (a Fides import's
    own `data_category` and `data_use` resources), given as the validation context."""
    context = info.context or {}
    keys: Collection[str] = context.get(kind, ())
    return keys


def _category(key: str, info: ValidationInfo) -> str:
    if key not in category_keys() and key not in _custom(info, "categories"):
        raise ValueError(f"{key!r} is not a data category of the taxonomy")
    return key


def _data_use(key: str, info: ValidationInfo) -> str:
    if key not in data_use_keys() and key not in _custom(info, "uses"):
        raise ValueError(f"{key!r} is not a data use of the taxonomy")
    return key


BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)


def _clean_text(value: str) -> str:
    """Refuse what makes a name lie about itself: control characters (NUL, BEL, ESC, ...),
    bidirectional overrides that reorder what a reader sees, and a name of invisible characters
    only (zero-width spaces and joiners). Printable text (no Unicode "Other" or "Separator"
    character but the ASCII space) has none of these: most names, checked at once."""
    if value.isprintable() and not value.isspace():
        return value
    for character in value:
        if unicodedata.category(character) == "Cc":
            raise ValueError(f"control character U+{ord(character):04X} is not allowed")
        if character in BIDI_CONTROLS:
            raise ValueError(f"bidirectional control U+{ord(character):04X} is not allowed")
    if all(unicodedata.category(c) in ("Cf", "Zs", "Zl", "Zp") for c in value):
        raise ValueError("the text has no visible character")
    return value


def _past_date(value: date) -> date:
    if not EARLIEST_DATE <= value <= date.today():
        raise ValueError(f"{value} is not between {EARLIEST_DATE} and today")
    return value


Text = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=300),
    AfterValidator(_clean_text),
]
Source = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9._-]{0,63}$")]
ExternalId = Annotated[
    str, StringConstraints(pattern=r"^[^\s:>\x00-\x1f\x7f][^\s>\x00-\x1f\x7f]{0,199}$")
]
"""No `>`: an engagement's id is `<engagerId>><organisationId>`, which must split one way only."""
Reference = Annotated[str, StringConstraints(min_length=1, max_length=300)]


def _key(value: str, kind: str) -> str:
    """The key a reference to a `kind` entity gives: its key, or its global id decoded."""
    try:
        return key_of(value, kind, field="")
    except BadUserInput as error:
        raise ValueError(error.message) from None


def _system_key(value: str) -> str:
    return _key(value, "System")


def _organisation_key(value: str) -> str:
    return _key(value, "Organisation")


def _subject_key(value: str) -> str:
    return _key(value, "DataSubject")


def _one_of(roles: frozenset[Role], what: str) -> Callable[[Role], Role]:
    def check(role: Role) -> Role:
        if role not in roles:
            allowed = ", ".join(sorted(r.value for r in roles))
            raise ValueError(f"{what} is one of {allowed}, not {role.value}")
        return role

    return check


SystemReference = Annotated[Reference, AfterValidator(_system_key)]
OrganisationReference = Annotated[Reference, AfterValidator(_organisation_key)]
SubjectReference = Annotated[Reference, AfterValidator(_subject_key)]
EngagedRole = Annotated[Role, AfterValidator(_one_of(ENGAGED_ROLES, "an engaged party's role"))]
OwnerRole = Annotated[Role, AfterValidator(_one_of(OWNER_ROLES, "the map owner's role"))]
CountryCode = Annotated[str, AfterValidator(_country)]
CategoryKey = Annotated[str, AfterValidator(_category)]
Market = Annotated[str, AfterValidator(_market)]
Markets = Annotated[list[Market], Field(max_length=300)]
DataUseKey = Annotated[str, AfterValidator(_data_use)]
PastDate = Annotated[date, AfterValidator(_past_date)]
LawCode = Annotated[str, StringConstraints(pattern=r"^[A-Z][A-Z0-9_-]{1,31}$")]
Days = Annotated[int, Field(ge=0, le=36500)]
Subjects = Annotated[list[SubjectReference], Field(min_length=1, max_length=50)]
"""Data-subject keys (checked against the graph's DataSubject nodes as references)."""
Website = Annotated[str, StringConstraints(pattern=r"^https?://\S+$", max_length=300)]


class Keyed(BaseModel):
    """A registration: the caller's source name and the datamap id it upserts on."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    source: Source

    @property
    def id(self) -> str:
        raise NotImplementedError


class Registered(Keyed):
    """Every registration of a node or flow is keyed by the caller's source name and its own
    stable id there; the datamap id is `<source>:<externalId>`."""

    external_id: ExternalId

    @property
    def id(self) -> str:
        return f"{self.source}:{self.external_id}"


class OrganisationFacts(Registered):
    legal_name: Text
    country: CountryCode
    website: Website | None
    dpa_signed: PastDate | None
    subject_to: list[LawCode] = Field(max_length=20)
    serves: Markets = []
    """The markets it offers its services to (issue 18's territorial reach by targeting)."""


class AnyOrganisationInput(OrganisationFacts):
    """An organisation of any kind, engaged by no one yet: a customer as controller, a third
    party, a group company."""

    kind: OrganisationKind
    supervisory_authority: Text | None


class OrganisationInput(OrganisationFacts):
    service: Text | None
    categories: list[CategoryKey] = Field(max_length=200)
    subjects: Subjects | None = None


class EngagementInput(Keyed):
    """One organisation engaging another; keyed by the pair (`<engagerId>><engagedId>`)."""

    engager_id: OrganisationReference
    engaged_id: OrganisationReference
    role: EngagedRole
    service: Text | None
    categories: list[CategoryKey] = Field(max_length=200)
    subjects: Subjects | None = None
    authorisation: Authorisation | None
    authorised_on: PastDate | None
    notice_days: int | None = Field(ge=0, le=365)

    @property
    def id(self) -> str:
        return f"{self.engager_id}>{self.engaged_id}"

    @model_validator(mode="after")
    def _two_parties(self) -> "EngagementInput":
        if self.engager_id == self.engaged_id:
            raise ValueError("engagerId and engagedId must be two organisations")
        return self


def _not_itself(value: str | None, info: ValidationInfo) -> str | None:
    """A reference from an entity to another: never to the entity itself."""
    own = f"{info.data.get('source')}:{info.data.get('external_id')}"
    if value == own:
        raise ValueError(f"{own} cannot refer to itself")
    return value


class ProcessorInput(OrganisationInput):
    engaged_by: OrganisationReference

    _engaged_by_another = field_validator("engaged_by")(_not_itself)


class SubProcessorInput(OrganisationInput):
    processor_id: OrganisationReference
    authorisation: Authorisation
    authorised_on: PastDate
    notice_days: int | None = Field(ge=0, le=365)

    _engaged_by_another = field_validator("processor_id")(_not_itself)


class RemoteAccessInput(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    country: CountryCode
    purpose: Text


class SystemInput(Registered):
    name: Text
    kind: SystemKind
    description: Annotated[str, StringConstraints(max_length=2000)] | None
    owner_team: Text | None
    deletion_method: DeletionMethod | None
    retrieval_method: Text | None
    identifiers: list[Text] = Field(max_length=20)
    rotation_days: int | None = Field(ge=1, le=36500)
    operator_id: OrganisationReference
    operator_role: Role
    hosted_in: list[CountryCode] = Field(min_length=1, max_length=50)
    accessed_from: list[RemoteAccessInput] = Field(default=[], max_length=50)
    security_measures: list[Reference] = Field(default=[], max_length=50)
    """Keys of the SecurityMeasure vocabulary (checked against the graph as references)."""
    hr_data: bool | None = None


class DataFlowInput(Registered):
    from_system_id: SystemReference
    to_system_id: SystemReference | None
    to_organisation_id: OrganisationReference | None
    categories: list[CategoryKey] = Field(min_length=1, max_length=200)
    purpose: DataUseKey
    mode: FlowMode
    subjects: Subjects | None = None

    @field_validator("to_system_id")
    @classmethod
    def _to_another_system(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is not None and value == info.data.get("from_system_id"):
            raise ValueError("a system cannot flow to itself")
        return value

    @model_validator(mode="after")
    def _one_destination(self) -> "DataFlowInput":
        if (self.to_system_id is None) == (self.to_organisation_id is None):
            raise ValueError("give exactly one of toSystemId and toOrganisationId")
        return self


class SafeguardInput(Registered):
    type: SafeguardType
    module: int | None = Field(ge=1, le=4)
    derogation: Annotated[str, StringConstraints(pattern=r"^GDPR-49-1-([a-g]|2)$")] | None
    regimes: list[RegimeKey] = Field(min_length=1, max_length=4)
    signed_on: PastDate
    expires_on: date | None
    tia_on: PastDate | None
    tia_outcome: TiaOutcome | None
    supplementary_measures: list[Text] = Field(max_length=50)
    exporter_id: OrganisationReference
    importer_id: OrganisationReference

    @model_validator(mode="after")
    def _coherent(self) -> "SafeguardInput":
        if self.type is SafeguardType.SCC and self.module is None:
            raise ValueError("module is required for SCC safeguards")
        if self.module is not None and self.type not in MODULE_TYPES:
            raise ValueError("module is only for SCC, SWISS_SCC and UK_ADDENDUM safeguards")
        if (self.type is SafeguardType.DEROGATION) != (self.derogation is not None):
            raise ValueError("derogation is required for DEROGATION safeguards and only for them")
        if self.expires_on is not None and self.expires_on <= self.signed_on:
            raise ValueError("expiresOn must come after signedOn")
        if self.exporter_id == self.importer_id:
            raise ValueError("exporterId and importerId must be two organisations")
        return self


class StorageInput(Registered):
    """What a system holds of one kind of data subject, how long, and what erasure does."""

    system_id: SystemReference
    subject: SubjectReference
    categories: list[CategoryKey] = Field(min_length=1, max_length=200)
    retention: Annotated[str, StringConstraints(max_length=2000)] | None
    retention_days: Days | None
    retention_obligation: Reference | None
    on_erasure: OnErasure
    collected_from_subject: bool
    subjects_in: Markets = []
    """The markets a collection point's subjects are in; empty: its controller's markets."""
    made_public: bool
    controller_role: OwnerRole
    record_count: int | None = Field(ge=0)


class RecipientInput(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    organisation_id: OrganisationReference
    role: Role


class ProcessingActivityInput(Registered):
    name: Text
    purpose: DataUseKey
    legal_basis: Reference | None
    special_category_condition: Reference | None
    subjects: Subjects
    categories: list[CategoryKey] = Field(min_length=1, max_length=200)
    system_ids: list[SystemReference] = Field(max_length=200)
    controller_id: OrganisationReference
    recipients: list[RecipientInput] = Field(max_length=200)
    recipient_categories: list[Text] = Field(max_length=50)
    retention: Annotated[str, StringConstraints(max_length=2000)] | None
    retention_days: Days | None
    preemptly_role: OwnerRole
    automated_decision_making: bool
    profiling: bool

    @model_validator(mode="after")
    def _controller_decides_basis(self) -> "ProcessingActivityInput":
        if self.preemptly_role is Role.CONTROLLER and self.legal_basis is None:
            raise ValueError("an activity the map owner controls needs its legalBasis (Art. 6)")
        return self


class DpfCertificationInput(Registered):
    """An organisation's DPF certification as the DPF List shows it: one per organisation and
    framework, so its datamap id is `<organisationId>:<framework>` (as the seeds key theirs), and
    registering it again replaces it."""

    organisation_id: OrganisationReference
    framework: DpfFramework
    status: DpfStatus
    data_types: list[DpfDataType] = Field(min_length=1, max_length=2)
    certified_on: PastDate
    expires_on: date | None

    @property
    def id(self) -> str:
        return f"{self.organisation_id}:{self.framework.value}"

    @model_validator(mode="after")
    def _coherent(self) -> "DpfCertificationInput":
        if self.expires_on is not None and self.expires_on <= self.certified_on:
            raise ValueError("expiresOn must come after certifiedOn")
        return self


class Retirement(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: Reference
    on: PastDate


Model = TypeVar("Model", bound=BaseModel)
Row = TypeVar("Row", bound=Keyed)


def field_path(prefix: str, location: tuple[int | str, ...]) -> str:
    path = prefix
    for part in location:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{to_camel(part)}" if path else to_camel(part)
    return path


def validated(
    model: type[Model],
    data: dict[str, Any],
    field: str,
    context: Mapping[str, Collection[str]] | None = None,
) -> Model:
    """`data` (snake_case keys) as `model`, or BadUserInput naming the first offending path
    under the argument `field`. `context` may name custom taxonomy keys (`categories`,
    `uses`) that count besides fideslang's."""
    try:
        return model.model_validate(data, context=context)
    except ValidationError as error:
        raise refused(error, field) from None


def refused(error: ValidationError, field: str) -> BadUserInput:
    """The first error of a validation as BadUserInput naming its path under `field`."""
    first = error.errors()[0]
    location = tuple(part for part in first["loc"] if part != "__root__")
    message = first["msg"].removeprefix("Value error, ")
    return BadUserInput(message, field=field_path(field, location))


@cache
def batch_adapter(model: type[Row]) -> TypeAdapter[list[Row]]:
    """A validator of a whole list of `model`: one call into pydantic's core for a bulk call's
    1,000 inputs, not one each; the first error is the first failing input's, as before."""
    return TypeAdapter(list[model])  # type: ignore[valid-type]


def validated_batch(
    model: type[Row], rows: list[dict[str, Any]], field: str, max_rows: int
) -> list[Row]:
    if not rows:
        raise BadUserInput("give at least one input", field=field)
    if len(rows) > max_rows:
        raise BadUserInput(f"at most {max_rows} inputs per request", field=field)
    try:
        models = batch_adapter(model).validate_python(rows)
    except ValidationError as error:
        raise refused(error, field) from None
    seen: set[str] = set()
    for index, row in enumerate(models):
        if row.id in seen:
            raise BadUserInput(f"{row.id} is given twice", field=f"{field}[{index}]")
        seen.add(row.id)
    return models


def validated_value(annotation: Any, value: Any, field: str) -> Any:
    """One value checked against an annotated type, or BadUserInput on `field`."""
    try:
        return TypeAdapter(annotation).validate_python(value)
    except ValidationError as error:
        raise BadUserInput(error.errors()[0]["msg"], field=field) from None


def validated_patch(model: type[BaseModel], patch: dict[str, Any], field: str) -> None:
    """Each value of a patch (snake_case keys) checked alone against `model`'s type for it, before
    the entity is read; the merged whole is checked with `validated` once it is."""
    for name, value in patch.items():
        try:
            TypeAdapter(model.model_fields[name].rebuild_annotation()).validate_python(value)
        except ValidationError as error:
            first = error.errors()[0]
            path = field_path(f"{field}.{to_camel(name)}", tuple(first["loc"]))
            raise BadUserInput(first["msg"].removeprefix("Value error, "), field=path) from None
