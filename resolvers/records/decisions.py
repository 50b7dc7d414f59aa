"""The Art. 30 records as plain functions over plain data: the controller record (Art. 30(1)(a)-(g))
of each activity Preemptly controls, the processor record (Art. 30(2)(a)-(d)) of each customer it
processes for, and each profile column's cell. Every cell names the graph entities it was read
from; a cell with nothing in it says what is missing and where to record it.

Transfers are the transfer engine's decisions (`resolvers.transfer.service.assess`): a path belongs
to an activity when one of its hops leaves or reaches a system the activity runs on or an
organisation it discloses to, and its leaving hop carries (by the prefix rule) one of the
activity's categories, or names none."""

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from resolvers.categories import relevant
from resolvers.records.facts import (
    Activity,
    Column,
    Organisation,
    Profile,
    RecordFacts,
    Storage,
    System,
)
from resolvers.roles import CONTROLLER, PROCESSOR, PROCESSOR_ROLES
from resolvers.transfer.decisions import HopDecision, Mechanism, PathDecision, Verdict
from resolvers.transfer.hops import organisation_holder, system_holder

ACTIVITIES_FILE = "seeds/data/preemptly/activities.yaml"
SYSTEMS_FILE = "seeds/data/preemptly/systems.yaml"
STORAGES_FILE = "seeds/data/preemptly/storages.yaml"
ORGANISATIONS_FILE = "seeds/data/preemptly/organisations.yaml"
SAFEGUARDS_FILE = "seeds/data/preemptly/safeguards.yaml (or the registerSafeguard mutation)"
UNRESOLVED = frozenset({Verdict.BLOCKED, Verdict.EXPIRED, Verdict.ACTION_REQUIRED})


class SourceKind(StrEnum):
    """What a cell is read from: a node of the map, spelt as its kind (NodeKind) and label, or
    `TransferHop`, a hop of the transfer assessment."""

    AdequacyDecision = "AdequacyDecision"
    Country = "Country"
    DataCategory = "DataCategory"
    DataSubject = "DataSubject"
    DataUse = "DataUse"
    Derogation = "Derogation"
    Flow = "Flow"
    LegalBasis = "LegalBasis"
    Organisation = "Organisation"
    ProcessingActivity = "ProcessingActivity"
    RetentionObligation = "RetentionObligation"
    Safeguard = "Safeguard"
    SecurityMeasure = "SecurityMeasure"
    SpecialCategoryCondition = "SpecialCategoryCondition"
    Storage = "Storage"
    System = "System"
    TransferHop = "TransferHop"


@dataclass(frozen=True, order=True)
class Source:
    """A graph entity a cell was read from: its kind and its key."""

    kind: SourceKind
    key: str

    def __str__(self) -> str:
        return f"{self.kind}:{self.key}"


@dataclass(frozen=True)
class Cell:
    values: tuple[str, ...] = ()
    sources: tuple[Source, ...] = ()
    missing: tuple[str, ...] = ()


def cell(values: Iterable[str], sources: Iterable[Source], missing: Iterable[str] = ()) -> Cell:
    return Cell(
        values=tuple(dict.fromkeys(values)),
        sources=tuple(sorted(set(sources))),
        missing=tuple(dict.fromkeys(missing)),
    )


@dataclass(frozen=True)
class Transfer:
    """One hop by which a record's data leaves the regime's area, as the engine decided it."""

    hop_id: str
    country: str | None
    importer_id: str
    exporter_id: str
    verdict: Verdict
    mechanism: Mechanism
    safeguard_type: str | None
    """The recorded safeguard's `type` (its transfer tool), for a SAFEGUARD or DEROGATION."""
    instrument_id: str | None
    scc_module: int | None
    article: str
    text: str
    missing: tuple[str, ...]
    sources: tuple[Source, ...]


@dataclass(frozen=True)
class ControllerRecord:
    activity_id: str
    name: str
    cells: dict[str, Cell]
    transfers: tuple[Transfer, ...]


