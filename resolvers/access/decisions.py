"""The access plan (GDPR Art. 15, CCPA right to know) for one kind of data subject: where the data
is, what the answer must contain, what goes to a customer as controller, and what the map lacks.

`plan_access` decides over plain facts (`AccessFacts`); `facts.facts_from_rows` builds them
from the graph's rows and `service.access_plan` joins the two.
"""

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date
from enum import Enum

from resolvers.categories import carried
from resolvers.deadlines import Deadline, Period, due
from resolvers.subjects import inferred


class HeldAs(Enum):
    STORED = "STORED"
    PROCESSED = "PROCESSED"
    COPY = "COPY"
    BACKUP = "BACKUP"


class Missing(Enum):
    OWNER = "OWNER"
    RETRIEVAL_METHOD = "RETRIEVAL_METHOD"
    RETENTION = "RETENTION"


@dataclass(frozen=True)
class Law:
    """What a regime says about answering a request, as its Regime node holds it: the authority
    and complaint route, the response period and its extension, and its erasure provisions."""

    key: str
    name: str | None = None
    authority: str | None = None
    authority_rule: str | None = None
    complaint_route: str | None = None
    response_days: int | None = None
    response_months: int | None = None
    extension_days: int | None = None
    extension_months: int | None = None
    extension_rule_open: bool = False
    deadline_rule: str | None = None
    transfer_article: str | None = None
    erasure_right: str | None = None
    erasure_notice: str | None = None
    legal_basis_law: str | None = None

    def legal_basis(self, article: str, text: str) -> str | None:
        """An Art. 6 basis (a GDPR LegalBasis node) cited under this regime's law, or None where
        the regime asks for none."""
        if self.legal_basis_law is None:
            return None
        return f"{article.removesuffix(' GDPR')} {self.legal_basis_law}: {text}"

    @property
    def response_period(self) -> Period:
        """The regime's period for answering an access request."""
        return Period.of(asdict(self))

    @property
    def transfers(self) -> bool:
        """Whether the regime has transfer rules (a Chapter V of its own)."""
        return self.transfer_article is not None


@dataclass(frozen=True)
class Organisation:
    id: str
    legal_name: str | None
    country: str | None
    is_self: bool = False
    supervisory_authority: str | None = None
    sells_personal_data: bool | None = None


@dataclass(frozen=True)
class SystemFacts:
    id: str
    name: str | None
    kind: str | None
    owner_team: str | None
    retrieval_method: str | None
    identifiers: tuple[str, ...]
    operator: Organisation | None
    operator_role: str | None
    hosted_in: tuple[str, ...]
    accessed_from: tuple[str, ...]
    rotation_days: int | None = None


@dataclass(frozen=True)
class Record:
    """Why a system holds the subject's data: a Storage, or an activity that runs on it."""

    id: str
    held_as: HeldAs
    categories: tuple[str, ...]
    role: str | None
    retention: str | None
    retention_days: int | None
    obligation: str | None = None
    collected_from_subject: bool = False


@dataclass(frozen=True)
class Activity:
    id: str
    name: str | None
    purpose: str | None
    purpose_name: str | None
    legal_basis: str | None
    categories: tuple[str, ...]
    role: str | None
    automated_decision_making: bool
    profiling: bool
    controller: Organisation | None
    discloses_to: tuple[tuple[Organisation, str | None], ...]
    recipient_categories: tuple[str, ...]
    systems: tuple[str, ...]


@dataclass(frozen=True)
class Flow:
    id: str
    categories: tuple[str, ...]
    subjects: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Reach:
    """A system or organisation a flow path reaches from (or, for sources, into) `start`."""

    start: str
    flows: tuple[Flow, ...]
    system: SystemFacts | None
    organisation: Organisation | None


@dataclass(frozen=True)
class Engagement:
    id: str
    from_id: str
    to: Organisation
    role: str | None
    service: str | None


@dataclass(frozen=True)
class Safeguard:
    id: str
    type: str | None
    module: int | None
    regimes: tuple[str, ...]
    exporter: str
    importer: str
    tia_outcome: str | None
    signed_on: str | None
    expires_on: str | None


@dataclass(frozen=True)
class RightText:
    key: str
    article: str
    text: str
    answers: str = "TEXT"


