"""Breach impact over plain data: what the compromised systems (or organisation) hold of whom, where
it flowed on to, which controllers Preemptly must tell as processor, how the Art. 34 risk factors
read, and each regime's notification duty with its deadline from the moment of awareness.

Every duty, exemption and risk factor is a reference fact (`BreachObligation`, `BreachExemption`,
`BreachRiskFactor` seeds); this module only decides which apply to the facts of the map, and
says why."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import Enum

from resolvers.categories import carried, relevant
from resolvers.subjects import Carried, carried_subjects, follows, inferred

ENCRYPTION_AT_REST = "enc_at_rest"


class Kind(Enum):
    CONFIDENTIALITY = "CONFIDENTIALITY"
    INTEGRITY = "INTEGRITY"
    AVAILABILITY = "AVAILABILITY"


class Reach(Enum):
    COMPROMISED = "COMPROMISED"
    BACKUP = "BACKUP"
    DOWNSTREAM = "DOWNSTREAM"


class Status(Enum):
    REQUIRED = "REQUIRED"
    CONDITIONAL = "CONDITIONAL"
    NOT_REQUIRED = "NOT_REQUIRED"


class Applies(Enum):
    YES = "YES"
    TO_CONFIRM = "TO_CONFIRM"
    NO = "NO"


class Scope(Enum):
    """How a regime reaches the map owner's affected data."""

    ESTABLISHED = "ESTABLISHED"
    HOSTED = "HOSTED"
    RESIDENTS = "RESIDENTS"
    UNKNOWN = "UNKNOWN"
    NONE = "NONE"


# Facts of the map


@dataclass(frozen=True)
class Category:
    key: str
    name: str
    special: bool = False
    criminal: bool = False
    credential: bool = False
    financial: bool = False
    us_element: str | None = None
    us_with_any: tuple[str, ...] = ()


@dataclass(frozen=True)
class Organisation:
    id: str
    name: str
    country: str | None = None
    is_self: bool = False
    serves: tuple[str, ...] = ()
    """The markets it offers its services to (`Organisation.serves`, as the regimes engine reads
    it): where the data subjects of what it controls are, unless a storage says otherwise."""


@dataclass(frozen=True)
class Holding:
    """A Storage (or, for a system without storages, an activity running on it): one subject
    kind's categories in one system."""

    id: str
    system_id: str
    subject: str
    subject_name: str
    categories: tuple[Category, ...]
    controller_role: str = "CONTROLLER"
    record_count: int | None = None
    subjects_in: tuple[str, ...] = ()
    from_activity: bool = False


@dataclass(frozen=True)
class Activity:
    id: str
    name: str
    preemptly_role: str
    subjects: tuple[tuple[str, str], ...]
    categories: tuple[Category, ...]
    controller: Organisation | None


@dataclass(frozen=True)
class Flow:
    id: str
    source: str
    target: str
    target_name: str
    to_organisation: bool
    categories: tuple[str, ...] | None
    subjects: tuple[str, ...] | None = None
    """The data-subject kinds whose data it carries; None: it names none (any subject's)."""


@dataclass(frozen=True)
class System:
    id: str
    name: str
    kind: str | None = None
    security_measures: tuple[str, ...] = ()
    operator: Organisation | None = None
    operator_role: str | None = None
    backs_up: tuple[str, ...] = ()
    hosted_in: tuple[str, ...] = ()
    flows: tuple[Flow, ...] = ()
    storages: tuple[Holding, ...] = ()
    activities: tuple[Activity, ...] = ()

    @property
    def encrypted_at_rest(self) -> bool:
        return ENCRYPTION_AT_REST in self.security_measures


@dataclass(frozen=True)
class ReachedOrganisation:
    """The compromised organisation or one of its sub-processors, by its engagement chain."""

    organisation: Organisation
    chain: tuple[str, ...]
    roles: tuple[str, ...]
    carries: Carried = None
    """Whose data the engagements along the chain carry to it (None: anyone's)."""


@dataclass(frozen=True)
class Owner:
    organisation: Organisation
    supervisory_authority: str | None = None
    directed_at_children: bool | None = None
    dpo_contact: str | None = None


@dataclass(frozen=True)
class Jurisdiction:
    """Where the law of a duty reaches: for a regime key (`EU`, `UK`, `CH`), the regime's own area
    and its markets (regimes.yaml, as the regimes engine reads them); for a market code of its own
    (`US-NY`), that market alone."""

    key: str
    name: str
    area: frozenset[str] = frozenset()
    places: frozenset[str] = frozenset()
    reach: str | None = None

    def holds(self, market: str) -> bool:
        return market in self.places


@dataclass(frozen=True)
class Provenance:
    source: str
    source_date: str | None
    confidence: str


@dataclass(frozen=True)
class Obligation:
    key: str
    jurisdiction: str
    addressee: str
    trigger: str
    kinds: tuple[str, ...]
    deadline_text: str
    citation: str
    text: str
    provenance: Provenance
    authority: str | None = None
    deadline_hours: int | None = None
    deadline_days: int | None = None
    deadline_from: str = "AWARENESS"
    residents_over: int | None = None
    contents: str | None = None