@dataclass(frozen=True)
class ProcessorRecord:
    controller_id: str
    name: str
    activity_ids: tuple[str, ...]
    cells: dict[str, Cell]
    transfers: tuple[Transfer, ...]


@dataclass(frozen=True)
class ProfileCell:
    column: Column
    cell: Cell


@dataclass(frozen=True)
class Records:
    profile: Profile
    regime: str
    evaluated_for: date
    columns: tuple[Column, ...]
    controller: tuple[ControllerRecord, ...]
    processor: tuple[ProcessorRecord, ...] = field(default=())

    def columns_of(self, kind: str) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.record_kind == kind)

    def row(self, record: ControllerRecord | ProcessorRecord) -> list[ProfileCell]:
        """The record's cells in the profile's column order."""
        kind = CONTROLLER if isinstance(record, ControllerRecord) else PROCESSOR
        return [
            ProfileCell(column, column_cell(column, record.cells))
            for column in self.columns_of(kind)
        ]


def column_cell(column: Column, cells: Mapping[str, Cell]) -> Cell:
    if column.field is not None and column.field in cells:
        return cells[column.field]
    why = f" ({column.note})" if column.note else ""
    return Cell(
        missing=(
            f"the map holds nothing for “{column.heading}”{why}: fill it in by hand in the "
            "exported record",
        )
    )


# Transfers


def mechanism_text(decision: HopDecision, facts: RecordFacts) -> tuple[str, tuple[Source, ...]]:
    """The line a record shows for the mechanism the engine's decision rests on
    (`decision.mechanism`), and the reference entity it rests on."""
    basis, hop, reason = decision.legal_basis, decision.hop, decision.reason
    instrument = basis.instrument_id
    if decision.verdict is Verdict.NOT_A_TRANSFER:
        return f"not a transfer between entities: {reason}", ()
    if instrument is None:
        return f"no mechanism on record ({basis.article})", ()
    if decision.mechanism is Mechanism.ADEQUACY:
        text = f"adequacy decision {instrument}: {basis.instrument} ({basis.article})"
        return text, (Source(SourceKind.AdequacyDecision, instrument),)
    if decision.mechanism is Mechanism.DEROGATION:
        derogation = facts.derogations.get(instrument)
        wording = f" ({derogation.article}: {derogation.text})" if derogation else ""
        documentation = "; ".join(
            (f"recorded between {hop.exporter.id} and {hop.importer.id}", *decision.warnings)
        )
        text = (
            f"Art. 49 derogation {instrument}{wording}, {basis.article}; "
            f"documentation: {documentation}"
        )
        return text, (Source(SourceKind.Derogation, instrument),)
    if decision.mechanism is Mechanism.SAFEGUARD:
        module = f", module {decision.scc_module}" if decision.scc_module else ""
        tia = decision.tia_status.value.lower().replace("_", " ")
        text = (
            f"{basis.instrument}{module} ({basis.article}), safeguard {instrument}, "
            f"transfer impact assessment {tia}"
        )
        return text, (Source(SourceKind.Safeguard, instrument),)
    return f"{basis.instrument} {instrument} ({basis.article}): {reason}", ()


def transfer(decision: HopDecision, facts: RecordFacts) -> Transfer:
    hop = decision.hop
    text, grounds = mechanism_text(decision, facts)
    country = facts.country_names.get(hop.country or "", hop.country or "an unknown country")
    importer = facts.organisations.get(hop.importer.id)
    importer_name = importer.label if importer else hop.importer.id
    line = f"{country}: {importer_name}: {decision.verdict.value}: {text}"
    return Transfer(
        hop_id=hop.id,
        country=hop.country,
        importer_id=hop.importer.id,
        exporter_id=hop.exporter.id,
        verdict=decision.verdict,
        mechanism=decision.mechanism,
        safeguard_type=decision.safeguard_type,
        instrument_id=decision.legal_basis.instrument_id,
        scc_module=decision.scc_module,
        article=decision.legal_basis.article,
        text=line,
        missing=decision.missing,
        sources=tuple(
            sorted(
                {
                    Source(SourceKind.TransferHop, hop.id),
                    Source(SourceKind.Organisation, hop.exporter.id),
                    Source(SourceKind.Organisation, hop.importer.id),
                    *([Source(SourceKind.Country, hop.country)] if hop.country else []),
                    *grounds,
                }
            )
        ),
    )


