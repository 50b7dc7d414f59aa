"""The transfer decision for one hop, and a path's verdict, as plain functions over plain data.

A hop carries one regime's personal data from an exporter organisation to an importer
organisation, towards one destination country. `decide_hop` follows `semantics.md` ("Deciding a
transfer hop") and `regulatory.md` section 11: adequacy, then an Art. 46 safeguard, then an Art. 49
derogation, otherwise blocked. Which countries are adequate, and on which condition, is data
(`RegimeRules`, read from the AdequacyDecision nodes); only the shape of the law is code here.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
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

# The Art. 46 tools each regime accepts (regulatory.md 3.2, 4.1, 4.2).
SAFEGUARD_TYPES: dict[str, frozenset[str]] = {
    "EU": frozenset({"SCC", "BCR", "CODE_OF_CONDUCT", "CERTIFICATION"}),
    "UK": frozenset({"IDTA", "UK_ADDENDUM", "BCR"}),
    "CH": frozenset({"SWISS_SCC", "SCC", "BCR"}),
}
SCC_TYPES = frozenset({"SCC", "UK_ADDENDUM", "SWISS_SCC"})

ARTICLES: dict[str, dict[str, str]] = {
    "EU": {
        "NONE": "GDPR Art. 44; EDPB Guidelines 05/2021",
        "ADEQUACY": "GDPR Art. 45",
        "SCC": "GDPR Art. 46(2)(c)",
        "BCR": "GDPR Art. 46(2)(b), Art. 47",
        "CODE_OF_CONDUCT": "GDPR Art. 46(2)(e)",
        "CERTIFICATION": "GDPR Art. 46(2)(f)",
        "DEROGATION": "GDPR Art. 49(1)",
    },
    "UK": {
        "NONE": "UK GDPR Art. 44",
        "ADEQUACY": "UK GDPR Art. 45A (DUAA 2025 s.85)",
        "IDTA": "UK GDPR Art. 46(2)(d); DPA 2018 s.119A",
        "UK_ADDENDUM": "UK GDPR Art. 46(2)(d); DPA 2018 s.119A",
        "BCR": "UK GDPR Art. 46(2)(b), Art. 47",
        "DEROGATION": "UK GDPR Art. 49(1)",
    },
    "CH": {
        "NONE": "FADP Art. 16",
        "ADEQUACY": "FADP Art. 16(1); DPO Annex 1",
        "SWISS_SCC": "FADP Art. 16(2)(d)",
        "SCC": "FADP Art. 16(2)(d)",
        "BCR": "FADP Art. 16(2)(e)",
        "DEROGATION": "FADP Art. 17",
    },
}

INSTRUMENTS: dict[str, tuple[str, str]] = {
    "SCC": (
        "Commission Implementing Decision (EU) 2021/914 (SCCs)",
        "https://eur-lex.europa.eu/legal-content/PL/ALL/?uri=uriserv%3AOJ.L_.2021.199.01.0031.01.ENG",
    ),
    "SWISS_SCC": (
        "EU SCCs 2021/914 with the FDPIC's Swiss adaptations (27.08.2021)",
        "https://legacy.dataguidance.com/jurisdiction/switzerland",
    ),
    "IDTA": (
        "ICO International Data Transfer Agreement A.1.0",
        "https://ico.org.uk/for-organisations/uk-gdpr-guidance-and-resources/international-transfers/international-data-transfer-agreement-and-guidance/",
    ),
    "UK_ADDENDUM": (
        "ICO International Data Transfer Addendum B.1.0 to the EU SCCs",
        "https://ico.org.uk/for-organisations/uk-gdpr-guidance-and-resources/international-transfers/international-data-transfer-agreement-and-guidance/",
    ),
    "BCR": ("Binding corporate rules approved by the competent authority", "GDPR Art. 47"),
    "CODE_OF_CONDUCT": (
        "Approved code of conduct with binding importer commitments",
        "GDPR Art. 40",
    ),
    "CERTIFICATION": ("Approved certification with binding importer commitments", "GDPR Art. 42"),
    "DEROGATION": (
        "EDPB Guidelines 2/2018 on Art. 49 derogations",
        "https://privacad.com/derogations-of-article-49-gdpr/",
    ),
    "NONE": (
        "EDPB Guidelines 05/2021 on the interplay between Art. 3 and Chapter V",
        "https://edpb.europa.eu",
    ),
}

# What a BLOCKED hop rests on: the regime's rule that a transfer needs a Chapter V ground.
NO_GROUND = "no adequacy decision, Art. 46 safeguard or Art. 49 derogation on record"
CHAPTER_V_SOURCES: dict[str, str] = {
    "EU": "https://eur-lex.europa.eu/eli/reg/2016/679/oj",
    "UK": "https://www.legislation.gov.uk/eur/2016/679/chapter/V",
    "CH": "https://www.fedlex.admin.ch/eli/cc/2022/491/en",
}

# The UK Extension is open only to participants of the EU-US DPF (regulatory.md 4.3).
DPF_PREREQUISITES: dict[str, str] = {"UK_EXTENSION": "EU_US"}

OCCASIONAL_ONLY = "an Art. 49 derogation covers occasional, non-repetitive transfers only"


@dataclass(frozen=True)
class DpfCertification:
    framework: str
    status: str
    data_types: tuple[str, ...]
    certified_on: date | None = None


@dataclass(frozen=True)
class Party:
    """One legal entity, with what adequacy scopes test about it."""

    id: str
    country: str | None
    subject_to: tuple[str, ...] = ()
    dpf: tuple[DpfCertification, ...] = ()


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


@dataclass(frozen=True)
class RegimeRules:
    """One regime's area and adequacy list, as the graph holds them."""

    key: str
    area: frozenset[str]
    adequacy: tuple[Adequacy, ...] = ()

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
    channel: str
    exporter: Party
    importer: Party
    exporter_role: str
    importer_role: str
    country: str | None
    via: tuple[str, ...] = ()
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