@dataclass(frozen=True)
class Exemption:
    key: str
    obligations: tuple[str, ...]
    basis: str
    citation: str
    text: str
    provenance: Provenance


@dataclass(frozen=True)
class RiskFactor:
    key: str
    test: str
    kinds: tuple[str, ...]
    high_risk: bool
    label: str
    consequence: str
    citation: str
    provenance: Provenance


@dataclass
class BreachGraph:
    systems: dict[str, System]
    selected: tuple[str, ...]
    organisations: tuple[ReachedOrganisation, ...]
    received: tuple[Flow, ...]
    obligations: tuple[Obligation, ...]
    exemptions: tuple[Exemption, ...]
    risk_factors: tuple[RiskFactor, ...]
    owner: Owner | None
    jurisdictions: dict[str, Jurisdiction]

    def carried_to(self, organisation_id: str | None) -> Carried:
        """Whose data the compromise reaches at an organisation down the compromised one's
        ENGAGES chain (None: anyone's, as at any organisation not on the chain)."""
        for reached in self.organisations:
            if reached.organisation.id == organisation_id:
                return reached.carries
        return None


@dataclass(frozen=True)
class BreachRequest:
    aware_at: datetime
    kind: Kind
    categories: tuple[str, ...] | None = None
    subjects: tuple[str, ...] | None = None
    """Only these data subjects' data were affected; None: anyone's."""


# Results


@dataclass(frozen=True)
class AffectedSystem:
    id: str
    name: str
    reach: Reach
    path: tuple[str, ...]
    categories: tuple[str, ...]
    operator: Organisation | None
    operator_role: str | None
    hosted_in: tuple[str, ...]
    security_measures: tuple[str, ...]
    note: str
    is_organisation: bool = False
    subjects: tuple[str, ...] = ()
    """Whose data it holds (compromised, backup) or receives by the flows on its path."""


@dataclass(frozen=True)
class AffectedSubject:
    subject: str
    name: str
    categories: tuple[Category, ...]
    holdings: tuple[Holding, ...]
    records: int | None
    people_at_least: int | None
    counts_unknown_in: tuple[str, ...]
    residence: "Residence"
    roles: tuple[str, ...]

    @property
    def special(self) -> bool:
        return any(c.special for c in self.categories)

    @property
    def criminal(self) -> bool:
        return any(c.criminal for c in self.categories)

    @property
    def credential(self) -> bool:
        return any(c.credential for c in self.categories)

    @property
    def financial(self) -> bool:
        return any(c.financial for c in self.categories)


@dataclass(frozen=True)
class FactorResult:
    factor: RiskFactor
    present: bool
    weighs: bool
    detail: str
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True)
class Risk:
    likely_high: bool
    factors: tuple[FactorResult, ...]
    basis: str


@dataclass(frozen=True)
class ExemptionResult:
    exemption: Exemption
    applies: Applies
    reason: str


@dataclass(frozen=True)
class Duty:
    obligation: Obligation
    status: Status
    authority: str | None
    country: str | None
    deadline: datetime | None
    reasons: tuple[str, ...]
    conditions: tuple[str, ...]
    exemptions: tuple[ExemptionResult, ...]


@dataclass(frozen=True)
class ControllerNotice:
    controller: Organisation
    subjects: tuple[str, ...]
    categories: tuple[str, ...]
    systems: tuple[str, ...]
    activities: tuple[str, ...]
    records: int | None
    duties: tuple[Duty, ...]


@dataclass(frozen=True)
class ScopeResult:
    jurisdiction: str
    scope: Scope
    reason: str
    places: tuple[str, ...] = ()
    """Where affected people are, within the jurisdiction's places (for RESIDENTS)."""


@dataclass
class Impact:
    aware_at: datetime
    kind: Kind
    systems: list[AffectedSystem] = field(default_factory=list)
    organisations: tuple[ReachedOrganisation, ...] = ()
    subjects: list[AffectedSubject] = field(default_factory=list)
    controllers: list[ControllerNotice] = field(default_factory=list)
    processor_data_without_controller: list[Holding] = field(default_factory=list)
    risk: Risk = field(default_factory=lambda: Risk(False, (), ""))
    scopes: list[ScopeResult] = field(default_factory=list)
    duties: list[Duty] = field(default_factory=list)
    subjects_in_recorded: bool = False
    """Whether the map records where every affected person of the owner's own data is."""
    owner: Owner | None = None


# The selection


def held_in(graph: BreachGraph, system: System) -> list[Holding]:
    """What a system holds: its storages, a backup's source's storages, or (for a system with
    neither) the activities that run on it, one holding per subject."""
    if system.storages:
        return list(system.storages)
    for source_id in system.backs_up:
        source = graph.systems.get(source_id)
        if source is not None and source.storages:
            return [
                Holding(
                    h.id,
                    system.id,
                    h.subject,
                    h.subject_name,
                    h.categories,
                    h.controller_role,
                    h.record_count,
                    h.subjects_in,
                )
                for h in source.storages
            ]
    return [
        Holding(
            activity.id,
            system.id,
            subject,
            subject_name,
            activity.categories,
            activity.preemptly_role,
            None,
            (),
            True,
        )
        for activity in system.activities
        for subject, subject_name in activity.subjects
    ]