class PathIndex:
    """The engine's paths by every holder on them, so each record finds its paths at once."""

    def __init__(self, paths: Sequence[PathDecision], facts: RecordFacts) -> None:
        self.by_holder: dict[str, list[int]] = defaultdict(list)
        self.paths = paths
        self.facts = facts
        self.transfers: dict[str, Transfer] = {}
        for n, path in enumerate(paths):
            holders = {h for d in path.hops for h in (d.hop.source, d.hop.target) if h}
            for holder in holders:
                self.by_holder[holder].append(n)

    def transfer(self, decision: HopDecision) -> Transfer:
        """The record line of a leaving hop, made once however many records it is on."""
        key = decision.hop.id
        if key not in self.transfers:
            self.transfers[key] = transfer(decision, self.facts)
        return self.transfers[key]

    def leaving(self, holders: Iterable[str], categories: Sequence[str]) -> list[HopDecision]:
        """The leaving hops of the paths through `holders` that carry one of `categories`."""
        found: dict[str, HopDecision] = {}
        for n in sorted({n for h in holders for n in self.by_holder.get(h, ())}):
            last = self.paths[n].last
            carried = last.hop.categories
            if (
                carried
                and categories
                and not any(relevant(k, c) for k in carried for c in categories)
            ):
                continue
            found.setdefault(last.hop.id, last)
        return [found[key] for key in sorted(found)]


def activity_holders(activity: Activity, facts: RecordFacts) -> set[str]:
    holders = {system_holder(s) for s in activity.systems if s in facts.systems}
    return holders | {organisation_holder(o) for o, _ in activity.disclosures}


def transfer_cells(
    transfers: Sequence[Transfer], regime: str, scope: Sequence[Source], what: str
) -> dict[str, Cell]:
    if not transfers:
        if not scope:
            gap = (
                f"{what} names no system and no recipient, so no transfer can be assessed: "
                f"add `systems` or `discloses_to` in {ACTIVITIES_FILE}"
            )
            return {
                "transfer_countries": cell((), (), (gap,)),
                "transfer_mechanisms": cell((), (), (gap,)),
            }
        none = f"none: no transfer of this data leaves the {regime} area"
        return {
            "transfer_countries": cell((none,), scope),
            "transfer_mechanisms": cell((none,), scope),
        }
    countries = cell(
        sorted(
            {t.text.split(":", 1)[0] + (f" ({t.country})" if t.country else "") for t in transfers}
        ),
        (
            s
            for t in transfers
            for s in t.sources
            if s.kind in (SourceKind.TransferHop, SourceKind.Country)
        ),
    )
    gaps = [
        f"{t.hop_id} ({t.verdict.value}): {'; '.join(t.missing) or 'nothing lawful on record'}: "
        f"record the mechanism in {SAFEGUARDS_FILE}"
        for t in transfers
        if t.verdict in UNRESOLVED
    ]
    mechanisms = cell((t.text for t in transfers), (s for t in transfers for s in t.sources), gaps)
    return {"transfer_countries": countries, "transfer_mechanisms": mechanisms}


# The cells


def organisation_cell(organisation: Organisation | None, facts: RecordFacts, role: str) -> Cell:
    if organisation is None:
        return cell(
            (), (), (f"no {role} organisation is recorded: set `controller` in {ACTIVITIES_FILE}",)
        )
    country = facts.country_names.get(organisation.country or "", organisation.country)
    values = [organisation.label]
    if country:
        values.append(f"established in {country}")
    if organisation.website:
        values.append(organisation.website)
    if organisation.supervisory_authority:
        values.append(f"lead supervisory authority: {organisation.supervisory_authority}")
    return cell(
        values,
        (Source(SourceKind.Organisation, organisation.id),),
        (
            f"no postal address, email, telephone, representative or DPO is recorded for "
            f"{organisation.id}: add them to the exported record by hand",
        ),
    )


