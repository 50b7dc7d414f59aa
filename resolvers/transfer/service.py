"""The transfer assessment as an async entry point other features call (the access plan's
Art. 15(2) answer, the register's decisions), and the what-if check before onboarding."""

import asyncio
from dataclasses import dataclass
from datetime import date

from graph.database import Database, Record
from graph.queries import transfers as queries
from resolvers.errors import BadUserInput, NotFound
from resolvers.roles import PROCESSOR_ROLES
from resolvers.transfer.decisions import (
    Channel,
    DpfCertification,
    Hop,
    HopDecision,
    Party,
    PathDecision,
    Place,
    decide_hop,
    leaves,
    path_decision,
)
from resolvers.transfer.hops import (
    HR_SUBJECTS,
    SpecialCategories,
    chains,
    hop_graph,
    organisation_holder,
    party,
    placed,
    regime_rules,
    safeguards_by_pair,
    system_holder,
)


@dataclass(frozen=True)
class Scope:
    """Limit an assessment to the paths that pass through one system or one organisation."""

    system_id: str | None = None
    organisation_id: str | None = None

    def touches(self, path: PathDecision) -> bool:
        holders = {h for d in path.hops for h in (d.hop.source, d.hop.target)}
        parties = {p for d in path.hops for p in (d.hop.exporter.id, d.hop.importer.id)}
        if self.system_id is not None:
            return system_holder(self.system_id) in holders
        if self.organisation_id is not None:
            return (
                self.organisation_id in parties
                or organisation_holder(self.organisation_id) in holders
            )
        return True


def _known(regime: str, row: Record, field: str) -> None:
    """Refuse a regime the graph holds no transfer rules for: NOT_FOUND when it holds nothing
    of it (the seeds are not loaded), BAD_USER_INPUT naming the regimes that have them when it
    has no transfer rules (the CCPA restricts no transfer)."""
    if not row["known"]:
        raise NotFound(f"no reference data for regime {regime}: load the seeds", field=field)
    if row["transfer_article"] is None:
        having = sorted(row["transfer_regimes"])
        raise BadUserInput(
            f"{regime} has no transfer rules to decide with; give one of {', '.join(having)}",
            field=field,
            suggestions=having,
        )


async def map_rows(db: Database, regime: str) -> queries.TransferMap:
    """The map an assessment decides on, with the systems' facts the hop rules read (all
    subjects' data: `hop_graph` keeps one subject's)."""
    return await queries.transfer_map(
        db, regime, hr_subjects=HR_SUBJECTS, operator_roles=PROCESSOR_ROLES
    )


ONE_AT_A_TIME = asyncio.Semaphore(1)
"""Assessments run one at a time in a process, the others wait before they open a transaction.
Each holds the whole map in memory and runs seconds of Python between its reads: at once, their
memory adds up, the GIL gives them no more CPU, and each one's open transaction waits on the
others' CPU (at 100,000 systems, eight at once overran the 30 s transaction timeout)."""


async def assess(
    db: Database,
    *,
    regime: str,
    as_of: date,
    scope: Scope | None = None,
    subject: str | None = None,
) -> list[PathDecision]:
    """Every path by which `regime`'s personal data leaves its area, each hop decided for `as_of`;
    with `subject`, only that data subject's data, along the flows and engagements that carry it
    (those that name it or name no subject).

    A path ends with the hop that leaves; the hops before it show how the data got there."""
    async with ONE_AT_A_TIME:
        return await _assessed(db, regime=regime, as_of=as_of, scope=scope, subject=subject)