@dataclass
class AccessFacts:
    subject: str
    subject_name: str | None
    regime: str
    law: Law
    area: frozenset[str]
    right_items: list[RightText]
    holdings: list[tuple[SystemFacts, Record]]
    activities: list[Activity]
    copies: list[Reach]
    sources: list[Reach]
    backups: list[tuple[str, SystemFacts]]
    engagements: dict[str, list[list[Engagement]]]
    engaged_as: dict[str, tuple[str, ...]]
    safeguards: list[Safeguard]
    truncated: bool = False


@dataclass
class Location:
    system: SystemFacts
    held_as: list[HeldAs] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    categories: set[str] = field(default_factory=set)
    records: list[Record] = field(default_factory=list)
    roles: set[str] = field(default_factory=set)

    @property
    def retention(self) -> list[str]:
        return [record.retention for record in self.records if record.retention]

    @property
    def retention_days(self) -> int | None:
        days = [
            record.retention_days for record in self.records if record.retention_days is not None
        ]
        if self.system.rotation_days is not None and HeldAs.BACKUP in self.held_as:
            days.append(self.system.rotation_days)
        return max(days) if days else None

    @property
    def missing(self) -> list[Missing]:
        missing = []
        if self.system.owner_team is None:
            missing.append(Missing.OWNER)
        if self.system.retrieval_method is None:
            missing.append(Missing.RETRIEVAL_METHOD)
        if self.retention_days is None and not any(record.obligation for record in self.records):
            missing.append(Missing.RETENTION)
        return missing


@dataclass
class Recipient:
    organisation: Organisation
    roles: set[str] = field(default_factory=set)
    reasons: list[str] = field(default_factory=list)
    countries: set[str] = field(default_factory=set)
    third_country: bool = False
    safeguards: list[Safeguard] = field(default_factory=list)


@dataclass
class Source:
    system: SystemFacts
    reasons: list[str] = field(default_factory=list)
    categories: set[str] = field(default_factory=set)


@dataclass
class Routing:
    """Data Preemptly holds as a processor: the controller answers, Preemptly assists."""

    controller: Organisation
    activities: list[str] = field(default_factory=list)
    systems: list[str] = field(default_factory=list)
    categories: set[str] = field(default_factory=set)


CLEARED_BY = {
    Missing.OWNER: "updateSystem.ownerTeam",
    Missing.RETRIEVAL_METHOD: "updateSystem.retrievalMethod",
    Missing.RETENTION: "registerStorage.retentionDays (or registerStorage.retentionObligation, "
    "registerProcessingActivity.retentionDays)",
}


@dataclass
class Gap:
    system: SystemFacts
    missing: list[Missing]

    @property
    def cleared_by(self) -> list[str]:
        """Per missing fact, the mutation and field that clear it."""
        return [
            "updateSystem.rotationDays"
            if missing is Missing.RETENTION and self.system.kind == "BACKUP"
            else CLEARED_BY[missing]
            for missing in self.missing
        ]


@dataclass
class AccessPlan:
    subject: str
    subject_name: str | None
    regime: str
    law: Law
    categories_asked: list[str] | None
    controller: Organisation | None
    locations: list[Location]
    purposes: list[Activity]
    categories: list[str]
    recipients: list[Recipient]
    recipient_categories: list[str]
    right_items: list[RightText]
    sources: list[Source]
    collected_from_subject: bool
    automated_decisions: list[Activity]
    routing: list[Routing]
    gaps: list[Gap]
    truncated: bool = False
    deadline: Deadline | None = None
    sells_personal_data: bool | None = None

    @property
    def authority(self) -> str | None:
        """The authority a complaint goes to: the regime's own, or (EU) the lead supervisory
        authority recorded on the controller."""
        if self.law.authority is not None:
            return self.law.authority
        return None if self.controller is None else self.controller.supervisory_authority

    @property
    def transfers(self) -> list[Recipient]:
        return [recipient for recipient in self.recipients if recipient.third_country]

    @property
    def third_party_categories(self) -> list[str]:
        """CCPA 1798.110(a)(4): the kinds of recipient in the CCPA's own terms (service providers
        or contractors for processors, third parties for independent recipients), and the
        recipient categories on record."""
        kinds = {ccpa_kind(role) for recipient in self.recipients for role in recipient.roles}
        return sorted(kinds | set(self.recipient_categories))

    def disclosed_by_kind(self) -> dict[str, list[str]]:
        """CCPA 1798.115(a)(3): the categories disclosed for a business purpose, by the kind of
        person they were disclosed to: what the locations run by each recipient hold."""
        kinds: dict[str, set[str]] = {}
        for location in self.locations:
            operator, role = location.system.operator, location.system.operator_role
            if operator is None or operator.is_self:
                continue
            kinds.setdefault(ccpa_kind(role), set()).update(location.categories)
        return {kind: sorted(keys) for kind, keys in sorted(kinds.items())}