def filtered(holding: Holding, categories: tuple[str, ...] | None) -> Holding | None:
    if categories is None:
        return holding
    kept = tuple(c for c in holding.categories if any(relevant(c.key, r) for r in categories))
    if not kept:
        return None
    return Holding(
        holding.id,
        holding.system_id,
        holding.subject,
        holding.subject_name,
        kept,
        holding.controller_role,
        holding.record_count,
        holding.subjects_in,
        holding.from_activity,
    )


def asked(request: BreachRequest) -> Carried:
    """Whose data the request says were affected (None: anyone's)."""
    return frozenset(request.subjects) if request.subjects is not None else None


def held_for(graph: BreachGraph, system: System, request: BreachRequest) -> list[Holding]:
    """What a compromised system holds of the subjects asked for, and, for a system a
    sub-processor operates, of those its engagement chain carries to it."""
    reaching = carried_subjects(asked(request), graph.carried_to(system_operator(system)))
    return [h for h in held_in(graph, system) if follows(reaching, h.subject)]


def system_operator(system: System) -> str | None:
    return system.operator.id if system.operator else None


def received_holdings(graph: BreachGraph, request: BreachRequest) -> list[Holding]:
    """What a compromised organisation received by flows: the sender's holdings of the subjects
    the flow carries (all, when it names none), narrowed to the categories it carries."""
    result = []
    for flow in graph.received:
        sender = graph.systems.get(flow.source)
        if sender is None:
            continue
        reaching = carried_subjects(
            carried_subjects(asked(request), graph.carried_to(flow.target)), flow.subjects
        )
        for holding in held_in(graph, sender):
            if not follows(reaching, holding.subject):
                continue
            kept = filtered(holding, flow.categories)
            if kept is not None:
                result.append(
                    Holding(
                        kept.id,
                        flow.target,
                        kept.subject,
                        kept.subject_name,
                        kept.categories,
                        kept.controller_role,
                        kept.record_count,
                        kept.subjects_in,
                        kept.from_activity,
                    )
                )
    return result


def compromised_holdings(graph: BreachGraph, request: BreachRequest) -> list[Holding]:
    holdings = [
        h
        for system_id in graph.selected
        if (system := graph.systems.get(system_id)) is not None
        for h in held_for(graph, system, request)
    ]
    holdings += received_holdings(graph, request)
    return [kept for h in holdings if (kept := filtered(h, request.categories)) is not None]


@dataclass(frozen=True)
class _Front:
    """A system reached on the walk downstream: its path, the categories and subjects that
    reach it (None: any), the flows on the path that name no subject, and whose data the
    compromised system at the path's start holds."""

    id: str
    path: tuple[str, ...]
    categories: frozenset[str] | None
    subjects: Carried
    unnamed: tuple[str, ...]
    origin: tuple[str, ...]


def affected_systems(graph: BreachGraph, request: BreachRequest) -> list[AffectedSystem]:
    """The compromised systems, their backups, and every system or organisation flows reach from
    them (breadth first, so each on its shortest path; the categories that survive that path). A
    flow is followed for a subject when it names that subject or names none (then its reason
    says the copy is inferred from categories alone)."""
    result: list[AffectedSystem] = []
    seen: set[str] = set()
    frontier: list[_Front] = []
    for system_id in graph.selected:
        system = graph.systems[system_id]
        seen.add(system_id)
        held = held_for(graph, system, request)
        result.append(
            touched(system, Reach.COMPROMISED, (system_id,), held, compromised_note(request.kind))
        )
        frontier.append(
            _Front(
                system_id,
                (system_id,),
                frozenset(request.categories) if request.categories else None,
                carried_subjects(asked(request), graph.carried_to(system_operator(system))),
                (),
                tuple(sorted({h.subject for h in held})),
            )
        )
    for system in sorted(graph.systems.values(), key=lambda s: s.id):
        sources = [s for s in system.backs_up if s in graph.selected]
        if system.id not in seen and sources:
            seen.add(system.id)
            result.append(
                touched(
                    system,
                    Reach.BACKUP,
                    (sources[0], system.id),
                    held_for(graph, system, request),
                    backup_note(request.kind),
                )
            )
    while frontier:
        following: list[_Front] = []
        for front in frontier:
            node = graph.systems.get(front.id)
            if node is None:
                continue
            for flow in node.flows:
                if flow.target in seen:
                    continue
                arriving = carried(
                    front.categories, list(flow.categories) if flow.categories else None
                )
                whose = carried_subjects(front.subjects, flow.subjects)
                if (arriving is not None and not arriving) or (whose is not None and not whose):
                    continue
                seen.add(flow.target)
                keys = sorted(arriving) if arriving is not None else sorted(flow.categories or ())
                reached = _Front(
                    flow.target,
                    (*front.path, flow.target),
                    frozenset(keys),
                    whose,
                    (*front.unnamed, flow.id) if flow.subjects is None else front.unnamed,
                    front.origin,
                )
                subjects = tuple(sorted(whose)) if whose is not None else front.origin
                note = downstream_note(request.kind) + inferred(reached.unnamed, "flow ")
                target = graph.systems.get(flow.target)
                if target is None:
                    result.append(
                        AffectedSystem(
                            flow.target,
                            flow.target_name,
                            Reach.DOWNSTREAM,
                            reached.path,
                            tuple(keys),
                            None,
                            None,
                            (),
                            (),
                            note,
                            is_organisation=flow.to_organisation,
                            subjects=subjects,
                        )
                    )
                    continue
                result.append(
                    affected(target, Reach.DOWNSTREAM, reached.path, keys, subjects, note)
                )
                following.append(reached)
        frontier = following
    return result


