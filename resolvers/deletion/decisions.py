"""The deletion plan, decided over plain data: where the subject's data is (directly and as
downstream copies), the order to handle those systems in, the action each needs, whom to tell,
where Preemptly only acts on a controller's instruction, and what blocks the plan."""

import calendar
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

from resolvers.categories import relevant
from resolvers.deadlines import Deadline
from resolvers.deletion import references as refs
from resolvers.deletion.order import deletion_order
from resolvers.deletion.references import LegalReference
from resolvers.errors import MissingReferenceData
from resolvers.roles import CONTROLLER, PROCESSOR_ROLES
from resolvers.subjects import inferred as unnamed_note

AUTOMATED_METHODS = frozenset({"API", "AUTOMATIC_EXPIRY"})
MAX_ENGAGEMENT_HOPS = 4


@lru_cache(maxsize=4096)
def relevant_keys(keys: tuple[str, ...], targets: tuple[str, ...]) -> tuple[str, ...]:
    """The `keys` relevant to a target; cached, as a plan asks for the same few pairs thousands
    of times."""
    return tuple(sorted({key for key in keys if any(relevant(key, t) for t in targets)}))


@dataclass(frozen=True)
class Organisation:
    id: str
    legal_name: str
    is_self: bool = False


@dataclass(frozen=True)
class Obligation:
    id: str
    record_type: str
    period_years: int | None
    runs_from: str
    legal_reference: str
    exception_key: str | None = None
    exception: LegalReference | None = None
    exception_regime: str | None = None
    """The erasure exception the obligation names (a GDPR key: `GDPR-17-3-b`), as the graph holds
    it, and the regime it belongs to: it is cited under that regime only."""


@dataclass(frozen=True)
class Holding:
    """A Storage node: a system holding some of the subject's categories."""

    storage_id: str
    system_id: str
    categories: tuple[str, ...]
    retention_days: int | None = None
    on_erasure: str = "ERASE"
    collected_from_subject: bool = False
    made_public: bool = False
    controller_role: str = "CONTROLLER"
    obligations: tuple[Obligation, ...] = ()
    controllers: tuple[Organisation, ...] = ()


@dataclass(frozen=True)
class System:
    id: str
    name: str
    kind: str | None = None
    owner_team: str | None = None
    deletion_method: str | None = None
    identifiers: tuple[str, ...] = ()
    rotation_days: int | None = None
    backs_up: tuple[str, ...] = ()
    operator: Organisation | None = None
    operator_role: str | None = None

    @property
    def is_backup(self) -> bool:
        return self.kind == "BACKUP" or bool(self.backs_up)


@dataclass(frozen=True)
class Flow:
    id: str
    source: str
    target: str
    categories: tuple[str, ...]
    to_organisation: bool = False
    subjects: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Engagement:
    id: str
    engager: str
    engaged: str
    role: str
    service: str | None = None
    categories: tuple[str, ...] | None = None


@dataclass(frozen=True)
class ActivityUse:
    """A processing activity concerning the subject that runs on a system."""

    activity_id: str
    system_id: str
    categories: tuple[str, ...]


@dataclass
class DeletionGraph:
    """What graph/queries/deletion.py fetches for one subject."""

    holdings: list[Holding]
    systems: dict[str, System]
    flows: list[Flow]
    organisations: dict[str, Organisation]
    engagements: list[Engagement]
    rules: dict[str, list[LegalReference]] = field(default_factory=dict)
    """The plan's regime's provisions, by the part of the plan each serves."""
    regime: str = ""
    activities: list[ActivityUse] = field(default_factory=list)

    def rule(self, serves: str) -> LegalReference | None:
        """The regime's provision for one part of the plan, or None where it has none."""
        found = self.rules.get(serves)
        return found[0] if found else None

    def reference(self, serves: str) -> LegalReference:
        """The regime's provision for a part it must cite: a missing one stops the plan rather
        than go uncited."""
        found = self.rule(serves)
        if found is None:
            raise MissingReferenceData(
                f"the graph holds no {serves} provision of regime {self.regime!r}; load the "
                "reference seeds (datamap seed)"
            )
        return found