def relevant_storages(
    activity: Activity, systems: Sequence[System]
) -> list[tuple[System, Storage]]:
    subjects = {key for key, _ in activity.subjects}
    return [
        (system, storage)
        for system in systems
        for storage in system.storages
        if (not subjects or subjects & set(storage.subjects))
        and (
            not activity.categories
            or any(relevant(k, c) for k in storage.categories for c in activity.categories)
        )
    ]


def erasure_cell(activity: Activity, systems: Sequence[System], facts: RecordFacts) -> Cell:
    values: list[str] = []
    sources: list[Source] = []
    missing: list[str] = []
    if activity.retention or activity.retention_days is not None:
        days = (
            f" ({activity.retention_days} days after the purpose ends)"
            if activity.retention_days is not None
            else ""
        )
        values.append(f"{activity.label}: {activity.retention or 'recorded period'}{days}")
        sources.append(Source(SourceKind.ProcessingActivity, activity.id))
    for system, storage in relevant_storages(activity, systems):
        names = ", ".join(facts.category_names.get(k, k) for k in storage.categories)
        sources.append(Source(SourceKind.Storage, storage.id))
        limits: list[str] = []
        if storage.retention_days is not None:
            limits.append(f"erased {storage.retention_days} days after the purpose ends")
        elif storage.retention:
            limits.append(storage.retention)
        for obligation in storage.obligations:
            sources.append(Source(SourceKind.RetentionObligation, obligation.id))
            period = (
                "indefinitely"
                if obligation.indefinite
                else f"{obligation.period_years} years"
                if obligation.period_years
                else "for the period the law sets"
            )
            limits.append(f"kept {period} under {obligation.legal_reference or obligation.id}")
        if limits:
            values.append(f"{names} in {system.label}: {'; '.join(limits)}")
        else:
            missing.append(
                f"storage {storage.id} in {system.id} records no erasure period: set "
                f"`retention_days` or `retention_obligation` in {STORAGES_FILE}"
            )
    for system in systems:
        for backup in system.backups:
            sources.append(Source(SourceKind.System, backup.id))
            if backup.rotation_days is not None:
                values.append(
                    f"backup {backup.name or backup.id} of {system.label}: overwritten after "
                    f"{backup.rotation_days} days"
                )
            else:
                missing.append(
                    f"backup {backup.id} records no rotation: set `rotation_days` in {SYSTEMS_FILE}"
                )
    if not values and not missing:
        missing.append(
            f"no erasure period is recorded for {activity.id} or its storages: set "
            f"`retention_days` in {ACTIVITIES_FILE} or on the storages in {STORAGES_FILE}"
        )
    return cell(values, sources, missing)


def security_cells(systems: Sequence[System], what: str) -> dict[str, Cell]:
    if not systems:
        gap = (
            f"{what} runs on no recorded system, so no measure can be read: add `systems` in "
            f"{ACTIVITIES_FILE}"
        )
        return {"security": cell((), (), (gap,)), "security_cnil": cell((), (), (gap,))}
    sources = [Source(SourceKind.System, s.id) for s in systems] + [
        Source(SourceKind.SecurityMeasure, m.key) for s in systems for m in s.measures
    ]
    missing = [
        f"system {s.id} records no security measures: set `security_measures` in {SYSTEMS_FILE}"
        for s in systems
        if not s.measures
    ]
    measures = sorted({m for s in systems for m in s.measures}, key=lambda m: m.label)
    cnil = sorted({m.cnil for m in measures if m.cnil}) + [
        f"autres mesures : {m.label}" for m in measures if not m.cnil
    ]
    return {
        "security": cell((m.label for m in measures), sources, missing),
        "security_cnil": cell(cnil, sources, missing),
    }