async def _assessed(
    db: Database, *, regime: str, as_of: date, scope: Scope | None, subject: str | None
) -> list[PathDecision]:
    rows = await map_rows(db, regime)
    _known(regime, rows.regime, "regime")
    rules = regime_rules(regime, rows.regime)
    where = placed(rows, as_of)
    flows = await queries.flows_into(db, where.exposed_systems(rules.area))
    graph = hop_graph(
        rows,
        where,
        flows,
        rules,
        rows.regime["special"],
        as_of,
        rows.regime["held_special"],
        subject,
    )
    recorded = safeguards_by_pair(rows.safeguards, as_of)
    decided: dict[str, HopDecision] = {}

    def decision(hop: Hop) -> HopDecision:
        if hop.id not in decided:
            pair = (hop.exporter.id, hop.importer.id)
            decided[hop.id] = decide_hop(
                hop, rules, as_of, recorded.of(*pair), recorded.others(*pair)
            )
        return decided[hop.id]

    paths = [
        path_decision([decision(hop) for hop in chain], as_of, graph.origins.get(origin, origin))
        for origin, chain in chains(graph).values()
        if leaves(chain[-1], rules)
    ]
    if scope is not None:
        paths = [path for path in paths if scope.touches(path)]
    return sorted(paths, key=lambda path: (path.last.hop.id, len(path.hops)))


@dataclass(frozen=True)
class TransferCheck:
    """A transfer that is not on the map yet: who would send what to whom, and where."""

    regime: str
    as_of: date
    exporter_id: str
    exporter_role: str
    importer_role: str
    categories: tuple[str, ...]
    importer_id: str | None = None
    importer_country: str | None = None
    importer_subject_to: tuple[str, ...] = ()
    importer_dpf: tuple[DpfCertification, ...] | None = None
    """The prospective importer's DPF certifications; None keeps what the graph records."""
    hr_data: bool = False


async def check(db: Database, request: TransferCheck) -> HopDecision:
    """Decide a hypothetical hop with what the graph knows of its parties and their safeguards."""
    ids = [request.exporter_id] + ([request.importer_id] if request.importer_id else [])
    rows = await queries.check_map(db, regime=request.regime, organisation_ids=ids)
    _known(request.regime, rows.regime, "input.regime")
    known = {row["id"]: party(row) for row in rows.organisations}
    if request.exporter_id not in known:
        raise NotFound(f"no organisation {request.exporter_id}", field="exporterId")
    if request.importer_id is not None and request.importer_id not in known:
        raise NotFound(f"no organisation {request.importer_id}", field="importerId")
    recorded = known.get(request.importer_id or "") or Party(id="", country=None)
    importer = Party(
        id=request.importer_id or "the prospective importer",
        country=request.importer_country or recorded.country,
        subject_to=tuple(sorted({*request.importer_subject_to, *recorded.subject_to})),
        dpf=recorded.dpf if request.importer_dpf is None else request.importer_dpf,
    )
    if importer.country is None:
        raise BadUserInput(
            "give importerCountry or a known importerId", field="input.importerCountry"
        )
    rules = regime_rules(request.regime, rows.regime)
    exporter = known[request.exporter_id]
    if rules.reaches(exporter) is None:
        raise BadUserInput(
            f"{request.regime} does not reach {exporter.id}: it is established in"
            f" {exporter.country or 'no recorded country'}, outside the {request.regime} area,"
            f" and serves none of its markets ({rules.reach_article})",
            field="exporterId",
        )
    hop = Hop(
        id="check",
        channel=Channel.CHECK,
        exporter=exporter,
        importer=importer,
        exporter_role=request.exporter_role,
        importer_role=request.importer_role,
        country=importer.country,
        via=(Place.ESTABLISHED_IN,),
        categories=request.categories,
        special_category=SpecialCategories(rows.regime["special"], rows.regime["held_special"])(
            request.categories
        ),
        hr_data=request.hr_data,
        evidence=(f"what-if: {request.exporter_id} → {importer.id} in {importer.country}",),
    )
    recorded_safeguards = safeguards_by_pair(rows.safeguards, request.as_of)
    return decide_hop(
        hop,
        rules,
        request.as_of,
        recorded_safeguards.of(exporter.id, importer.id),
        recorded_safeguards.others(exporter.id, importer.id),
    )