@dataclass(frozen=True)
class PlanRequest:
    regime: str
    as_of: date
    record_date: date
    categories: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Reason:
    path: tuple[str, ...]
    rule: str
    reference: LegalReference | None = None


@dataclass
class Action:
    system_id: str
    kind: str
    categories: tuple[str, ...]
    method: str | None
    reasons: list[Reason]
    until: date | None = None
    obligation: Obligation | None = None
    reference: LegalReference | None = None


@dataclass
class Step:
    position: int
    system_ids: tuple[str, ...]
    simultaneous: bool
    actions: list[Action]
    reasons: list[Reason]


@dataclass
class Notification:
    recipient: Organisation | None
    role: str
    categories: tuple[str, ...]
    reference: LegalReference
    reasons: list[Reason]


@dataclass(frozen=True)
class Blocker:
    kind: str
    system_id: str
    categories: tuple[str, ...]
    detail: str
    cleared_by: str
    """The mutation and field that clear it."""


OWNER_FIELD = "updateSystem.ownerTeam (or registerSystem.ownerTeam)"
DELETION_METHOD_FIELD = "updateSystem.deletionMethod (or registerSystem.deletionMethod)"
ROTATION_FIELD = "updateSystem.rotationDays (or registerSystem.rotationDays)"
RETENTION_FIELD = "registerStorage.retentionDays (or registerStorage.retentionObligation)"
IDENTIFIERS_FIELD = "updateSystem.identifiers (or registerSystem.identifiers)"


@dataclass
class ProcessorDuty:
    controllers: tuple[Organisation, ...]
    categories: tuple[str, ...]
    instruction: str
    reference: LegalReference
    steps: list[Step]
    notifications: list[Notification]


@dataclass
class Unplanned:
    """A system where the subject's data is processed (as the access plan finds it) that the
    plan neither erases nor keeps, and why."""

    system_id: str
    categories: tuple[str, ...]
    reasons: list[Reason]
    cleared_by: str


@dataclass
class Plan:
    as_of: date
    steps: list[Step]
    notifications: list[Notification]
    blockers: list[Blocker]
    processor_duties: list[ProcessorDuty]
    grounds: list[LegalReference] = field(default_factory=list)
    """What the request rests on in the regime's own law (Art. 17 GDPR, Art. 17 UK GDPR,
    § 1798.105 CCPA; under the FADP, which has no general erasure right, Art. 6(4), 30(2)(b),
    32(2)(c) and 6(5))."""
    unplanned: list[Unplanned] = field(default_factory=list)
    systems: dict[str, System] = field(default_factory=dict)
    """The systems the plan names, for the analyst's working plan (owner, identifiers)."""
    deadline: Deadline | None = None
    """When the answer is due, for a request received on a given day, by the regime's period."""


def retention_end(obligation: Obligation, record_date: date) -> date | None:
    """The last day of the hold; None when the rule keeps the record indefinitely. A German
    HGB/AO period runs from the end of the calendar year of the record: a 2020 invoice kept for 8
    years is held until 2028-12-31."""
    if obligation.period_years is None:
        return None
    if obligation.runs_from == "END_OF_CALENDAR_YEAR":
        return date(record_date.year + obligation.period_years, 12, 31)
    year = record_date.year + obligation.period_years
    day = min(record_date.day, calendar.monthrange(year, record_date.month)[1])
    return date(year, record_date.month, day)