def affected(
    system: System,
    reach: Reach,
    path: tuple[str, ...],
    categories: Iterable[str],
    subjects: Iterable[str],
    note: str,
) -> AffectedSystem:
    return AffectedSystem(
        system.id,
        system.name,
        reach,
        path,
        tuple(sorted(set(categories))),
        system.operator,
        system.operator_role,
        system.hosted_in,
        system.security_measures,
        note,
        subjects=tuple(sorted(set(subjects))),
    )


def touched(
    system: System, reach: Reach, path: tuple[str, ...], held: list[Holding], note: str
) -> AffectedSystem:
    """A compromised system or a backup, with the categories and subjects it holds."""
    return affected(
        system,
        reach,
        path,
        (c.key for h in held for c in h.categories),
        (h.subject for h in held),
        note,
    )


def compromised_note(kind: Kind) -> str:
    return {
        Kind.CONFIDENTIALITY: "compromised: its data may have been disclosed or accessed",
        Kind.INTEGRITY: "compromised: its data may have been altered",
        Kind.AVAILABILITY: "compromised: its data may be lost or unavailable",
    }[kind]


def backup_note(kind: Kind) -> str:
    if kind is Kind.AVAILABILITY:
        return "a backup of a compromised system: the restore point, if it is intact"
    return "a backup of a compromised system: holds the same data; check whether it was reached"


def downstream_note(kind: Kind) -> str:
    if kind is Kind.INTEGRITY:
        return "receives data from a compromised system: may hold altered copies"
    if kind is Kind.AVAILABILITY:
        return "receives data from a compromised system: its feed may stop"
    return "holds copies of data that flowed on from a compromised system"


# Subjects and counts


def subjects_of(graph: BreachGraph, holdings: Iterable[Holding]) -> list[AffectedSubject]:
    by_subject: dict[str, list[Holding]] = {}
    for holding in holdings:
        by_subject.setdefault(holding.subject, []).append(holding)
    result = []
    for subject in sorted(by_subject):
        items = by_subject[subject]
        categories = {c.key: c for h in items for c in h.categories}
        counts = {h.id: h.record_count for h in items}
        known = [n for n in counts.values() if n is not None]
        result.append(
            AffectedSubject(
                subject=subject,
                name=items[0].subject_name,
                categories=tuple(categories[k] for k in sorted(categories)),
                holdings=tuple(items),
                records=sum(known) if known else None,
                people_at_least=max(known) if known else None,
                counts_unknown_in=tuple(sorted(k for k, n in counts.items() if n is None)),
                residence=residence(graph, items),
                roles=tuple(sorted({h.controller_role for h in items})),
            )
        )
    return result


def records_upper_bound(holdings: Iterable[Holding]) -> int | None:
    """The sum of the distinct storages' counts: None when any is unknown."""
    counts = {h.id: h.record_count for h in holdings}
    if any(n is None for n in counts.values()):
        return None
    return sum(n for n in counts.values() if n is not None)


# Risk


def assess_risk(
    factors: Iterable[RiskFactor],
    holdings: list[Holding],
    systems: dict[str, System],
    owner: Owner | None,
    kind: Kind,
) -> Risk:
    results = [evaluate(f, holdings, systems, owner, kind) for f in factors]
    results.sort(key=lambda r: (not r.present, r.factor.key))
    driving = [r for r in results if r.present and r.weighs and r.factor.high_risk]
    if driving:
        basis = "a high risk is likely: " + "; ".join(
            f"{r.factor.label} ({r.factor.citation})" for r in driving
        )
    else:
        basis = (
            "no factor the sources tie to a likely high risk is present in the affected data; "
            "the other factors are stated for the person who weighs them"
        )
    return Risk(bool(driving), tuple(results), basis)


def flagged(holdings: list[Holding], test: str) -> list[str]:
    attribute = {
        "SPECIAL_CATEGORY": "special",
        "CRIMINAL_DATA": "criminal",
        "CREDENTIAL": "credential",
        "FINANCIAL": "financial",
    }[test]
    return sorted(
        {f"{c.key} in {h.id}" for h in holdings for c in h.categories if getattr(c, attribute)}
    )