def ccpa_kind(role: str | None) -> str:
    """A recipient's kind under the CCPA (§ 1798.140): a processor is a service provider or
    contractor; an independent controller or third party is a third party."""
    if role in ("PROCESSOR", "SUB_PROCESSOR"):
        return "service providers and contractors"
    return "third parties"


def _narrowed(requested: frozenset[str] | None, keys: Iterable[str]) -> frozenset[str]:
    return carried(requested, list(keys)) or frozenset()


def _along(held: frozenset[str], flows: Iterable[Flow]) -> frozenset[str]:
    reaching: frozenset[str] | None = held
    for flow in flows:
        reaching = carried(reaching, list(flow.categories))
    return reaching or frozenset()


def route(flows: Iterable[Flow], arrow: str = " → ") -> str:
    """The flow ids of a path, and, when a flow on it names no data subject, that the copy is
    inferred from its categories alone."""
    flows = list(flows)
    return arrow.join(flow.id for flow in flows) + inferred(
        [flow.id for flow in flows if flow.subjects is None]
    )


def _role_of(records: Iterable[Record]) -> set[str]:
    return {record.role for record in records if record.role is not None}


def plan_access(
    facts: AccessFacts, categories: list[str] | None, received_on: date | None = None
) -> AccessPlan:
    """Decide the plan from the facts: only data held for the asked categories counts."""
    requested = frozenset(categories) if categories else None
    locations: dict[str, Location] = {}

    def located(system: SystemFacts) -> Location:
        return locations.setdefault(system.id, Location(system=system))

    for system, record in facts.holdings:
        held = _narrowed(requested, record.categories)
        if not held:
            continue
        location = located(system)
        location.held_as.append(record.held_as)
        location.categories |= held
        location.records.append(record)
        location.roles |= _role_of([record])
        if record.held_as is HeldAs.STORED:
            location.reasons.append(f"stores {', '.join(sorted(held))} (storage {record.id})")
        else:
            location.reasons.append(f"runs activity {record.id} on {', '.join(sorted(held))}")
    direct = {key: (frozenset(loc.categories), set(loc.roles)) for key, loc in locations.items()}

    flow_recipients: list[tuple[Reach, frozenset[str]]] = []
    for reach in facts.copies:
        if reach.start not in direct:
            continue
        held, roles = direct[reach.start]
        reaching = _along(held, reach.flows)
        if not reaching:
            continue
        via = route(reach.flows)
        if reach.system is not None:
            location = located(reach.system)
            if HeldAs.COPY not in location.held_as:
                location.held_as.append(HeldAs.COPY)
            location.categories |= reaching
            location.roles |= roles
            location.reasons.append(
                f"receives {', '.join(sorted(reaching))} from {reach.start} via {via}"
            )
        elif reach.organisation is not None:
            flow_recipients.append((reach, reaching))

    for backs_up, system in facts.backups:
        if backs_up not in locations:
            continue
        source = locations[backs_up]
        location = located(system)
        location.held_as.append(HeldAs.BACKUP)
        location.categories |= source.categories
        location.roles |= source.roles
        location.reasons.append(
            f"backs up {backs_up}, rotated every {system.rotation_days} days"
            if system.rotation_days is not None
            else f"backs up {backs_up}, rotation unknown"
        )

    activities = [
        activity for activity in facts.activities if _narrowed(requested, activity.categories)
    ]
    controlled = [activity for activity in activities if activity.role != "PROCESSOR"]
    answered = [loc for loc in locations.values() if loc.roles != {"PROCESSOR"}]
    controller = next(
        (a.controller for a in controlled if a.controller is not None and a.controller.is_self),
        next(
            (
                loc.system.operator
                for loc in answered
                if loc.system.operator is not None and loc.system.operator.is_self
            ),
            None,
        ),
    )

    recipients = _recipients(facts, answered, controlled, flow_recipients)
    return AccessPlan(
        subject=facts.subject,
        subject_name=facts.subject_name,
        regime=facts.regime,
        law=facts.law,
        categories_asked=categories,
        controller=controller,
        locations=sorted(answered, key=lambda loc: (loc.held_as[0].value, loc.system.id)),
        purposes=controlled,
        categories=sorted({key for loc in answered for key in loc.categories}),
        recipients=recipients,
        recipient_categories=sorted(
            {text for activity in controlled for text in activity.recipient_categories}
        ),
        right_items=facts.right_items,
        sources=_sources(facts, locations),
        collected_from_subject=any(
            record.collected_from_subject for loc in answered for record in loc.records
        ),
        automated_decisions=[
            activity
            for activity in controlled
            if activity.automated_decision_making or activity.profiling
        ],
        routing=_routing(activities, locations, requested),
        gaps=[
            Gap(system=loc.system, missing=loc.missing)
            for loc in sorted(locations.values(), key=lambda loc: loc.system.id)
            if loc.missing
        ],
        truncated=facts.truncated,
        deadline=None if received_on is None else due(facts.law.response_period, received_on),
        sells_personal_data=None if controller is None else controller.sells_personal_data,
    )