@dataclass
class Trace:
    """Where one part of the plan reaches: categories per system and the path that led there."""

    categories: dict[str, set[str]]
    paths: dict[str, tuple[str, ...]]
    edges: dict[str, dict[str, str]]
    unnamed: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Per system, the flows on its path that name no data subject: a copy inferred from
    categories alone."""


def trace(graph: DeletionGraph, holdings: list[Holding], targets: tuple[str, ...]) -> Trace:
    """Follow flows carrying a targeted category from every holding system, breadth first from
    the collection points, then add the backups of what was reached."""
    flows_from: dict[str, list[Flow]] = {}
    for flow in graph.flows:
        if not flow.to_organisation:
            flows_from.setdefault(flow.source, []).append(flow)
    categories: dict[str, set[str]] = {}
    paths: dict[str, tuple[str, ...]] = {}
    ordered = sorted(holdings, key=lambda h: (not h.collected_from_subject, h.system_id))
    unnamed: dict[str, tuple[str, ...]] = {}
    for holding in ordered:
        categories.setdefault(holding.system_id, set()).update(holding.categories)
        paths.setdefault(holding.system_id, (holding.system_id,))
        unnamed.setdefault(holding.system_id, ())
    queue = deque(dict.fromkeys(h.system_id for h in ordered))
    edges: dict[str, dict[str, str]] = {}
    while queue:
        source = queue.popleft()
        for flow in flows_from.get(source, ()):
            carried = relevant_keys(flow.categories, targets)
            if not carried or flow.target not in graph.systems:
                continue
            edges.setdefault(source, {})[flow.target] = f"flow {flow.id}"
            categories.setdefault(flow.target, set()).update(carried)
            if flow.target not in paths:
                paths[flow.target] = (*paths[source], flow.target)
                unnamed[flow.target] = (
                    (*unnamed[source], flow.id) if flow.subjects is None else unnamed[source]
                )
                queue.append(flow.target)
    for system in sorted(graph.systems.values(), key=lambda s: s.id):
        for source in system.backs_up:
            if source in paths:
                edges.setdefault(source, {})[system.id] = "backup"
                categories.setdefault(system.id, set()).update(categories[source])
                paths.setdefault(system.id, (*paths[source], system.id))
                unnamed.setdefault(system.id, unnamed[source])
    return Trace(categories, paths, edges, unnamed)


def inferred(reached: Trace, system_id: str) -> str:
    """What a copy's reason adds when a flow on its path names no data subject."""
    return unnamed_note(reached.unnamed.get(system_id, ()), "flow ")


def base_action(system: System, on_erasure: str) -> str:
    if on_erasure == "ANONYMISE":
        return "ANONYMISE"
    return "ERASE" if system.deletion_method in AUTOMATED_METHODS else "MANUAL"


def method_rule(system: System, kind: str) -> str:
    if kind == "MANUAL":
        method = system.deletion_method or "unknown"
        return f"{system.id} has no automated deletion method (deletion method: {method})"
    if kind == "ANONYMISE":
        return "the model says this storage is anonymised on erasure"
    return f"erase through the system's deletion method {system.deletion_method}"


def hold_action(
    graph: DeletionGraph,
    request: PlanRequest,
    holding: Holding,
    path: tuple[str, ...],
) -> tuple[Action | None, list[Reason]]:
    """RESTRICT while a retention obligation still holds the data; otherwise the reasons that
    say which holds have ended."""
    active: list[tuple[Obligation, date | None]] = []
    ended: list[Reason] = []
    for obligation in holding.obligations:
        end = retention_end(obligation, request.record_date)
        rule = (
            f"{obligation.id} ({obligation.record_type}, {obligation.legal_reference}): "
            f"{obligation.period_years} years from {obligation.runs_from} of the record of "
            f"{request.record_date.isoformat()}"
        )
        if end is None or request.as_of <= end:
            active.append((obligation, end))
        else:
            ended.append(Reason(path, f"{rule}; the hold ended on {end.isoformat()}"))
    if not active:
        return None, ended
    obligation, until = max(active, key=lambda pair: pair[1] or date.max)
    reference = hold_reference(graph, obligation)
    end_text = until.isoformat() if until else "no end"
    reasons = [
        Reason(
            path,
            f"storage {holding.storage_id} is retained under {o.id} until "
            f"{e.isoformat() if e else 'no end'}",
            reference,
        )
        for o, e in active
    ]
    reasons.append(Reason(path, f"restrict processing until {end_text}, then erase", reference))
    action = Action(
        system_id=holding.system_id,
        kind="RESTRICT",
        categories=holding.categories,
        method=None,
        reasons=reasons,
        until=until,
        obligation=obligation,
        reference=reference,
    )
    return action, ended