def evaluate(
    factor: RiskFactor,
    holdings: list[Holding],
    systems: dict[str, System],
    owner: Owner | None,
    kind: Kind,
) -> FactorResult:
    weighs = kind.value in factor.kinds
    if factor.test in ("SPECIAL_CATEGORY", "CRIMINAL_DATA", "CREDENTIAL", "FINANCIAL"):
        found = flagged(holdings, factor.test)
        detail = "affected: " + ", ".join(found) if found else "none among the affected data"
        return FactorResult(factor, bool(found), weighs, detail, tuple(found))
    if factor.test == "SUBJECT_COUNT":
        counted = sorted({(h.id, h.record_count) for h in holdings if h.record_count is not None})
        unknown = sorted({h.id for h in holdings if h.record_count is None})
        total = sum(n for _, n in counted)
        detail = f"about {total} records in {len(counted)} storages with a count"
        if unknown:
            detail += f"; no count for {', '.join(unknown)}"
        evidence = tuple(f"{key}: {n}" for key, n in counted)
        return FactorResult(factor, bool(counted), weighs, detail, evidence)
    if factor.test == "CHILDREN":
        directed = owner.directed_at_children if owner else None
        if directed is None:
            return FactorResult(factor, False, weighs, "not recorded in the map")
        if directed:
            return FactorResult(factor, True, weighs, "the services are directed at children")
        return FactorResult(
            factor,
            False,
            weighs,
            "the services are not directed at children (the owner's directed_at_children)",
        )
    unencrypted = sorted(
        {
            h.system_id
            for h in holdings
            if h.system_id in systems and not systems[h.system_id].encrypted_at_rest
        }
    )
    if unencrypted:
        detail = "no encryption at rest recorded on " + ", ".join(unencrypted)
    else:
        detail = "encryption at rest recorded on every affected system; key custody not recorded"
    return FactorResult(factor, bool(unencrypted), weighs, detail, tuple(unencrypted))


# Where the data subjects are, and where the law reaches

HOSTING_REACHES = frozenset({"CH"})
"""Regimes that a data centre in their area brings in, whoever runs it (FADP Art. 3(1), the
effects principle: regulatory-scope-rights-breach.md §13.3, CH-SEC)."""


@dataclass(frozen=True)
class Residence:
    """Where the data subjects of some holdings are, read as the regimes engine reads it: each
    storage's `subjects_in`, else the markets its controller `serves`. `recorded_by` names the
    graph facts it was read from; `unrecorded`, the holdings for which the map records neither."""

    markets: tuple[str, ...] = ()
    recorded_by: tuple[str, ...] = ()
    unrecorded: tuple[str, ...] = ()


def processor_activities(graph: BreachGraph, holding: Holding) -> list[Activity]:
    """The activities Preemptly runs as processor for a customer on the holding's system (or,
    for a system without activities, on a backup's source or on the sender of a received flow)
    concerning the holding's subject: whose controller the data are."""
    system = graph.systems.get(holding.system_id)
    sources = [system] if system else []
    if system is None or not system.activities:
        sources += [
            graph.systems[s] for s in (system.backs_up if system else ()) if s in graph.systems
        ]
        sources += [
            graph.systems[f.source]
            for f in graph.received
            if f.target == holding.system_id and f.source in graph.systems
        ]
    return [
        a
        for s in sources
        for a in s.activities
        if a.preemptly_role == "PROCESSOR"
        and a.controller is not None
        and not a.controller.is_self
        and holding.subject in {key for key, _ in a.subjects}
    ]


def controllers_of(graph: BreachGraph, holding: Holding) -> list[Organisation]:
    if holding.controller_role != "PROCESSOR":
        return [graph.owner.organisation] if graph.owner else []
    return [a.controller for a in processor_activities(graph, holding) if a.controller]


def residence(
    graph: BreachGraph,
    holdings: Iterable[Holding],
    controllers: Iterable[Organisation] | None = None,
) -> Residence:
    """Where the holdings' data subjects are; `controllers` instead of each holding's own."""
    named = list(controllers) if controllers is not None else None
    markets: set[str] = set()
    recorded_by: set[str] = set()
    unrecorded: set[str] = set()
    for holding in holdings:
        if holding.subjects_in:
            markets.update(holding.subjects_in)
            recorded_by.add(f"Storage:{holding.id}.subjects_in")
            continue
        serving = [
            c for c in (named if named is not None else controllers_of(graph, holding)) if c.serves
        ]
        if not serving:
            unrecorded.add(holding.id)
        for controller in serving:
            markets.update(controller.serves)
            recorded_by.add(f"Organisation:{controller.id}.serves")
    return Residence(tuple(sorted(markets)), tuple(sorted(recorded_by)), tuple(sorted(unrecorded)))


def located(jurisdiction: Jurisdiction, here: Residence) -> ScopeResult:
    """Whether the people are in the jurisdiction's places: RESIDENTS where the map records
    some there, UNKNOWN where it records only their country (for a state) or nothing for some
    holdings, NONE where it records them all elsewhere."""
    j = jurisdiction
    where = j.key if j.places == {j.key} else f"the area or markets of {j.name}"
    read = ", ".join(here.recorded_by)
    found = tuple(m for m in here.markets if j.holds(m))
    if found:
        law = f": {j.reach}" if j.reach else ""
        return ScopeResult(
            j.key, Scope.RESIDENTS, f"affected people in {', '.join(found)} ({read}){law}", found
        )
    countries = sorted({p.split("-")[0] for p in j.places if "-" in p} & set(here.markets))
    if countries:
        return ScopeResult(
            j.key,
            Scope.UNKNOWN,
            f"applies if affected people live in {where}: the map records {', '.join(countries)} "
            f"({read}), not the state",
        )
    if here.unrecorded:
        return ScopeResult(
            j.key,
            Scope.UNKNOWN,
            f"applies if affected people are in {where}: the map records neither the "
            f"subjects_in of {', '.join(here.unrecorded)} nor the markets its controller serves",
        )
    return ScopeResult(
        j.key,
        Scope.NONE,
        f"no affected person in {where}: the affected people are in "
        f"{', '.join(here.markets)} ({read})",
    )