@dataclass(slots=True)
class PathDecision:
    """A chain of hops from where the regime's data sits to where it leaves; its verdict is the
    worst of its hops."""

    hops: tuple[HopDecision, ...]
    verdict: Verdict
    evaluated_for: date

    @property
    def special_category(self) -> bool:
        return any(decision.hop.special_category for decision in self.hops)

    @property
    def last(self) -> HopDecision:
        return self.hops[-1]


def worst(verdicts: Iterable[Verdict]) -> Verdict:
    return max(verdicts, key=VERDICT_RANK.__getitem__, default=Verdict.NOT_A_TRANSFER)


def path_decision(hops: Sequence[HopDecision], as_of: date) -> PathDecision:
    return PathDecision(
        hops=tuple(hops), verdict=worst(d.verdict for d in hops), evaluated_for=as_of
    )


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
    hop: Hop, rules: RegimeRules, as_of: date, safeguards: Sequence[Safeguard] = ()
) -> HopDecision:
    """Decide one hop for `rules.key` on `as_of`, with `safeguards` recorded between its parties."""
    articles = ARTICLES[rules.key]
    warnings = ["Art. 9 data: the transfer needs a TIA"] if hop.special_category else []
    if hop.exporter.id == hop.importer.id or (
        hop.country is not None and hop.country in rules.area
    ):
        instrument, source = INSTRUMENTS["NONE"]
        reason = (
            "inside one legal entity; recorded for security and the TIA"
            if hop.exporter.id == hop.importer.id
            else f"{hop.country} is within the {rules.key} area"
        )
        return HopDecision(
            hop=hop,
            verdict=Verdict.NOT_A_TRANSFER,
            legal_basis=LegalBasis(articles["NONE"], instrument, None, source),
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
    if found.expired:
        verdict, basis, reason = (
            Verdict.EXPIRED,
            found.expired[0],
            "the decision or safeguard on record is no longer valid",
        )
    else:
        found.missing.append(
            f"an adequacy decision, an Art. 46 safeguard or an Art. 49 derogation for {rules.key}"
            " data"
        )
        verdict, basis, reason = (
            Verdict.BLOCKED,
            LegalBasis(articles["NONE"], NO_GROUND, None, CHAPTER_V_SOURCES[rules.key]),
            "nothing lawful is on record",
        )
    return HopDecision(
        hop=hop,
        verdict=verdict,
        legal_basis=basis,
        evaluated_for=as_of,
        reason=reason,
        warnings=tuple(found.warnings),
        missing=tuple(found.missing),
    )


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
        basis = LegalBasis(
            ARTICLES[rules.key]["ADEQUACY"], entry.instrument, entry.id, entry.source
        )
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
            hop, Verdict.ADEQUACY, basis, as_of, reason=f"adequacy decision {entry.id}"
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
    framework = entry.dpf_framework or ""
    data_type = "HR" if hop.hr_data else "NON_HR"
    needed = [framework]
    if framework in DPF_PREREQUISITES:
        needed.append(DPF_PREREQUISITES[framework])
    for name in needed:
        if not any(
            cert.framework == name
            and cert.status == "ACTIVE"
            and data_type in cert.data_types
            and (cert.certified_on is None or cert.certified_on <= as_of)
            for cert in hop.importer.dpf
        ):
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
    accepted = SAFEGUARD_TYPES[rules.key]
    candidates = [s for s in safeguards if s.type in SAFEGUARD_TYPES["EU"] | accepted]
    for safeguard in candidates:
        if safeguard.type == "SCC" and rules.key == "UK":
            found.warnings.append(f"{safeguard.id}: EU SCCs need the UK Addendum for UK data")
        if safeguard.type == "SCC" and rules.key == "CH" and "CH" not in safeguard.regimes:
            found.warnings.append(f"{safeguard.id}: EU SCCs need the Swiss adaptations for CH data")
    usable = [
        s
        for s in candidates
        if s.type in accepted
        and s.covers(rules.key)
        and s.signed(as_of)
        and not (s.type == "SCC" and rules.key == "CH" and "CH" not in s.regimes)
    ]
    for safeguard in usable:
        if safeguard.expired(as_of):
            found.expired.append(_safeguard_basis(rules.key, safeguard))
            found.warnings.append(f"safeguard {safeguard.id} expired on {safeguard.expires_on}")
    valid = [s for s in usable if not s.expired(as_of)]
    if not valid:
        return None
    decisions = [_safeguard_decision(hop, rules.key, as_of, s) for s in valid]
    return min(decisions, key=lambda d: VERDICT_RANK[d.verdict])


def _safeguard_basis(regime: str, safeguard: Safeguard) -> LegalBasis:
    instrument, source = INSTRUMENTS[safeguard.type]
    return LegalBasis(ARTICLES[regime][safeguard.type], instrument, safeguard.id, source)


def _safeguard_decision(hop: Hop, regime: str, as_of: date, safeguard: Safeguard) -> HopDecision:
    missing: list[str] = []
    module = scc_module(hop.exporter_role, hop.importer_role)
    is_scc = safeguard.type in SCC_TYPES
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
        missing.append("a transfer impact assessment (EDPB Recommendations 01/2020)")
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
        _safeguard_basis(regime, safeguard),
        as_of,
        scc_module=module if is_scc else None,
        recorded_scc_module=safeguard.module if is_scc else None,
        tia_status=tia,
        reason=f"{safeguard.type} {safeguard.id}",
        missing=tuple(missing),
    )


def tia_status(safeguard: Safeguard, module: int | None, special_category: bool) -> TiaStatus:
    """A TIA is required for every Art. 46 tool, except SCC module 4 unless Art. 9 data moves."""
    if module == 4 and not special_category:
        return TiaStatus.NOT_REQUIRED
    if safeguard.tia_on is None:
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
    for safeguard in safeguards:
        if safeguard.type != "DEROGATION" or not safeguard.covers(rules.key):
            continue
        if not safeguard.signed(as_of):
            continue
        basis = LegalBasis(
            f"{ARTICLES[rules.key]['DEROGATION']}",
            INSTRUMENTS["DEROGATION"][0],
            safeguard.derogation or safeguard.id,
            INSTRUMENTS["DEROGATION"][1],
        )
        if safeguard.expired(as_of):
            found.expired.append(basis)
            continue
        found.warnings.append(OCCASIONAL_ONLY)
        return HopDecision(
            hop, Verdict.DEROGATION, basis, as_of, reason=f"derogation {basis.instrument_id}"
        )
    return None