def hold_reference(graph: DeletionGraph, obligation: Obligation) -> LegalReference:
    """The exception a retention hold rests on: the one the obligation names when it belongs to
    the plan's regime, else the regime's own legal-obligation exception. A named exception the
    graph does not hold stops the plan."""
    if obligation.exception_key is not None and obligation.exception is None:
        raise MissingReferenceData(
            f"the graph holds no legal reference {obligation.exception_key!r} (named by retention "
            f"obligation {obligation.id}); load the reference seeds (datamap seed)"
        )
    if obligation.exception is not None and obligation.exception_regime == graph.regime:
        return obligation.exception
    return graph.reference(refs.LEGAL_OBLIGATION_HOLD)


def system_actions(
    graph: DeletionGraph,
    request: PlanRequest,
    system: System,
    holdings: list[Holding],
    reached: Trace,
) -> list[Action]:
    path = reached.paths[system.id]
    held = tuple(sorted(reached.categories[system.id]))
    if system.is_backup:
        until = (
            request.as_of + timedelta(days=system.rotation_days)
            if system.rotation_days is not None
            else None
        )
        reference = graph.rule(refs.BACKUP_DELAY)
        rotation = f"{system.rotation_days} days" if system.rotation_days is not None else "?"
        rule = (
            f"backup of {', '.join(system.backs_up)}: not erased in place; the data is kept "
            f"beyond use until the backup rotates ({rotation})"
        )
        return [
            Action(
                system.id,
                "EXPIRE_FROM_BACKUP",
                held,
                system.deletion_method,
                [Reason(path, rule, reference)],
                until=until,
                reference=reference,
            )
        ]
    actions: list[Action] = []
    covered: set[str] = set()
    for holding in sorted(holdings, key=lambda h: h.storage_id):
        covered.update(holding.categories)
        restrict, ended = hold_action(graph, request, holding, path)
        if restrict is not None:
            actions.append(restrict)
            continue
        kind = base_action(system, holding.on_erasure)
        rule = f"storage {holding.storage_id} holds the subject's data; {method_rule(system, kind)}"
        actions.append(
            Action(
                system.id,
                kind,
                holding.categories,
                system.deletion_method,
                [Reason(path, rule), *ended],
            )
        )
    copied = tuple(key for key in held if key not in covered)
    if copied:
        kind = base_action(system, "ERASE")
        via = " -> ".join(path)
        rule = (
            f"downstream copy reached by flows {via}{inferred(reached, system.id)}; "
            f"{method_rule(system, kind)}"
        )
        actions.append(
            Action(system.id, kind, copied, system.deletion_method, [Reason(path, rule)])
        )
    return actions


def feeders(reached: Trace) -> dict[str, list[tuple[str, str]]]:
    """Per system, the systems whose edge enters it and how (`Trace.edges` turned round)."""
    into: dict[str, list[tuple[str, str]]] = {}
    for source, targets in reached.edges.items():
        for target, via in targets.items():
            into.setdefault(target, []).append((source, via))
    return into


def order_reasons(
    component: tuple[str, ...], into: dict[str, list[tuple[str, str]]]
) -> list[Reason]:
    """Why `component` comes where it does: its cycle, and each edge from outside into it
    (`feeders`), by source and then target."""
    members = set(component)
    reasons: list[Reason] = []
    if len(component) > 1:
        reasons.append(
            Reason(
                component,
                "these systems copy into each other (a cycle): handle them "
                "simultaneously so none re-creates the data in another",
            )
        )
    entering = sorted(
        (source, target, via)
        for target in members
        for source, via in into.get(target, ())
        if source not in members
    )
    reasons.extend(
        Reason(
            (source, target),
            f"after {source}, which feeds {target} by {via}, so it cannot re-create the data",
        )
        for source, target, via in entering
    )
    return reasons


def build_steps(
    graph: DeletionGraph,
    request: PlanRequest,
    holdings: list[Holding],
    reached: Trace,
) -> list[Step]:
    holdings_in: dict[str, list[Holding]] = {}
    for holding in holdings:
        holdings_in.setdefault(holding.system_id, []).append(holding)
    order = deletion_order(reached.paths, reached.edges)
    into = feeders(reached)
    steps: list[Step] = []
    for position, component in enumerate(order, start=1):
        actions = [
            action
            for system_id in component
            for action in system_actions(
                graph, request, graph.systems[system_id], holdings_in.get(system_id, []), reached
            )
        ]
        steps.append(
            Step(position, component, len(component) > 1, actions, order_reasons(component, into))
        )
    return steps