def scope(
    jurisdiction: Jurisdiction,
    owner: Owner | None,
    holdings: list[Holding],
    systems: dict[str, System],
    here: Residence,
) -> ScopeResult:
    """How one jurisdiction reaches the owner's affected data: by establishment in its area, by a
    data centre in the area of a regime the effects principle brings in, or by where the affected
    people are (`located`)."""
    j = jurisdiction
    me = owner.organisation if owner else None
    if me is not None and me.country in j.area:
        return ScopeResult(
            j.key,
            Scope.ESTABLISHED,
            f"{me.name} is established in {me.country}, in the area of {j.name}: {j.reach}",
        )
    if j.key in HOSTING_REACHES:
        hosted = sorted(
            {
                h.system_id
                for h in holdings
                if set(systems.get(h.system_id, System("", "")).hosted_in) & j.area
            }
        )
        if hosted:
            return ScopeResult(
                j.key,
                Scope.HOSTED,
                f"{', '.join(hosted)} hosted in {', '.join(sorted(j.area))}: a data centre there "
                f"brings the processing in scope ({j.reach})",
            )
    return located(j, here)


def scopes(graph: BreachGraph, holdings: list[Holding], here: Residence) -> dict[str, ScopeResult]:
    return {
        key: scope(j, graph.owner, holdings, graph.systems, here)
        for key, j in graph.jurisdictions.items()
    }


# US personal information


def us_personal_information(holdings: Iterable[Holding]) -> list[str]:
    """The element/combination pairs of the state laws' personal information: an element
    category held with one of its `with_any` categories in the same storage."""
    found = []
    for holding in holdings:
        keys = [c.key for c in holding.categories]
        for category in holding.categories:
            if category.us_element is None:
                continue
            partners = [
                k for k in keys for w in category.us_with_any if k == w or k.startswith(w + ".")
            ]
            if partners:
                found.append(f"{category.key} with {partners[0]} in {holding.id}")
    return sorted(set(found))


# Duties


def deadline_of(
    obligation: Obligation, aware_at: datetime, individual: dict[str, datetime]
) -> datetime | None:
    start: datetime | None = aware_at
    if obligation.deadline_from == "INDIVIDUAL_NOTICE":
        start = individual.get(obligation.jurisdiction)
    if start is None:
        return None
    if obligation.deadline_hours is not None:
        return start + timedelta(hours=obligation.deadline_hours)
    if obligation.deadline_days is not None:
        return start + timedelta(days=obligation.deadline_days)
    return None


def individual_deadlines(
    obligations: Iterable[Obligation], aware_at: datetime
) -> dict[str, datetime]:
    """The latest day each jurisdiction's notice to individuals may go out, from which a duty
    counted from that notice runs at the latest."""
    result = {}
    for o in obligations:
        if o.addressee == "DATA_SUBJECTS" and o.deadline_from == "AWARENESS":
            deadline = deadline_of(o, aware_at, {})
            if deadline is not None:
                result[o.jurisdiction] = deadline
    return result


def exemption_results(
    obligation: Obligation,
    exemptions: Iterable[Exemption],
    holdings: list[Holding],
    systems: dict[str, System],
    kind: Kind,
) -> list[ExemptionResult]:
    result = []
    for exemption in exemptions:
        if obligation.key not in exemption.obligations:
            continue
        if exemption.basis != "ENCRYPTION_AT_REST":
            result.append(
                ExemptionResult(
                    exemption,
                    Applies.TO_CONFIRM,
                    "turns on facts of the incident the map does not hold: a person confirms",
                )
            )
            continue
        if kind is not Kind.CONFIDENTIALITY:
            result.append(
                ExemptionResult(
                    exemption,
                    Applies.NO,
                    "encryption keeps data unintelligible: it bears on confidentiality, not on "
                    f"{kind.value.lower()}",
                )
            )
            continue
        ids = sorted({h.system_id for h in holdings})
        bare = [i for i in ids if i in systems and not systems[i].encrypted_at_rest]
        if bare or not ids or any(i not in systems for i in ids):
            where = ", ".join(bare) if bare else "the organisation's received data"
            result.append(
                ExemptionResult(exemption, Applies.NO, f"no encryption at rest recorded on {where}")
            )
            continue
        result.append(
            ExemptionResult(
                exemption,
                Applies.TO_CONFIRM,
                f"encryption at rest ({ENCRYPTION_AT_REST}) recorded on {', '.join(ids)}; it "
                "holds only if the key was not compromised too: the key's location and custody "
                "are not in the map",
            )
        )
    return result