def _recipients(
    facts: AccessFacts,
    answered: list[Location],
    activities: list[Activity],
    flow_recipients: list[tuple[Reach, frozenset[str]]],
) -> list[Recipient]:
    found: dict[str, Recipient] = {}

    def recipient(organisation: Organisation) -> Recipient:
        return found.setdefault(organisation.id, Recipient(organisation=organisation))

    for location in answered:
        operator = location.system.operator
        if operator is None or operator.is_self:
            continue
        entry = recipient(operator)
        if location.system.operator_role:
            entry.roles.add(location.system.operator_role)
        entry.reasons.append(f"operates {location.system.id}")
        entry.countries |= {*location.system.hosted_in, *location.system.accessed_from}
    for reach, reaching in flow_recipients:
        assert reach.organisation is not None
        entry = recipient(reach.organisation)
        entry.reasons.append(
            f"receives {', '.join(sorted(reaching))} from {reach.start} via {route(reach.flows)}"
        )
    for activity in activities:
        for organisation, role in activity.discloses_to:
            if organisation.is_self:
                continue
            entry = recipient(organisation)
            if role:
                entry.roles.add(role)
            entry.reasons.append(f"named recipient of activity {activity.id}")
    for organisation_id in list(found):
        for chain in facts.engagements.get(organisation_id, []):
            for engagement in chain:
                entry = recipient(engagement.to)
                if engagement.role:
                    entry.roles.add(engagement.role)
                reason = (
                    f"engaged by {engagement.from_id} for {engagement.service or 'a service'} "
                    f"({engagement.id})"
                )
                if reason not in entry.reasons:
                    entry.reasons.append(reason)
    for entry in found.values():
        entry.roles |= set(facts.engaged_as.get(entry.organisation.id, ()))
        if entry.organisation.country:
            entry.countries.add(entry.organisation.country)
        if facts.law.transfers:
            entry.third_country = any(code not in facts.area for code in entry.countries)
            entry.safeguards = [
                safeguard
                for safeguard in facts.safeguards
                if safeguard.importer == entry.organisation.id and facts.regime in safeguard.regimes
            ]
    return sorted(found.values(), key=lambda entry: entry.organisation.id)


def _sources(facts: AccessFacts, locations: dict[str, Location]) -> list[Source]:
    """Upstream systems that feed a store not collected from the person and that are not
    themselves a place of the plan (where the data would come from the person or the controller)."""
    collecting = {
        system.id
        for system, record in facts.holdings
        if record.held_as is HeldAs.STORED and record.collected_from_subject
    }
    found: dict[str, Source] = {}
    for reach in facts.sources:
        if reach.system is None or reach.start not in locations:
            continue
        if reach.system.id in collecting or reach.system.id in locations:
            continue
        reaching = _along(frozenset(locations[reach.start].categories), reach.flows)
        if not reaching:
            continue
        entry = found.setdefault(reach.system.id, Source(system=reach.system))
        entry.categories |= reaching
        entry.reasons.append(
            f"feeds {reach.start} with {', '.join(sorted(reaching))} via "
            + route(reach.flows, " ← ")
        )
    return sorted(found.values(), key=lambda entry: entry.system.id)


def _routing(
    activities: list[Activity], locations: dict[str, Location], requested: frozenset[str] | None
) -> list[Routing]:
    found: dict[str, Routing] = {}
    for activity in activities:
        if activity.role != "PROCESSOR" or activity.controller is None:
            continue
        entry = found.setdefault(activity.controller.id, Routing(controller=activity.controller))
        entry.activities.append(activity.id)
        entry.categories |= _narrowed(requested, activity.categories)
        entry.systems = sorted(
            {*entry.systems, *(key for key in activity.systems if key in locations)}
        )
    return sorted(found.values(), key=lambda entry: entry.controller.id)