def notice_reference(graph: DeletionGraph, role: str) -> LegalReference:
    """The regime's duty to tell a recipient: one for every recipient (GDPR Art. 19), or one
    for service providers and one for third parties (11 CCR § 7022(b)(2), (3))."""
    every = graph.rule(refs.RECIPIENT_NOTICE)
    if every is not None:
        return every
    if role in PROCESSOR_ROLES:
        return graph.reference(refs.SERVICE_PROVIDER_NOTICE)
    return graph.reference(refs.THIRD_PARTY_NOTICE)


def build_notifications(
    graph: DeletionGraph,
    reached: Trace,
    targets: tuple[str, ...],
    reference_of: Callable[[str], LegalReference],
) -> list[Notification]:
    """Every external organisation the data reached: operators of systems holding it, recipients
    of flows to an organisation, then down their engagements. `reference_of` gives the rule for
    a recipient's role."""
    found: dict[str, Notification] = {}
    queue: deque[tuple[str, tuple[str, ...], tuple[str, ...], int]] = deque()

    def notify(
        org_id: str, role: str, categories: tuple[str, ...], reason: Reason, hops: int = 0
    ) -> None:
        organisation = graph.organisations.get(org_id)
        if organisation is None or organisation.is_self:
            return
        notice = found.get(org_id)
        if notice is None:
            notice = found[org_id] = Notification(organisation, role, (), reference_of(role), [])
        if reason not in notice.reasons:
            notice.reasons.append(reason)
        if not set(categories) <= set(notice.categories):
            notice.categories = tuple(sorted({*notice.categories, *categories}))
            queue.append((org_id, categories, reason.path, hops))

    for system_id in sorted(reached.paths):
        system = graph.systems[system_id]
        if system.operator is None:
            continue
        role = system.operator_role or "PROCESSOR"
        notify(
            system.operator.id,
            role,
            tuple(sorted(reached.categories[system_id])),
            Reason(
                (*reached.paths[system_id], system.operator.id),
                f"{system.operator.id} operates {system_id}, which holds the data, as {role}",
            ),
        )
    for flow in sorted(graph.flows, key=lambda f: f.id):
        carried = relevant_keys(flow.categories, targets)
        if flow.to_organisation and flow.source in reached.paths and carried:
            notify(
                flow.target,
                "THIRD_PARTY",
                carried,
                Reason(
                    (*reached.paths[flow.source], flow.target),
                    f"flow {flow.id} discloses the data to {flow.target}",
                ),
            )
    engaged_by: dict[str, list[Engagement]] = {}
    for engagement in sorted(graph.engagements, key=lambda e: e.id):
        engaged_by.setdefault(engagement.engager, []).append(engagement)
    while queue:
        org_id, categories, path, hops = queue.popleft()
        if hops >= MAX_ENGAGEMENT_HOPS:
            continue
        for engagement in engaged_by.get(org_id, ()):
            scoped = (
                categories
                if engagement.categories is None
                else relevant_keys(categories, engagement.categories)
            )
            if not scoped or engagement.engaged in path:
                continue
            service = f" for {engagement.service}" if engagement.service else ""
            notify(
                engagement.engaged,
                engagement.role,
                scoped,
                Reason(
                    (*path, engagement.engaged),
                    f"{org_id} engages {engagement.engaged} as {engagement.role}{service}",
                ),
                hops + 1,
            )
    return sorted(found.values(), key=lambda n: n.recipient.id if n.recipient else "")


def public_notices(graph: DeletionGraph, holdings: list[Holding]) -> list[Notification]:
    """Art. 17(2): where the data was made public, tell the controllers that copied it."""
    reference = graph.reference(refs.PUBLIC_NOTICE)
    rule = (
        "the data was made public: take reasonable steps to inform the controllers processing "
        "it to erase links, copies or replications"
    )
    return [
        Notification(
            None,
            CONTROLLER,
            holding.categories,
            reference,
            [Reason((holding.system_id,), f"storage {holding.storage_id}: {rule}", reference)],
        )
        for holding in sorted(holdings, key=lambda h: h.storage_id)
        if holding.made_public
    ]