def owner_duty(
    obligation: Obligation,
    scope: ScopeResult,
    *,
    holdings: list[Holding],
    graph: BreachGraph,
    request: BreachRequest,
    risk: Risk,
    individual: dict[str, datetime],
    here: Residence,
) -> list[Duty]:
    """The map owner's duty as controller under one obligation, for the holdings it controls
    (whose data subjects are `here`)."""
    jurisdiction = graph.jurisdictions[obligation.jurisdiction]
    reasons: list[str] = []
    conditions: list[str] = []
    exemptions = exemption_results(
        obligation, graph.exemptions, holdings, graph.systems, request.kind
    )
    status = Status.REQUIRED
    if not holdings:
        status = Status.NOT_REQUIRED
        reasons.append(
            "the owner holds none of the affected data as controller: the controllers are told "
            "(Art. 33(2)) and notify themselves"
        )
    elif request.kind.value not in obligation.kinds:
        status = Status.NOT_REQUIRED
        reasons.append(
            f"triggered by {', '.join(k.lower() for k in obligation.kinds)} breaches only "
            f"({obligation.citation})"
        )
    elif scope.scope is Scope.NONE:
        status = Status.NOT_REQUIRED
        reasons.append(scope.reason)
    else:
        reasons.append(scope.reason)
        if scope.scope is Scope.UNKNOWN:
            status = Status.CONDITIONAL
            conditions.append(scope.reason)
        status = triggered(
            obligation, status, reasons, conditions, holdings, risk, jurisdiction, here
        )
    if status is not Status.NOT_REQUIRED:
        for result in exemptions:
            if (
                result.exemption.basis == "ENCRYPTION_AT_REST"
                and result.applies is Applies.TO_CONFIRM
            ):
                status = Status.CONDITIONAL
                conditions.append(f"unless {result.exemption.citation} applies: {result.reason}")
    deadline = (
        None
        if status is Status.NOT_REQUIRED
        else deadline_of(obligation, request.aware_at, individual)
    )
    authorities = authorities_of(obligation, scope, graph.owner, jurisdiction)
    return [
        Duty(
            obligation,
            status,
            authority,
            country,
            deadline,
            tuple(reasons),
            tuple(conditions),
            tuple(exemptions),
        )
        for authority, country in authorities
    ]


def triggered(
    obligation: Obligation,
    status: Status,
    reasons: list[str],
    conditions: list[str],
    holdings: list[Holding],
    risk: Risk,
    jurisdiction: Jurisdiction,
    here: Residence,
) -> Status:
    if obligation.trigger == "RISK":
        conditions.append(
            "unless the breach is unlikely to result in a risk; a person who so decides records "
            "the reasons (Art. 33(5) GDPR)"
        )
    elif obligation.trigger == "HIGH_RISK":
        if risk.likely_high:
            reasons.append(risk.basis)
        else:
            reasons.append(risk.basis)
            return Status.NOT_REQUIRED
    elif obligation.trigger == "PROTECTION":
        conditions.append(
            "if informing the people is required for their protection, or the authority asks"
        )
        return Status.CONDITIONAL
    elif obligation.trigger == "STATE_PI":
        elements = us_personal_information(holdings)
        if not elements:
            reasons.append(
                "no personal information as the state law defines it among the affected data "
                "(a name with an element such as an SSN or card number, or a user name or "
                "email with a password)"
            )
            return Status.NOT_REQUIRED
        reasons.append("personal information under the state law: " + "; ".join(elements))
        over = obligation.residents_over
        if over:
            total = records_upper_bound(holdings)
            if total is not None and total <= over:
                reasons.append(
                    f"at most {total} people affected in all; the duty starts above "
                    f"{over} residents"
                )
                return Status.NOT_REQUIRED
            counts = [h.record_count for h in holdings if h.record_count is not None]
            residents_only = (
                bool(here.markets)
                and not here.unrecorded
                and all(jurisdiction.holds(m) for m in here.markets)
            )
            if residents_only and counts and max(counts) > over:
                reasons.append(
                    f"at least {max(counts)} people affected, all in {jurisdiction.key} "
                    f"({', '.join(here.recorded_by)}): more than {over} residents"
                )
                return status
            if not residents_only:
                why = (
                    "the affected people are in several markets, and the map does not count "
                    "them per market"
                    if here.markets
                    else "the map does not record where the affected people are"
                )
            elif total is None:
                unknown = sorted({h.id for h in holdings if h.record_count is None})
                why = f"the map has no count for {', '.join(unknown)}"
            else:
                why = f"the storages' counts may overlap: between {max(counts)} and {total} people"
            conditions.append(
                f"if more than {over} residents of {jurisdiction.key} are notified: {why}"
            )
            return Status.CONDITIONAL
    return status


def authorities_of(
    obligation: Obligation,
    scope: ScopeResult,
    owner: Owner | None,
    jurisdiction: Jurisdiction,
) -> list[tuple[str | None, str | None]]:
    """Whom a duty addresses: the obligation's authority; for the EU, the owner's lead
    authority, or for an owner reached only by Art. 3(2) each authority of a member state where
    affected people are."""
    if obligation.addressee != "SUPERVISORY_AUTHORITY" or obligation.jurisdiction != "EU":
        return [(obligation.authority, None)]
    if scope.scope is Scope.RESIDENTS:
        return [
            (
                f"the supervisory authority of {code} (Art. 3(2) GDPR; EDPB Guidelines 9/2022 §73)",
                code,
            )
            for code in scope.places
            if code in jurisdiction.area
        ]
    if owner and owner.supervisory_authority:
        return [(owner.supervisory_authority, owner.organisation.country)]
    return [
        (
            "the lead supervisory authority (Art. 56 GDPR): not recorded in the map",
            owner.organisation.country if owner else None,
        )
    ]