def recipients(activity: Activity, systems: Sequence[System], facts: RecordFacts) -> Cell:
    values: list[str] = []
    sources: list[Source] = [Source(SourceKind.ProcessingActivity, activity.id)]
    for organisation_id, role in activity.disclosures:
        organisation = facts.organisations.get(organisation_id)
        name = organisation.label if organisation else organisation_id
        country = facts.country_names.get(organisation.country or "", "") if organisation else ""
        where = f", {country}" if country else ""
        values.append(f"{name} ({(role or 'recipient').lower().replace('_', '-')}{where})")
        sources.append(Source(SourceKind.Organisation, organisation_id))
    named = {o for o, _ in activity.disclosures}
    for system in systems:
        operator = facts.organisations.get(system.operator_id or "")
        if operator is None or operator.is_self or operator.id in named:
            continue
        named.add(operator.id)
        role = (system.operator_role or PROCESSOR).lower().replace("_", "-")
        values.append(f"{operator.label} ({role} running {system.label})")
        sources += [
            Source(SourceKind.Organisation, operator.id),
            Source(SourceKind.System, system.id),
        ]
    values += activity.recipient_categories
    if len(values) == 0:
        return cell(
            (),
            sources,
            (
                f"no recipient is recorded for {activity.id}: add `discloses_to` or "
                f"`recipient_categories` in {ACTIVITIES_FILE} if the data is disclosed",
            ),
        )
    return cell(values, sources)


def processor_contracts(activity: Activity, systems: Sequence[System], facts: RecordFacts) -> Cell:
    processors = {o for o, role in activity.disclosures if role in PROCESSOR_ROLES} | {
        s.operator_id for s in systems if s.operator_id and s.operator_role in PROCESSOR_ROLES
    }
    values, sources, missing = [], [], []
    for organisation_id in sorted(processors):
        organisation = facts.organisations.get(organisation_id)
        if organisation is None or organisation.is_self:
            continue
        sources.append(Source(SourceKind.Organisation, organisation_id))
        if organisation.dpa_signed:
            values.append(
                f"{organisation.label}: data processing agreement signed"
                + ("" if organisation.dpa_signed is True else f" {organisation.dpa_signed}")
            )
        else:
            missing.append(
                f"no data processing agreement is recorded for {organisation_id}: set `dpa_signed` "
                f"in {ORGANISATIONS_FILE}"
            )
    if not values and not missing:
        missing.append(f"{activity.id} names no processor")
    if values:
        missing.append("links to the contracts are not held in the map: add them by hand")
    return cell(values, sources, missing)


def named(values: Iterable[tuple[str, str]], kind: SourceKind, gap: str) -> Cell:
    pairs = list(values)
    if not pairs:
        return cell((), (), (gap,))
    return cell((name for _, name in pairs), (Source(kind, key) for key, _ in pairs))