def findable_systems(graph: DeletionGraph, request: PlanRequest) -> set[str]:
    """The systems a flow reaches from a collection point or from a system the subject can be
    searched in by identifier, over all of the subject's data (controller and processor parts)."""
    everything = trace(graph, graph.holdings, targets_of(request, graph.holdings))
    entry_points = {
        h.system_id
        for h in graph.holdings
        if h.collected_from_subject or graph.systems[h.system_id].identifiers
    }
    return reachable(sorted(entry_points), everything.edges)


def build_blockers(graph: DeletionGraph, reached: Trace, findable: set[str]) -> list[Blocker]:
    """What must be settled before anyone starts in the systems a part of the plan reaches: no
    owner, no deletion method, unknown retention, and data that neither an identifier nor a
    `findable` path leads to. Retention is known from any of the subject's storages in a
    system, whichever part of the plan it belongs to."""
    blockers: list[Blocker] = []
    holdings_in: dict[str, list[Holding]] = {}
    for holding in graph.holdings:
        holdings_in.setdefault(holding.system_id, []).append(holding)
    for system_id in sorted(reached.paths):
        system = graph.systems[system_id]
        held = tuple(sorted(reached.categories[system_id]))
        if not system.owner_team:
            blockers.append(
                Blocker("NO_OWNER", system_id, held, f"{system_id} has no owner team", OWNER_FIELD)
            )
        if system.is_backup:
            if system.rotation_days is None:
                blockers.append(
                    Blocker(
                        "UNKNOWN_RETENTION",
                        system_id,
                        held,
                        f"backup {system_id} has no rotation period",
                        ROTATION_FIELD,
                    )
                )
            continue
        if system.deletion_method in (None, "NONE"):
            method = system.deletion_method or "unknown"
            blockers.append(
                Blocker(
                    "NO_DELETION_METHOD",
                    system_id,
                    held,
                    f"{system_id} has no deletion method ({method})",
                    DELETION_METHOD_FIELD,
                )
            )
        here = holdings_in.get(system_id, [])
        unknown = [h for h in here if h.retention_days is None and not h.obligations]
        if unknown or not here:
            detail = (
                "retention unknown for storage " + ", ".join(h.storage_id for h in unknown)
                if here
                else f"downstream copy in {system_id} has no storage record, so no retention"
            )
            categories = tuple(sorted({c for h in unknown for c in h.categories})) or held
            blockers.append(
                Blocker("UNKNOWN_RETENTION", system_id, categories, detail, RETENTION_FIELD)
            )
        if here and system_id not in findable and not system.identifiers:
            categories = tuple(sorted({c for h in here for c in h.categories}))
            blockers.append(
                Blocker(
                    "UNREACHABLE",
                    system_id,
                    categories,
                    f"{system_id} holds the data, but has no identifier to find the subject "
                    "by, and no flow reaches it from a collection point or a searchable system",
                    IDENTIFIERS_FIELD,
                )
            )
    return blockers


def reachable(starts: Iterable[str], edges: dict[str, dict[str, str]]) -> set[str]:
    seen = set(starts)
    queue = deque(seen)
    while queue:
        for target in edges.get(queue.popleft(), {}):
            if target not in seen:
                seen.add(target)
                queue.append(target)
    return seen


def targets_of(request: PlanRequest, holdings: list[Holding]) -> tuple[str, ...]:
    if request.categories is not None:
        return request.categories
    return tuple(sorted({c for h in holdings for c in h.categories}))


def plan_part(
    graph: DeletionGraph,
    request: PlanRequest,
    holdings: list[Holding],
    reference_of: Callable[[str], LegalReference],
) -> tuple[list[Step], list[Notification], Trace]:
    targets = targets_of(request, holdings)
    reached = trace(graph, holdings, targets)
    steps = build_steps(graph, request, holdings, reached)
    return steps, build_notifications(graph, reached, targets, reference_of), reached


