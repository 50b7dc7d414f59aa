"""The closed vocabularies of the graph model, one enum per concept (the API serves each as one
GraphQL enum, schema/vocabulary.py), ISO country codes (pycountry) and the fideslang taxonomy
keys, which registrations are checked against."""

import enum
from functools import cache

import pycountry
from fideslang.default_taxonomy import DEFAULT_TAXONOMY


class SystemKind(enum.Enum):
    APPLICATION = "APPLICATION"
    DATABASE = "DATABASE"
    FILE_STORE = "FILE_STORE"
    SAAS = "SAAS"
    WAREHOUSE = "WAREHOUSE"
    LOG_STORE = "LOG_STORE"
    ANALYTICS = "ANALYTICS"
    BACKUP = "BACKUP"


class DeletionMethod(enum.Enum):
    API = "API"
    MANUAL = "MANUAL"
    AUTOMATIC_EXPIRY = "AUTOMATIC_EXPIRY"
    NONE = "NONE"


class Role(enum.Enum):
    CONTROLLER = "CONTROLLER"
    PROCESSOR = "PROCESSOR"
    SUB_PROCESSOR = "SUB_PROCESSOR"
    THIRD_PARTY = "THIRD_PARTY"


class OrganisationKind(enum.Enum):
    COMPANY = "COMPANY"
    CUSTOMER_CONTROLLER = "CUSTOMER_CONTROLLER"
    GROUP_COMPANY = "GROUP_COMPANY"
    PUBLIC_AUTHORITY = "PUBLIC_AUTHORITY"


class OnErasure(enum.Enum):
    ERASE = "ERASE"
    ANONYMISE = "ANONYMISE"


ENGAGED_ROLES = frozenset({Role.PROCESSOR, Role.SUB_PROCESSOR, Role.THIRD_PARTY})
"""The roles an engaged organisation can have (the engager controls or processes)."""
OWNER_ROLES = frozenset({Role.CONTROLLER, Role.PROCESSOR})
"""The roles the map owner can have for data it holds or an activity it runs."""


class Authorisation(enum.Enum):
    SPECIFIC = "SPECIFIC"
    GENERAL = "GENERAL"


class FlowMode(enum.Enum):
    PUSH = "PUSH"
    PULL = "PULL"
    REMOTE_ACCESS = "REMOTE_ACCESS"


class SafeguardType(enum.Enum):
    SCC = "SCC"
    IDTA = "IDTA"
    UK_ADDENDUM = "UK_ADDENDUM"
    SWISS_SCC = "SWISS_SCC"
    BCR = "BCR"
    CODE_OF_CONDUCT = "CODE_OF_CONDUCT"
    CERTIFICATION = "CERTIFICATION"
    DEROGATION = "DEROGATION"


class TiaOutcome(enum.Enum):
    ADEQUATE = "ADEQUATE"
    ADEQUATE_WITH_MEASURES = "ADEQUATE_WITH_MEASURES"
    NOT_ADEQUATE = "NOT_ADEQUATE"


class Confidence(enum.Enum):
    """How a reference fact was read (regulatory.md's confidence tags): P in a primary source, S in
    a reputable secondary source quoting it, T only in a third-party compilation (unverified), M
    from general knowledge, to be verified."""

    P = "P"
    S = "S"
    T = "T"
    M = "M"


class AdequacyScope(enum.Enum):
    """What an adequacy decision covers (regulatory.md 4): the whole country, recipients under a
    named law, DPF-certified recipients, automated transfers only, or PIHBO bodies."""

    FULL = "FULL"
    RECIPIENT_SUBJECT_TO = "RECIPIENT_SUBJECT_TO"
    DPF = "DPF"
    AUTOMATED_TRANSFERS = "AUTOMATED_TRANSFERS"
    PIHBO = "PIHBO"


class DpfFramework(enum.Enum):
    """A Data Privacy Framework programme (regulatory.md 4.3)."""

    EU_US = "EU_US"
    UK_EXTENSION = "UK_EXTENSION"
    SWISS_US = "SWISS_US"


class DpfStatus(enum.Enum):
    ACTIVE = "ACTIVE"
    INACTIVE = "INACTIVE"


class DpfDataType(enum.Enum):
    HR = "HR"
    NON_HR = "NON_HR"


class FlowProvenance(enum.Enum):
    DECLARED = "DECLARED"
    OBSERVED = "OBSERVED"


class RegimeKey(enum.Enum):
    EU = "EU"
    UK = "UK"
    CH = "CH"
    CCPA = "CCPA"


class MeasureKind(enum.Enum):
    """Whether a security measure is technical or organisational (Art. 32(1) GDPR)."""

    TECHNICAL = "TECHNICAL"
    ORGANISATIONAL = "ORGANISATIONAL"


class PeriodStart(enum.Enum):
    """When a retention obligation's period starts running."""

    END_OF_CALENDAR_YEAR = "END_OF_CALENDAR_YEAR"
    RECORD_DATE = "RECORD_DATE"
    FILING_DATE = "FILING_DATE"
    TAX_DUE_OR_PAID = "TAX_DUE_OR_PAID"