def controller_cells(activity: Activity, facts: RecordFacts) -> dict[str, Cell]:
    systems = [facts.systems[s] for s in activity.systems if s in facts.systems]
    this = Source(SourceKind.ProcessingActivity, activity.id)
    special = [k for k in activity.categories if k in facts.special_categories]
    cells: dict[str, Cell] = {
        "activity": cell((activity.label,), (this,)),
        "controller": organisation_cell(
            facts.organisations.get(activity.controller_id or ""), facts, "controller"
        ),
        "purposes": (
            cell(
                (activity.purpose_name or activity.purpose or "",),
                (this, Source(SourceKind.DataUse, activity.purpose)),
            )
            if activity.purpose
            else cell((), (this,), (f"no purpose is recorded: set `purpose` in {ACTIVITIES_FILE}",))
        ),
        "subjects": named(
            ((key, name or key) for key, name in activity.subjects),
            SourceKind.DataSubject,
            f"no data subject is recorded for {activity.id}: set `subjects` in {ACTIVITIES_FILE}",
        ),
        "categories": named(
            ((k, facts.category_names.get(k, k)) for k in activity.categories),
            SourceKind.DataCategory,
            f"no category is recorded for {activity.id}: set `categories` in {ACTIVITIES_FILE}",
        ),
        "special_categories": (
            cell(
                (f"{facts.category_names.get(k, k)} (Art. 9(1))" for k in special),
                (Source(SourceKind.DataCategory, k) for k in special),
            )
            if special
            else cell(
                ("none: no category is special category data (Art. 9(1))",),
                (Source(SourceKind.DataCategory, k) for k in activity.categories),
            )
        ),
        "recipients": recipients(activity, systems, facts),
        "processor_contracts": processor_contracts(activity, systems, facts),
        "erasure": erasure_cell(activity, systems, facts),
        "legal_basis": (
            cell(
                (f"{activity.legal_basis_article}: {activity.legal_basis_text}",),
                (this, Source(SourceKind.LegalBasis, activity.legal_basis)),
            )
            if activity.legal_basis
            else cell(
                (),
                (this,),
                (f"no legal basis is recorded: set `legal_basis` in {ACTIVITIES_FILE}",),
            )
        ),
        "special_condition": (
            cell(
                (f"{activity.condition_article}: {activity.condition_text}",),
                (this, Source(SourceKind.SpecialCategoryCondition, activity.condition)),
            )
            if activity.condition
            else cell(
                (),
                (this,),
                (
                    f"special category data without an Art. 9(2) condition: set "
                    f"`special_category_condition` in {ACTIVITIES_FILE}",
                ),
            )
            if special
            else cell(("not applicable: no special category data",), (this,))
        ),
        "automated_decisions": cell(
            (
                f"automated decision-making: {yes_no(activity.automated_decision_making)}",
                f"profiling: {yes_no(activity.profiling)}",
            ),
            (this,),
        ),
        "data_sources": data_sources(activity, systems),
        "locations": locations(systems, facts),
        "systems": named(
            ((s.id, s.label) for s in systems),
            SourceKind.System,
            f"{activity.id} runs on no recorded system: add `systems` in {ACTIVITIES_FILE}",
        ),
        "business_function": business_function(systems),
        **security_cells(systems, activity.id),
    }
    return cells


def yes_no(flag: bool) -> str:
    return "yes" if flag else "no"


def data_sources(activity: Activity, systems: Sequence[System]) -> Cell:
    values, sources = [], []
    inside = {s.id for s in systems}
    for system, storage in relevant_storages(activity, systems):
        if storage.collected_from_subject:
            values.append(f"collected from the data subject into {system.label}")
            sources.append(Source(SourceKind.Storage, storage.id))
    for system in systems:
        for flow in system.inbound:
            if flow.system_id not in inside:
                values.append(
                    f"received from {flow.system_name or flow.system_id} into {system.label}"
                )
                sources += [
                    Source(SourceKind.Flow, flow.flow_id),
                    Source(SourceKind.System, flow.system_id),
                ]
    if not values:
        return cell(
            (),
            (Source(SourceKind.System, s.id) for s in systems),
            (
                f"no collection point or inbound flow is recorded for {activity.id}: mark the "
                f"storage that collects it `collected_from_subject` in {STORAGES_FILE}, or add "
                "the flow",
            ),
        )
    return cell(values, sources)


def locations(systems: Sequence[System], facts: RecordFacts) -> Cell:
    values, sources, missing = [], [], []
    for system in systems:
        sources.append(Source(SourceKind.System, system.id))
        if not system.hosted_in:
            missing.append(
                f"system {system.id} records no hosting country: set `hosted_in` in {SYSTEMS_FILE}"
            )
            continue
        names = ", ".join(facts.country_names.get(c, c) for c in system.hosted_in)
        values.append(f"{system.label}: {names}")
        sources += [Source(SourceKind.Country, c) for c in system.hosted_in]
    if not systems:
        missing.append(f"no system is recorded: add `systems` in {ACTIVITIES_FILE}")
    return cell(values, sources, missing)