def plan_deletion(graph: DeletionGraph, request: PlanRequest) -> Plan:
    """The whole plan: Preemptly's own steps as controller, one duty per controller where
    Preemptly is a processor, and the blockers over both."""
    own = [h for h in graph.holdings if h.controller_role != "PROCESSOR"]
    steps, notifications, reached = plan_part(
        graph, request, own, lambda role: notice_reference(graph, role)
    )
    if graph.rule(refs.PUBLIC_NOTICE) is not None:
        notifications.extend(public_notices(graph, own))
    findable = findable_systems(graph, request)
    blockers = build_blockers(graph, reached, findable)
    planned = set(reached.paths)
    by_controllers: dict[tuple[Organisation, ...], list[Holding]] = {}
    for holding in graph.holdings:
        if holding.controller_role == "PROCESSOR":
            by_controllers.setdefault(holding.controllers, []).append(holding)
    reference = graph.reference(refs.PROCESSOR_ASSISTANCE)
    duties: list[ProcessorDuty] = []
    for controllers, held in sorted(by_controllers.items(), key=lambda i: [c.id for c in i[0]]):
        duty_steps, duty_notices, duty_reached = plan_part(
            graph, request, held, lambda role: reference
        )
        names = ", ".join(c.legal_name for c in controllers) or "the customer (not recorded)"
        duties.append(
            ProcessorDuty(
                controllers=controllers,
                categories=tuple(sorted({c for h in held for c in h.categories})),
                instruction=(
                    f"Preemptly processes this data as a processor: the request belongs to "
                    f"{names} as controller. Forward it to the controller and, when instructed, "
                    "carry out these steps and pass the instruction to these sub-processors."
                ),
                reference=reference,
                steps=duty_steps,
                notifications=duty_notices,
            )
        )
        known = set(blockers)
        blockers.extend(b for b in build_blockers(graph, duty_reached, findable) if b not in known)
        planned |= set(duty_reached.paths)
    return Plan(
        request.as_of,
        steps,
        notifications,
        blockers,
        duties,
        graph.rules.get(refs.ERASURE_RIGHT, []),
        unplanned_systems(graph, planned),
        graph.systems,
    )


STORAGE_FIELDS = (
    "registerStorage (systemId, subject, categories, retentionDays or retentionObligation, "
    "onErasure)"
)


def unplanned_systems(graph: DeletionGraph, planned: set[str]) -> list[Unplanned]:
    """The systems an activity concerning the subject runs on, and those flows reach from them,
    that no part of the plan reaches: the access plan lists them, so the deletion plan says
    why it does nothing there."""
    uses = [
        Holding(storage_id=use.activity_id, system_id=use.system_id, categories=use.categories)
        for use in graph.activities
        if use.system_id in graph.systems
    ]
    if not uses:
        return []
    reached = trace(graph, uses, tuple(sorted({c for use in uses for c in use.categories})))
    activities: dict[str, list[str]] = {}
    for use in uses:
        activities.setdefault(use.system_id, []).append(use.storage_id)
    found: list[Unplanned] = []
    for system_id in sorted(set(reached.paths) - planned):
        path = reached.paths[system_id]
        held = tuple(sorted(reached.categories[system_id]))
        if system_id in activities:
            names = ", ".join(sorted(activities[system_id]))
            rule = (
                f"activity {names} processes the subject's data in {system_id}, but no storage "
                "of the subject is recorded there, so this plan neither erases nor keeps it"
            )
        elif graph.systems[system_id].is_backup:
            rule = (
                f"backup of {', '.join(graph.systems[system_id].backs_up)}, where the subject's "
                "data is processed but no storage of the subject is recorded"
            )
        else:
            rule = (
                f"copy reached by flows {' -> '.join(path)}{inferred(reached, system_id)} from "
                f"{path[0]}, where an activity processes the subject's data without a storage "
                "record, so this plan neither erases nor keeps it"
            )
        found.append(Unplanned(system_id, held, [Reason(path, rule)], STORAGE_FIELDS))
    return found