# Controllers Preemptly tells as processor


def controller_notices(
    graph: BreachGraph,
    holdings: list[Holding],
    request: BreachRequest,
    scope_of: dict[str, ScopeResult],
) -> tuple[list[ControllerNotice], list[Holding]]:
    """Per customer controller of processor data in the compromised systems: the activities
    Preemptly runs on those systems as processor, concerning the held subject, name it."""
    by_controller: dict[str, list[tuple[Holding, Activity]]] = {}
    controllers: dict[str, Organisation] = {}
    orphans = []
    for holding in holdings:
        if holding.controller_role != "PROCESSOR":
            continue
        matches = processor_activities(graph, holding)
        if not matches:
            orphans.append(holding)
        for activity in matches:
            if activity.controller is None:
                continue
            controllers[activity.controller.id] = activity.controller
            by_controller.setdefault(activity.controller.id, []).append((holding, activity))
    notices = []
    for controller_id in sorted(by_controller):
        pairs = by_controller[controller_id]
        held = [h for h, _ in pairs]
        notices.append(
            ControllerNotice(
                controller=controllers[controller_id],
                subjects=tuple(sorted({h.subject for h in held})),
                categories=tuple(sorted({c.key for h in held for c in h.categories})),
                systems=tuple(sorted({h.system_id for h in held})),
                activities=tuple(sorted({a.id for _, a in pairs})),
                records=records_upper_bound(held),
                duties=tuple(
                    processor_duties(graph, held, controllers[controller_id], request, scope_of)
                ),
            )
        )
    return notices, orphans


def processor_duties(
    graph: BreachGraph,
    holdings: list[Holding],
    controller: Organisation,
    request: BreachRequest,
    scope_of: dict[str, ScopeResult],
) -> list[Duty]:
    """What Preemptly owes one controller as its processor: under a regime, by the processor's
    establishment (or a data centre where the regime's effects principle reaches); under a
    state's law, when the controller's data subjects are in the state (`located`)."""
    duties = []
    for obligation in graph.obligations:
        if obligation.addressee != "CONTROLLER":
            continue
        jurisdiction = graph.jurisdictions[obligation.jurisdiction]
        scope = scope_of.get(obligation.jurisdiction)
        reasons: list[str] = []
        conditions: list[str] = []
        status = Status.REQUIRED
        if jurisdiction.area:
            hosted = jurisdiction.key in HOSTING_REACHES and any(
                set(graph.systems[h.system_id].hosted_in) & jurisdiction.area
                for h in holdings
                if h.system_id in graph.systems
            )
            if scope is not None and scope.scope is Scope.ESTABLISHED:
                reasons.append(f"the processor's establishment: {scope.reason}")
            elif hosted:
                reasons.append(
                    f"the data are hosted in {', '.join(sorted(jurisdiction.area))} "
                    f"({jurisdiction.reach})"
                )
            else:
                continue
        else:
            if request.kind.value not in obligation.kinds:
                continue
            elements = us_personal_information(holdings)
            if not elements:
                continue
            where = located(jurisdiction, residence(graph, holdings, [controller]))
            if where.scope is Scope.NONE:
                continue
            reasons.append("personal information under the state law: " + "; ".join(elements))
            reasons.append(f"the controller's data subjects: {where.reason}")
            if where.scope is Scope.UNKNOWN:
                status = Status.CONDITIONAL
                conditions.append(where.reason)
        exemptions = exemption_results(
            obligation, graph.exemptions, holdings, graph.systems, request.kind
        )
        duties.append(
            Duty(
                obligation,
                status,
                None,
                None,
                deadline_of(obligation, request.aware_at, {}),
                tuple(reasons),
                tuple(conditions),
                tuple(exemptions),
            )
        )
    return duties


# The whole impact


def breach_impact(graph: BreachGraph, request: BreachRequest) -> Impact:
    holdings = compromised_holdings(graph, request)
    own = [h for h in holdings if h.controller_role == "CONTROLLER"]
    here = residence(graph, own)
    scope_of = scopes(graph, own, here)
    risk = assess_risk(graph.risk_factors, own, graph.systems, graph.owner, request.kind)
    individual = individual_deadlines(graph.obligations, request.aware_at)
    duties = [
        duty
        for obligation in graph.obligations
        if obligation.addressee != "CONTROLLER"
        for duty in owner_duty(
            obligation,
            scope_of[obligation.jurisdiction],
            holdings=own,
            graph=graph,
            request=request,
            risk=risk,
            individual=individual,
            here=here,
        )
    ]
    notices, orphans = controller_notices(graph, holdings, request, scope_of)
    return Impact(
        aware_at=request.aware_at,
        kind=request.kind,
        systems=affected_systems(graph, request),
        organisations=graph.organisations,
        subjects=subjects_of(graph, holdings),
        controllers=notices,
        processor_data_without_controller=orphans,
        risk=risk,
        scopes=list(scope_of.values()),
        duties=duties,
        subjects_in_recorded=bool(here.markets) and not here.unrecorded,
        owner=graph.owner,
    )