def business_function(systems: Sequence[System]) -> Cell:
    owned = [s for s in systems if s.owner_team]
    missing = [
        f"system {s.id} has no owner team: set `owner_team` in {SYSTEMS_FILE}"
        for s in systems
        if not s.owner_team
    ]
    if not systems:
        missing.append(f"no system is recorded: add `systems` in {ACTIVITIES_FILE}")
    return cell(
        sorted({s.owner_team or "" for s in owned}),
        (Source(SourceKind.System, s.id) for s in owned),
        missing,
    )


def controller_record(
    activity: Activity, facts: RecordFacts, index: PathIndex, regime: str
) -> ControllerRecord:
    decisions = index.leaving(activity_holders(activity, facts), activity.categories)
    transfers = tuple(index.transfer(d) for d in decisions)
    scope = [Source(SourceKind.System, s) for s in activity.systems if s in facts.systems] + [
        Source(SourceKind.Organisation, o) for o, _ in activity.disclosures
    ]
    cells = controller_cells(activity, facts)
    cells |= transfer_cells(transfers, regime, scope, activity.id)
    return ControllerRecord(activity.id, activity.label, cells, transfers)


def processor_record(
    controller_id: str,
    activities: Sequence[Activity],
    facts: RecordFacts,
    index: PathIndex,
    regime: str,
) -> ProcessorRecord:
    controller = facts.organisations.get(controller_id)
    system_ids = sorted({s for a in activities for s in a.systems if s in facts.systems})
    systems = [facts.systems[s] for s in system_ids]
    found: dict[str, HopDecision] = {}
    for activity in activities:
        for decision in index.leaving(activity_holders(activity, facts), activity.categories):
            found.setdefault(decision.hop.id, decision)
    transfers = tuple(index.transfer(found[key]) for key in sorted(found))
    scope = [Source(SourceKind.System, s) for s in system_ids] + [
        Source(SourceKind.Organisation, o) for a in activities for o, _ in a.disclosures
    ]
    processing = cell(
        (
            f"{a.label} ({a.purpose_name or a.purpose or 'purpose not recorded'})"
            for a in activities
        ),
        [Source(SourceKind.ProcessingActivity, a.id) for a in activities]
        + [Source(SourceKind.DataUse, a.purpose) for a in activities if a.purpose],
    )
    cells = {
        "processor": organisation_cell(facts.self_organisation, facts, "processor"),
        "customer_controller": organisation_cell(controller, facts, "controller"),
        "processing": processing,
        **security_cells(systems, f"the processing for {controller_id}"),
        **transfer_cells(transfers, regime, scope, f"the processing for {controller_id}"),
    }
    return ProcessorRecord(
        controller_id=controller_id,
        name=controller.label if controller else controller_id,
        activity_ids=tuple(a.id for a in activities),
        cells=cells,
        transfers=transfers,
    )


def records_of_processing(
    facts: RecordFacts, paths: Sequence[PathDecision], regime: str, as_of: date
) -> Records:
    index = PathIndex(paths, facts)
    self_id = facts.self_organisation.id if facts.self_organisation else None
    controlled = [
        a
        for a in facts.activities
        if a.preemptly_role == CONTROLLER
        or (a.preemptly_role is None and a.controller_id == self_id)
    ]
    by_controller: dict[str, list[Activity]] = defaultdict(list)
    for a in facts.activities:
        if a.preemptly_role == PROCESSOR and a.controller_id:
            by_controller[a.controller_id].append(a)
    return Records(
        profile=facts.profile,
        regime=regime,
        evaluated_for=as_of,
        columns=facts.columns,
        controller=tuple(controller_record(a, facts, index, regime) for a in controlled),
        processor=tuple(
            processor_record(key, by_controller[key], facts, index, regime)
            for key in sorted(by_controller)
        ),
    )