class CountryTie(enum.Enum):
    """How an organisation is tied to a country: established there, or operating a system
    whose data rests there or is reached from there."""

    ESTABLISHED_IN = "ESTABLISHED_IN"
    HOSTS_DATA = "HOSTS_DATA"
    ACCESSES_DATA = "ACCESSES_DATA"


class BreachAddressee(enum.Enum):
    """Whom a breach notification duty is owed to."""

    SUPERVISORY_AUTHORITY = "SUPERVISORY_AUTHORITY"
    DATA_SUBJECTS = "DATA_SUBJECTS"
    CONTROLLER = "CONTROLLER"
    REGULATOR = "REGULATOR"
    CONSUMER_REPORTING_AGENCIES = "CONSUMER_REPORTING_AGENCIES"


class DeadlineFrom(enum.Enum):
    """What a breach duty's deadline runs from."""

    AWARENESS = "AWARENESS"
    INDIVIDUAL_NOTICE = "INDIVIDUAL_NOTICE"


class ExemptionBasis(enum.Enum):
    """The fact a breach exemption turns on."""

    ENCRYPTION_AT_REST = "ENCRYPTION_AT_REST"
    SUBSEQUENT_MEASURES = "SUBSEQUENT_MEASURES"
    DISPROPORTIONATE_EFFORT = "DISPROPORTIONATE_EFFORT"
    LAW_ENFORCEMENT_DELAY = "LAW_ENFORCEMENT_DELAY"
    CONFIDENTIALITY_DUTY = "CONFIDENTIALITY_DUTY"


class RiskTest(enum.Enum):
    """The fact of the map a factor of the Art. 34 high-risk test is read from."""

    SPECIAL_CATEGORY = "SPECIAL_CATEGORY"
    CRIMINAL_DATA = "CRIMINAL_DATA"
    CREDENTIAL = "CREDENTIAL"
    FINANCIAL = "FINANCIAL"
    SUBJECT_COUNT = "SUBJECT_COUNT"
    CHILDREN = "CHILDREN"
    UNENCRYPTED = "UNENCRYPTED"


class NodeKind(enum.Enum):
    """A kind of node the API serves: its GraphQL type (`__typename`, a `Node`) and the graph
    label it is read from (graph/MODEL.md), spelt the same; the kind in its global id."""

    AdequacyDecision = "AdequacyDecision"
    Country = "Country"
    DataCategory = "DataCategory"
    DataSubject = "DataSubject"
    DataUse = "DataUse"
    Derogation = "Derogation"
    DpfCertification = "DpfCertification"
    Engagement = "Engagement"
    Exception = "Exception"
    Flow = "Flow"
    LegalBasis = "LegalBasis"
    Organisation = "Organisation"
    ProcessingActivity = "ProcessingActivity"
    Regime = "Regime"
    RetentionObligation = "RetentionObligation"
    RightItem = "RightItem"
    Safeguard = "Safeguard"
    SccModule = "SccModule"
    SecurityMeasure = "SecurityMeasure"
    SpecialCategoryCondition = "SpecialCategoryCondition"
    Storage = "Storage"
    System = "System"


class EdgeKind(enum.Enum):
    """A relationship type of the graph that the data map draws and lineage walks."""

    OPERATED_BY = "OPERATED_BY"
    HOSTED_IN = "HOSTED_IN"
    ACCESSED_FROM = "ACCESSED_FROM"
    BACKS_UP = "BACKS_UP"
    FLOWS_TO = "FLOWS_TO"
    IN_SYSTEM = "IN_SYSTEM"
    OF_SUBJECT = "OF_SUBJECT"
    OF_CATEGORY = "OF_CATEGORY"
    ENGAGES = "ENGAGES"


@cache
def category_keys() -> frozenset[str]:
    return frozenset(category.fides_key for category in DEFAULT_TAXONOMY.data_category)


@cache
def data_use_keys() -> frozenset[str]:
    return frozenset(use.fides_key for use in DEFAULT_TAXONOMY.data_use)


EEA_MARKET = "EEA"
"""A market standing for the EEA states (the graph's `Country {eea: true}`), as in the seeds."""


@cache
def subdivision_codes() -> frozenset[str]:
    """ISO 3166-2 codes (`US-CA`), for markets smaller than a country."""
    return frozenset(subdivision.code for subdivision in pycountry.subdivisions)


def is_market(code: str) -> bool:
    """A market an organisation serves or a collection point's subjects are in: an ISO 3166-1
    alpha-2 code, an ISO 3166-2 code, or `EEA`."""
    return code == EEA_MARKET or country_name(code) is not None or code in subdivision_codes()


@cache
def country_name(code: str) -> str | None:
    """The ISO 3166-1 name of an alpha-2 code, or None when it is not one."""
    if len(code) != 2 or not code.isascii() or not code.isupper():
        return None
    country = pycountry.countries.get(alpha_2=code)
    return None if country is None else str(country.name)
