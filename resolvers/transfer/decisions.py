"""The transfer decision for one hop, and a path's verdict, as plain functions over plain data.

A hop carries one regime's personal data from an exporter organisation to an importer
organisation, towards one destination country. `decide_hop` follows `semantics.md` ("Deciding a
transfer hop") and `regulatory.md` section 11: adequacy, then an Art. 46 safeguard, then an Art. 49
derogation, otherwise blocked. Which countries are adequate, and on which condition, is data
(`RegimeRules`, read from the AdequacyDecision nodes); only the shape of the law is code here.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from functools import cached_property

from resolvers.categories import relevant
from resolvers.roles import CONTROLLER, PROCESSOR, PROCESSOR_ROLES


class Verdict(StrEnum):
    NOT_A_TRANSFER = "NOT_A_TRANSFER"
    ADEQUACY = "ADEQUACY"
    SAFEGUARD = "SAFEGUARD"
    DEROGATION = "DEROGATION"
    ACTION_REQUIRED = "ACTION_REQUIRED"
    EXPIRED = "EXPIRED"
    BLOCKED = "BLOCKED"


VERDICT_ORDER: tuple[Verdict, ...] = tuple(Verdict)
VERDICT_RANK: dict[Verdict, int] = {verdict: rank for rank, verdict in enumerate(VERDICT_ORDER)}


class Channel(StrEnum):
    """How a hop's data moves: along a flow, to the external operator of a system (OPERATION),
    down an engagement, by a remote access (charged to the organisation that has the access),
    or in a what-if check."""

    FLOW = "FLOW"
    OPERATION = "OPERATION"
    ENGAGEMENT = "ENGAGEMENT"
    REMOTE_ACCESS = "REMOTE_ACCESS"
    CHECK = "CHECK"


class Place(StrEnum):
    """How a hop's data reaches its country: a system hosted there, a system accessed from there,
    or the importer established there."""

    HOSTED_IN = "HOSTED_IN"
    ACCESSED_FROM = "ACCESSED_FROM"
    ESTABLISHED_IN = "ESTABLISHED_IN"


class Mechanism(StrEnum):
    """What kind of ground a hop's decision rests on: an adequacy decision, a recorded Art. 46
    safeguard (its tool is the safeguard's `type`), an Art. 49 derogation, or NONE (not a
    transfer, or no valid ground on record)."""

    ADEQUACY = "ADEQUACY"
    SAFEGUARD = "SAFEGUARD"
    DEROGATION = "DEROGATION"
    NONE = "NONE"


class TiaStatus(StrEnum):
    NOT_REQUIRED = "NOT_REQUIRED"
    DONE = "DONE"
    MISSING = "MISSING"
    NOT_ADEQUATE = "NOT_ADEQUATE"


SCC_MODULES: dict[tuple[str, str], int] = {
    (CONTROLLER, CONTROLLER): 1,
    (CONTROLLER, PROCESSOR): 2,
    (PROCESSOR, PROCESSOR): 3,
    (PROCESSOR, CONTROLLER): 4,
}

# What a BLOCKED hop rests on: the regime's rule that a transfer needs a Chapter V ground.
NO_GROUND = "no adequacy decision, Art. 46 safeguard or Art. 49 derogation on record"
OCCASIONAL_ONLY = "an Art. 49 derogation covers occasional, non-repetitive transfers only"
DEROGATION = "DEROGATION"
SPECIAL_WARNING = (
    "Art. 9 data crosses this hop: a safeguard for it needs a TIA, whatever the SCC module"
)


@dataclass(frozen=True)
class Tool:
    """How one regime treats one transfer tool (a Safeguard `type`), as the seeds say."""

    key: str
    name: str
    text_source: str | None
    article: str | None = None
    accepted: bool = True
    listed_only: bool = False
    modules: bool = False
    note: str | None = None


@dataclass(frozen=True)
class DpfCertification:
    framework: str
    status: str
    data_types: tuple[str, ...]
    certified_on: date | None = None
    expires_on: date | None = None

    def active(self, framework: str, data_type: str, on: date) -> bool:
        return (
            self.framework == framework
            and self.status == "ACTIVE"
            and data_type in self.data_types
            and (self.certified_on is None or self.certified_on <= on)
            and (self.expires_on is None or on <= self.expires_on)
        )


@dataclass(frozen=True)
class Party:
    """One legal entity, with what adequacy scopes test about it."""

    id: str
    country: str | None
    subject_to: tuple[str, ...] = ()
    dpf: tuple[DpfCertification, ...] = ()
    serves: tuple[str, ...] = ()


@dataclass(frozen=True)
class Adequacy:
    id: str
    instrument: str
    countries: frozenset[str]
    scope: str = "FULL"
    valid_from: date | None = None
    valid_until: date | None = None
    scope_law: str | None = None
    dpf_framework: str | None = None
    dpf_prerequisite: str | None = None
    risk_note: str | None = None
    source: str | None = None

    def in_force(self, on: date) -> bool:
        return self.valid_from is None or self.valid_from <= on

    def expired(self, on: date) -> bool:
        return self.valid_until is not None and on > self.valid_until


@dataclass(frozen=True)
class Safeguard:
    id: str
    type: str
    exporter_id: str
    importer_id: str
    module: int | None = None
    derogation: str | None = None
    regimes: tuple[str, ...] = ()
    signed_on: date | None = None
    expires_on: date | None = None
    tia_on: date | None = None
    tia_outcome: str | None = None
    supplementary_measures: tuple[str, ...] = ()

    def covers(self, regime: str) -> bool:
        return not self.regimes or regime in self.regimes

    def signed(self, on: date) -> bool:
        return self.signed_on is None or self.signed_on <= on

    def expired(self, on: date) -> bool:
        return self.expires_on is not None and on > self.expires_on

    @cached_property
    def other_pair(self) -> str:
        """The warning on a hop between other parties that this safeguard does not cover (made
        once: a map owner's safeguards are named on each of its thousands of hops without one)."""
        return (
            f"safeguard {self.id} ({self.type}) binds {self.exporter_id} → {self.importer_id}, "
            "not this hop's pair: a safeguard covers only the pair it was signed for"
        )


@dataclass(frozen=True)
class RegimeRules:
    """One regime as the graph holds it: its area and markets, its adequacy list, the tools it
    accepts and the article each verdict cites."""

    key: str
    area: frozenset[str]
    adequacy: tuple[Adequacy, ...] = ()
    tools: Mapping[str, Tool] = field(default_factory=dict)
    markets: frozenset[str] = frozenset()
    transfer_article: str = ""
    transfer_source: str | None = None
    not_a_transfer: str | None = None
    not_a_transfer_source: str | None = None
    adequacy_article: str = ""
    derogation_article: str = ""
    reach_article: str = ""

    def reaches(self, party: "Party") -> str | None:
        """Why the regime applies to `party`'s processing (established in the area, or serving
        one of its markets: Art. 3(2)(a) targeting), or None when it does not."""
        if party.country is not None and party.country in self.area:
            return f"{party.id} is established in {party.country}"
        served = sorted(m for m in party.serves if m in self.area or m in self.markets)
        if served:
            return f"{party.id} offers its services to {', '.join(served)} ({self.reach_article})"
        return None

    @cached_property
    def adequacy_by_country(self) -> dict[str, list[Adequacy]]:
        by_country: dict[str, list[Adequacy]] = defaultdict(list)
        for entry in self.adequacy:
            for country in entry.countries:
                by_country[country].append(entry)
        return by_country

    def adequacy_for(self, country: str) -> list[Adequacy]:
        return self.adequacy_by_country.get(country, [])


@dataclass(slots=True)
class Hop:
    """Data moving from `exporter` to `importer`, reaching `country` (by `via`).

    Hops, their decisions and paths are built tens of thousands of times per whole-map
    assessment: slotted and not frozen, since a frozen dataclass pays a `setattr` call per field."""

    id: str
    channel: Channel
    exporter: Party
    importer: Party
    exporter_role: str
    importer_role: str
    country: str | None
    via: tuple[Place, ...] = ()
    categories: tuple[str, ...] = ()
    special_category: bool = False
    hr_data: bool = False
    automated: bool = True
    authorisation_required: bool = False
    authorisation: str | None = None
    source: str | None = None
    target: str | None = None
    edge_id: str | None = None
    evidence: tuple[str, ...] = ()
    subjects: tuple[str, ...] | None = None
    """The data-subject kinds whose data it carries; None: it names none (any subject's)."""


@dataclass(slots=True)
class LegalBasis:
    article: str
    instrument: str | None = None
    instrument_id: str | None = None
    source: str | None = None


@dataclass(slots=True)
class HopDecision:
    hop: Hop
    verdict: Verdict
    legal_basis: LegalBasis
    evaluated_for: date
    scc_module: int | None = None
    recorded_scc_module: int | None = None
    tia_status: TiaStatus = TiaStatus.NOT_REQUIRED
    reason: str = ""
    warnings: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    mechanism: Mechanism = Mechanism.NONE
    """The kind of ground the decision rests on; NONE when it rests on none (not a transfer,
    blocked, or an expired ground)."""
    safeguard_type: str | None = None
    """The `type` (transfer tool key) of the recorded safeguard it rests on, for SAFEGUARD and
    DEROGATION."""


@dataclass(slots=True)
class PathDecision:
    """A chain of hops from where the regime's data sits to where it leaves; its verdict is the
    worst of its hops."""

    hops: tuple[HopDecision, ...]
    verdict: Verdict
    evaluated_for: date
    origin: str = ""
    """Where the regime's data starts on this path, and why the regime applies there."""

    @property
    def special_category(self) -> bool:
        return any(decision.hop.special_category for decision in self.hops)

    @property
    def last(self) -> HopDecision:
        return self.hops[-1]


def worst(verdicts: Iterable[Verdict]) -> Verdict:
    return max(verdicts, key=VERDICT_RANK.__getitem__, default=Verdict.NOT_A_TRANSFER)


def path_decision(hops: Sequence[HopDecision], as_of: date, origin: str = "") -> PathDecision:
    return PathDecision(
        hops=tuple(hops), verdict=worst(d.verdict for d in hops), evaluated_for=as_of, origin=origin
    )


def leaves(hop: Hop, rules: RegimeRules) -> bool:
    """Whether a path ending with `hop` is one by which the regime's data leaves its area: the hop
    reaches a country outside it, and either crosses to another organisation or is a move inside
    one organisation established in the area (recorded for security and the TIA). A move inside
    an organisation that is itself outside the area (reached by targeting) leaves nothing."""
    if hop.country in rules.area:
        return False
    return hop.exporter.id != hop.importer.id or hop.exporter.country in rules.area


def scc_module(exporter_role: str, importer_role: str) -> int:
    """The 2021/914 module the roles call for: C→C 1, C→P 2, P→P 3, P→C 4."""
    return SCC_MODULES[(contract_role(exporter_role), contract_role(importer_role))]


def contract_role(role: str) -> str:
    """A sub-processor is a processor for the SCCs; a third party is a controller."""
    return PROCESSOR if role in PROCESSOR_ROLES else CONTROLLER


def carries_special_category(categories: Iterable[str], special: Iterable[str]) -> bool:
    special_keys = tuple(special)
    return any(relevant(key, s) for key in categories for s in special_keys)


@dataclass
class _Findings:
    """What the checks learn about one hop on the way to its verdict."""

    warnings: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    expired: list[LegalBasis] = field(default_factory=list)


def decide_hop(
    hop: Hop,
    rules: RegimeRules,
    as_of: date,
    safeguards: Sequence[Safeguard] = (),
    others: Sequence[Safeguard] = (),
) -> HopDecision:
    """Decide one hop for `rules.key` on `as_of`, with `safeguards` recorded between its parties;
    `others` are safeguards one of its parties signed with someone else, which a hop without its
    own ground names (a safeguard covers only the pair it was signed for)."""
    warnings = [SPECIAL_WARNING] if hop.special_category else []
    if hop.exporter.id == hop.importer.id or (
        hop.country is not None and hop.country in rules.area
    ):
        reason = (
            "inside one legal entity; recorded for security and the TIA"
            if hop.exporter.id == hop.importer.id
            else f"{hop.country} is within the {rules.key} area"
        )
        return HopDecision(
            hop=hop,
            verdict=Verdict.NOT_A_TRANSFER,
            legal_basis=LegalBasis(
                rules.transfer_article, rules.not_a_transfer, None, rules.not_a_transfer_source
            ),
            evaluated_for=as_of,
            reason=reason,
            warnings=tuple(warnings),
        )
    found = _Findings(warnings=warnings)
    if hop.country is None:
        found.missing.append("the destination country")
    decision = (
        _by_adequacy(hop, rules, as_of, found)
        or _by_safeguard(hop, rules, as_of, safeguards, found)
        or _by_derogation(hop, rules, as_of, safeguards, found)
    )
    if decision is not None:
        return _finished(decision, found)
    found.warnings.extend([other.other_pair for other in others])
    if found.expired:
        verdict, basis = Verdict.EXPIRED, found.expired[0]
        reason = "the decision or safeguard on record is no longer valid"
        found.missing.append(
            f"a valid successor to {basis.instrument_id} ({basis.instrument}): renew it"
        )
    else:
        found.missing.extend(_what_would_do(hop, rules))
        verdict, reason = Verdict.BLOCKED, "nothing lawful is on record"
        basis = LegalBasis(rules.transfer_article, NO_GROUND, None, rules.transfer_source)
    return HopDecision(
        hop=hop,
        verdict=verdict,
        legal_basis=basis,
        evaluated_for=as_of,
        reason=reason,
        warnings=tuple(found.warnings),
        missing=tuple(found.missing),
    )


def _what_would_do(hop: Hop, rules: RegimeRules) -> list[str]:
    """What would make a blocked hop lawful under `rules`: the safeguard its roles call for, with
    the TIA it needs (an adequacy scope the importer misses is already among the findings)."""
    module = scc_module(hop.exporter_role, hop.importer_role)
    roles = f"{contract_role(hop.exporter_role)}→{contract_role(hop.importer_role)}"
    pair = f"{hop.exporter.id} → {hop.importer.id}"
    accepted = [t for t in rules.tools.values() if t.accepted and t.key != DEROGATION]
    tools = [
        (f"{t.key} module {module} ({roles})" if t.modules else t.key)
        + (f" listing {rules.key} in its regimes" if t.listed_only else "")
        for t in sorted(accepted, key=lambda t: (not t.modules, t.key))
    ]
    tia = not (module == 4 and not hop.special_category)
    needs = [
        f"an Art. 46 safeguard for {pair} valid for {rules.key} data: {' or '.join(tools)}"
        + (", with a transfer impact assessment" if tia else "")
        if tools
        else f"a transfer ground for {rules.key} data between {pair}"
    ]
    if DEROGATION in rules.tools:
        needs.append(
            f"or, for an occasional transfer only, a {rules.derogation_article} derogation"
        )
    return needs


def _finished(decision: HopDecision, found: _Findings) -> HopDecision:
    """Add the findings, and the controller's Art. 28(2) authorisation a sub-processor needs, to
    a decision just made for this hop (so it is changed in place: `dataclasses.replace` costs
    more than the rest of a decision)."""
    hop = decision.hop
    decision.warnings = tuple(found.warnings)
    if hop.authorisation_required and not hop.authorisation:
        decision.missing += ("the controller's Art. 28(2) authorisation of this sub-processor",)
        decision.verdict = worst([decision.verdict, Verdict.ACTION_REQUIRED])
    return decision


def _by_adequacy(hop: Hop, rules: RegimeRules, as_of: date, found: _Findings) -> HopDecision | None:
    if hop.country is None:
        return None
    for entry in rules.adequacy_for(hop.country):
        if not entry.in_force(as_of):
            continue
        basis = LegalBasis(rules.adequacy_article, entry.instrument, entry.id, entry.source)
        gap = scope_gap(entry, hop, as_of)
        if gap is not None:
            found.missing.append(gap)
            continue
        if entry.expired(as_of):
            found.expired.append(basis)
            found.warnings.append(f"adequacy {entry.id} ended on {entry.valid_until}")
            continue
        if entry.risk_note:
            found.warnings.append(entry.risk_note)
        return HopDecision(
            hop,
            Verdict.ADEQUACY,
            basis,
            as_of,
            reason=f"adequacy decision {entry.id}",
            mechanism=Mechanism.ADEQUACY,
        )
    return None


def scope_gap(entry: Adequacy, hop: Hop, as_of: date) -> str | None:
    """Why the importer falls outside the decision's scope, or None when it is inside."""
    importer = hop.importer
    if entry.scope == "RECIPIENT_SUBJECT_TO" and entry.scope_law not in importer.subject_to:
        return f"{entry.id} covers only recipients subject to {entry.scope_law}"
    if entry.scope == "PIHBO" and "APPI" not in importer.subject_to:
        return f"{entry.id} covers only personal information handling business operators (APPI)"
    if entry.scope == "AUTOMATED_TRANSFERS" and not hop.automated:
        return f"{entry.id} covers only automated transfers"
    if entry.scope == "DPF" and entry.dpf_framework is not None:
        return dpf_gap(entry, hop, as_of)
    return None


def dpf_gap(entry: Adequacy, hop: Hop, as_of: date) -> str | None:
    data_type = "HR" if hop.hr_data else "NON_HR"
    needed = [entry.dpf_framework or ""]
    if entry.dpf_prerequisite is not None:
        needed.append(entry.dpf_prerequisite)
    for name in needed:
        if not any(cert.active(name, data_type, as_of) for cert in hop.importer.dpf):
            held = sorted({c.framework for c in hop.importer.dpf if c.status == "ACTIVE"})
            holding = f" (it holds {', '.join(held)})" if held else ""
            return (
                f"{entry.id} needs an active {name} DPF certification of {hop.importer.id}"
                f" covering {data_type} data{holding}"
            )
    return None


def _by_safeguard(
    hop: Hop,
    rules: RegimeRules,
    as_of: date,
    safeguards: Sequence[Safeguard],
    found: _Findings,
) -> HopDecision | None:
    usable: list[tuple[Safeguard, Tool]] = []
    for safeguard in safeguards:
        if safeguard.type == DEROGATION:
            continue
        tool = rules.tools.get(safeguard.type)
        if tool is None or not tool.accepted:
            why = tool.note if tool is not None and tool.note else "not a tool this regime accepts"
            found.warnings.append(
                f"{safeguard.id} ({safeguard.type}) does not count for {rules.key} data: {why}"
            )
            continue
        listed = rules.key in safeguard.regimes
        if (tool.listed_only and not listed) or not safeguard.covers(rules.key):
            why = tool.note or f"it is recorded for {', '.join(safeguard.regimes)} data"
            found.warnings.append(
                f"{safeguard.id} ({safeguard.type}) does not count for {rules.key} data: {why}"
            )
            continue
        if not safeguard.signed(as_of):
            found.warnings.append(f"{safeguard.id} is signed only on {safeguard.signed_on}")
            continue
        if safeguard.expired(as_of):
            found.expired.append(_safeguard_basis(tool, safeguard))
            found.warnings.append(f"safeguard {safeguard.id} expired on {safeguard.expires_on}")
            continue
        usable.append((safeguard, tool))
    if not usable:
        return None
    decisions = [_safeguard_decision(hop, as_of, s, tool) for s, tool in usable]
    return min(decisions, key=lambda d: VERDICT_RANK[d.verdict])


def _safeguard_basis(tool: Tool, safeguard: Safeguard) -> LegalBasis:
    return LegalBasis(tool.article or "", tool.name, safeguard.id, tool.text_source)


def _safeguard_decision(hop: Hop, as_of: date, safeguard: Safeguard, tool: Tool) -> HopDecision:
    missing: list[str] = []
    module = scc_module(hop.exporter_role, hop.importer_role)
    is_scc = tool.modules
    if is_scc and safeguard.module is not None and safeguard.module != module:
        missing.append(
            f"SCC module {module} for {contract_role(hop.exporter_role)}→"
            f"{contract_role(hop.importer_role)} (module {safeguard.module} is on record)"
        )
    if is_scc and safeguard.module is None:
        missing.append(f"the SCC module on record (the roles call for module {module})")
    tia = tia_status(safeguard, module if is_scc else None, hop.special_category)
    verdict = Verdict.SAFEGUARD
    if tia is TiaStatus.MISSING:
        dated = (
            f" (a TIA dated {safeguard.tia_on} is on record with no outcome)"
            if safeguard.tia_on is not None
            else ""
        )
        missing.append(f"a transfer impact assessment (EDPB Recommendations 01/2020){dated}")
    if tia is TiaStatus.NOT_ADEQUATE:
        missing.append(
            "effective supplementary measures: the TIA found the protection not adequate"
        )
        verdict = Verdict.BLOCKED
    elif missing:
        verdict = Verdict.ACTION_REQUIRED
    return HopDecision(
        hop,
        verdict,
        _safeguard_basis(tool, safeguard),
        as_of,
        scc_module=module if is_scc else None,
        recorded_scc_module=safeguard.module if is_scc else None,
        tia_status=tia,
        reason=f"{safeguard.type} {safeguard.id}",
        missing=tuple(missing),
        mechanism=Mechanism.SAFEGUARD,
        safeguard_type=safeguard.type,
    )


def tia_status(safeguard: Safeguard, module: int | None, special_category: bool) -> TiaStatus:
    """A TIA is required for every Art. 46 tool, except SCC module 4 unless Art. 9 data moves. A
    TIA counts as done only with its outcome: a date alone is not an assessment."""
    if module == 4 and not special_category:
        return TiaStatus.NOT_REQUIRED
    if safeguard.tia_on is None or safeguard.tia_outcome is None:
        return TiaStatus.MISSING
    if safeguard.tia_outcome == "NOT_ADEQUATE":
        return TiaStatus.NOT_ADEQUATE
    return TiaStatus.DONE


def _by_derogation(
    hop: Hop,
    rules: RegimeRules,
    as_of: date,
    safeguards: Sequence[Safeguard],
    found: _Findings,
) -> HopDecision | None:
    tool = rules.tools.get(DEROGATION)
    if tool is None or not tool.accepted:
        return None
    for safeguard in safeguards:
        if safeguard.type != DEROGATION or not safeguard.covers(rules.key):
            continue
        if not safeguard.signed(as_of):
            continue
        basis = LegalBasis(
            tool.article or rules.derogation_article,
            tool.name,
            safeguard.derogation or safeguard.id,
            tool.text_source,
        )
        if safeguard.expired(as_of):
            found.expired.append(basis)
            continue
        found.warnings.append(OCCASIONAL_ONLY)
        return HopDecision(
            hop,
            Verdict.DEROGATION,
            basis,
            as_of,
            reason=f"derogation {basis.instrument_id}",
            mechanism=Mechanism.DEROGATION,
            safeguard_type=safeguard.type,
        )
    return None
