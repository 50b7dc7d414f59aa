"""From the graph's rows to hops, and from hops to the paths by which a regime's data leaves.

Data sits at *holders*: systems and organisations. A flow moves it from a system to a system or an
organisation; a system run by another organisation puts it in that organisation's hands; an
engagement passes it to a (sub-)processor. Each movement becomes one hop per destination country:
where the target system is hosted, where it is accessed from, and where its operator is established.

Whose data moves is followed too: a flow or engagement that names data-subject kinds carries only
theirs, one that names none carries any (MODEL.md), and an operation carries the subjects the
system's storages hold. A regime's data starts as any subject's where the regime reaches by
establishment, and as the collected subjects' at a collection point it reaches by targeting; an
assessment of one subject starts only where that subject's data can be and follows only what
carries it.
"""

from collections import defaultdict, deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from operator import attrgetter
from typing import Any

from graph.database import Record
from graph.queries.transfers import TransferMap
from resolvers import global_id
from resolvers.roles import CONTROLLER, PROCESSOR, PROCESSOR_ROLES, SUB_PROCESSOR
from resolvers.subjects import Carried, carried_subjects
from resolvers.transfer.decisions import (
    Adequacy,
    Channel,
    DpfCertification,
    Hop,
    Party,
    Place,
    RegimeRules,
    Safeguard,
    Tool,
    carries_special_category,
)

HR_SUBJECTS = frozenset({"employee", "job_applicant", "trainee"})


def as_date(value: Any) -> date | None:
    """A Neo4j Date (or an ISO string) as a Python date."""
    if value is None or isinstance(value, date):
        return value
    if isinstance(value, str):
        return date.fromisoformat(value)
    native = value.to_native()
    assert isinstance(native, date)
    return native


def regime_rules(key: str, row: Record) -> RegimeRules:
    return RegimeRules(
        key=key,
        area=frozenset(row["area"]),
        markets=frozenset(row["markets"]),
        tools={
            tool["key"]: Tool(
                key=tool["key"],
                name=tool["name"] or tool["key"],
                text_source=tool["text_source"],
                article=tool["article"],
                accepted=tool["accepted"],
                listed_only=tool["listed_only"],
                modules=tool["modules"],
                note=tool["note"],
            )
            for tool in row["tools"]
        },
        transfer_article=row["transfer_article"] or f"{key}: transfer rules not recorded",
        transfer_source=row["transfer_source"],
        not_a_transfer=row["not_a_transfer"],
        not_a_transfer_source=row["not_a_transfer_source"],
        adequacy_article=row["adequacy_article"] or "",
        derogation_article=row["derogation_article"] or "",
        reach_article=row["reach"] or "",
        adequacy=tuple(
            Adequacy(
                id=entry["id"],
                instrument=entry.get("instrument") or entry["id"],
                countries=frozenset(entry["countries"]),
                scope=entry.get("scope") or "FULL",
                valid_from=as_date(entry.get("valid_from")),
                valid_until=as_date(entry.get("valid_until")),
                scope_law=entry.get("scope_law"),
                dpf_framework=entry.get("dpf_framework"),
                dpf_prerequisite=entry.get("dpf_prerequisite"),
                risk_note=entry.get("risk_note"),
                source=entry.get("source"),
            )
            for entry in row["adequacy"]
        ),
    )


def party(row: Record) -> Party:
    return Party(
        id=row["id"],
        country=row["country"],
        subject_to=tuple(row["subject_to"]),
        serves=tuple(row["serves"]),
        dpf=tuple(
            DpfCertification(
                framework=cert.get("framework") or "",
                status=cert.get("status") or "",
                data_types=tuple(cert.get("data_types") or ()),
                certified_on=as_date(cert.get("certified_on")),
                expires_on=as_date(cert.get("expires_on")),
            )
            for cert in row["dpf"]
        ),
    )


def safeguard(row: Mapping[str, Any]) -> Safeguard:
    return Safeguard(
        id=row["id"],
        type=row.get("type") or "",
        exporter_id=row["exporter_id"],
        importer_id=row["importer_id"],
        module=row.get("module"),
        derogation=row.get("derogation"),
        regimes=tuple(row.get("regimes") or ()),
        signed_on=as_date(row.get("signed_on")),
        expires_on=as_date(row.get("expires_on")),
        tia_on=as_date(row.get("tia_on")),
        tia_outcome=row.get("tia_outcome"),
        supplementary_measures=tuple(row.get("supplementary_measures") or ()),
    )


BY_ID = attrgetter("id")


@dataclass(frozen=True)
class RecordedSafeguards:
    """The live safeguards of the map, by the exporter → importer pair each was signed for, and
    by exporter and by importer, each list in id order (to name, on a hop without its own, the
    safeguards its parties signed with others)."""

    pairs: Mapping[tuple[str, str], list[Safeguard]]
    by_exporter: Mapping[str, list[Safeguard]]
    by_importer: Mapping[str, list[Safeguard]]
    _others: dict[tuple[str, str], tuple[Safeguard, ...]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def of(self, exporter_id: str, importer_id: str) -> list[Safeguard]:
        return self.pairs.get((exporter_id, importer_id), [])

    def others(self, exporter_id: str, importer_id: str) -> tuple[Safeguard, ...]:
        """Safeguards the exporter signed as exporter, or the importer as importer, with a party
        other than this hop's: the case where a chain has a safeguard, but not for this hop. Made
        once per pair: a map owner that signed hundreds is the exporter of thousands of hops."""
        pair = (exporter_id, importer_id)
        found = self._others.get(pair)
        if found is None:
            sent = [
                s for s in self.by_exporter.get(exporter_id, ()) if s.importer_id != importer_id
            ]
            received = [
                s for s in self.by_importer.get(importer_id, ()) if s.exporter_id != exporter_id
            ]
            found = tuple(
                sorted(sent + received, key=BY_ID) if sent and received else sent or received
            )
            self._others[pair] = found
        return found


def safeguards_by_pair(rows: Iterable[Record], as_of: date) -> RecordedSafeguards:
    """The safeguards not retired on `as_of`: a retired safeguard counts nowhere."""
    pairs: dict[tuple[str, str], list[Safeguard]] = defaultdict(list)
    by_exporter: dict[str, list[Safeguard]] = defaultdict(list)
    by_importer: dict[str, list[Safeguard]] = defaultdict(list)
    for row in rows:
        if retired(row, as_of):
            continue
        recorded = safeguard(row)
        pairs[(recorded.exporter_id, recorded.importer_id)].append(recorded)
        by_exporter[recorded.exporter_id].append(recorded)
        by_importer[recorded.importer_id].append(recorded)
    for listed in (*by_exporter.values(), *by_importer.values()):
        listed.sort(key=BY_ID)
    return RecordedSafeguards(pairs, by_exporter, by_importer)


def retired(row: Mapping[str, Any], as_of: date) -> bool:
    retired_on = as_date(row.get("retired_on"))
    return retired_on is not None and retired_on <= as_of


@dataclass(frozen=True)
class HopGraph:
    """Every hop of the map, where the regime's data starts (each holder with why, and whose data
    it holds there where that is known: `carried`, absent = any subject's), and the zero-cost
    step from a system to its external operator (who holds what the system holds)."""

    hops: tuple[Hop, ...]
    origins: Mapping[str, str]
    operators: Mapping[str, str]
    carried: Mapping[str, frozenset[str]] = field(default_factory=dict)


def system_holder(system_id: str) -> str:
    return f"system:{system_id}"


def organisation_holder(organisation_id: str) -> str:
    return f"organisation:{organisation_id}"


@dataclass(slots=True)
class _Movement:
    """One movement before it is split by destination country."""

    id: str
    channel: Channel
    exporter: Party
    importer: Party
    exporter_role: str
    importer_role: str
    destinations: Mapping[str, tuple[Place, ...]]
    categories: tuple[str, ...]
    hr_data: bool
    source: str
    target: str
    evidence: str
    edge_id: str
    authorisation_required: bool = False
    authorisation: str | None = None
    subjects: tuple[str, ...] | None = None


def named_subjects(row: Mapping[str, Any]) -> tuple[str, ...] | None:
    """The data-subject kinds a flow or engagement names; None when it names none."""
    subjects = row.get("subjects")
    return None if subjects is None else tuple(sorted(subjects))


@dataclass(frozen=True)
class Placed:
    """The map's live organisations and systems, each system with its operator (the map owner
    when none is recorded) and the countries its data reaches, by which relationship."""

    organisations: dict[str, Party]
    self_id: str | None
    systems: dict[str, Record]
    operated_by: dict[str, Party]
    destinations: dict[str, dict[str, tuple[Place, ...]]]
    accessed_by: dict[str, list[tuple[Party, str]]]
    """Per system, the other organisations that reach it remotely, each with the country: that
    access is charged to them (their own hop), not to the system's operator."""

    def exposed_systems(self, area: frozenset[str]) -> list[str]:
        """The systems a flow into which can be on a path: all but those run by an organisation
        established in `area` whose data stays in it (such a system starts paths itself)."""
        return sorted(
            system_id
            for system_id, places in self.destinations.items()
            if not (self.operated_by[system_id].country in area and stays_in(places, area))
        )


def stays_in(places: Mapping[str, tuple[Place, ...]], area: frozenset[str]) -> bool:
    """Whether a movement to `places` reaches known countries, all inside `area`."""
    return bool(places) and all(code in area for code in places)


def placed(rows: TransferMap, as_of: date) -> Placed:
    organisations = {row["id"]: party(row) for row in rows.organisations if not retired(row, as_of)}
    self_ids = [row["id"] for row in rows.organisations if row["is_self"]]
    self_id = self_ids[0] if self_ids else None
    systems = {row["id"]: row for row in rows.systems if not retired(row, as_of)}

    def operator(system: Record) -> Party:
        operator_id = system["operator_id"] or self_id or f"unknown-operator-of:{system['id']}"
        return organisations.get(operator_id) or Party(id=operator_id, country=None)

    operated_by = {system_id: operator(system) for system_id, system in systems.items()}
    accessed_by: dict[str, list[tuple[Party, str]]] = defaultdict(list)

    def system_destinations(system: Record) -> dict[str, tuple[Place, ...]]:
        importer = operated_by[system["id"]]
        places: dict[str, list[Place]] = defaultdict(list)
        for code in system["hosted_in"]:
            places[code].append(Place.HOSTED_IN)
        for code, by in system["accessed_from"]:
            other = organisations.get(by) if by is not None else None
            if other is not None and other.id != importer.id:
                accessed_by[system["id"]].append((other, code))
            else:
                places[code].append(Place.ACCESSED_FROM)
        if importer.country:
            places[importer.country].append(Place.ESTABLISHED_IN)
        return {code: tuple(via) for code, via in places.items()}

    destinations = {system_id: system_destinations(system) for system_id, system in systems.items()}
    return Placed(organisations, self_id, systems, operated_by, destinations, dict(accessed_by))


def held_subjects(system: Record, as_of: date) -> tuple[str, ...]:
    """The data-subject kinds a system's live storages hold."""
    return tuple(
        sorted(
            {
                key
                for key, retired_on in system["holds"]
                if not retired({"retired_on": retired_on}, as_of)
            }
        )
    )


def may_hold(system: Record, subject: str, as_of: date) -> bool:
    """Whether a system may hold `subject`'s data: its live storages hold it, or record none (an
    application the data passes through, such as the platform every account user signs in to),
    or a flow feeds it (flows into a system that starts paths itself are not read, so what they
    bring is not known). A system whose storages hold only other subjects' data does not."""
    held = held_subjects(system, as_of)
    return bool(system["fed"]) or not held or subject in held


def regime_origins(
    where: Placed, rules: RegimeRules, as_of: date, subject: str | None = None
) -> tuple[dict[str, str], dict[str, frozenset[str]]]:
    """Where the regime's data starts, and why: every holder established in its area (Art. 3(1)),
    and, for an organisation the regime reaches only by targeting (Art. 3(2)), each of its
    collection points that takes in data of subjects in the regime's area or markets, with that
    organisation itself (it holds what it collects). Collecting from the person is no hop.

    Beside them, whose data each origin holds where it is not any subject's: a collection point's
    collected subjects. With `subject`, only origins that can hold that subject's data: a system
    established in the area that may hold it (`may_hold`), an organisation established there,
    and the collection points of that subject; each holds that subject's data only."""
    origins: dict[str, str] = {}
    carried: dict[str, frozenset[str]] = {}
    only: frozenset[str] | None = None if subject is None else frozenset({subject})
    for system_id, operator in where.operated_by.items():
        if operator.country in rules.area:
            if subject is not None and not may_hold(where.systems[system_id], subject, as_of):
                continue
            origins[system_holder(system_id)] = (
                f"{system_id} is run by {operator.id}, established in {operator.country}"
            )
    for organisation in where.organisations.values():
        if organisation.country in rules.area:
            origins[organisation_holder(organisation.id)] = (
                f"{organisation.id} is established in {organisation.country}"
            )
    if only is not None:
        carried = dict.fromkeys(origins, only)
    for system_id, system in where.systems.items():
        for storage_id, subjects_in, controller_role, collected, retired_on in system["collects"]:
            if retired({"retired_on": retired_on}, as_of):
                continue
            if subject is not None and collected != subject:
                continue
            collector = where.operated_by[system_id]
            if controller_role == CONTROLLER and where.self_id in where.organisations:
                collector = where.organisations[where.self_id]
            reach = rules.reaches(collector)
            markets = subjects_in or collector.serves
            covered = sorted(m for m in markets if m in rules.area or m in rules.markets)
            if reach is None or not covered:
                continue
            why = (
                f"{storage_id} at {system_id} collects data from subjects in {', '.join(covered)}"
                f" directly (not a transfer); {reach}"
            )
            for holder in (system_holder(system_id), organisation_holder(collector.id)):
                if holder not in origins:
                    origins[holder] = why
                    carried[holder] = frozenset({collected})
                elif holder in carried:
                    carried[holder] |= {collected}
    return origins, carried


def hop_graph(
    rows: TransferMap,
    where: Placed,
    flows: Sequence[Record],
    rules: RegimeRules,
    special: Sequence[str],
    as_of: date,
    held_special: Sequence[str] = (),
    subject: str | None = None,
) -> HopGraph:
    """The hops of every movement that can be on a path: flows (`flows` holds those into
    `where.exposed_systems` and into organisations), operations and engagements; with `subject`,
    the origins of that subject's data only (`regime_origins`)."""
    organisations, self_id, systems = where.organisations, where.self_id, where.systems
    operated_by, destinations = where.operated_by, where.destinations
    holds_hr = {system_id: system["hr_data"] for system_id, system in systems.items()}

    origins, carried = regime_origins(where, rules, as_of, subject)
    # A movement that stays in the area and ends at an origin is on no path: a path ends with a
    # hop that leaves, and `chains` starts at every origin already. Most of a map's flows are such,
    # so they are dropped before any hop is built.
    starts = frozenset(origins)

    def on_no_path(places: Mapping[str, tuple[Place, ...]], target: str) -> bool:
        return target in starts and stays_in(places, rules.area)

    movements: list[_Movement] = []
    for flow in flows:
        if retired(flow, as_of):
            continue
        source = systems.get(flow["source_id"])
        if source is None:
            continue
        exporter = operated_by[source["id"]]
        if flow["to_system"]:
            target = systems.get(flow["target_id"])
            if target is None:
                continue
            importer = operated_by[target["id"]]
            importer_role = target["operator_role"] or CONTROLLER
            places = destinations[target["id"]]
            target_holder = system_holder(target["id"])
            hr_data = holds_hr[source["id"]] or holds_hr[target["id"]]
        else:
            importer = organisations.get(flow["target_id"]) or Party(flow["target_id"], None)
            importer_role, hr_data = "THIRD_PARTY", holds_hr[source["id"]]
            places = {importer.country: (Place.ESTABLISHED_IN,)} if importer.country else {}
            target_holder = organisation_holder(importer.id)
        if on_no_path(places, target_holder):
            continue
        movements.append(
            _Movement(
                id=flow["id"],
                channel=Channel.FLOW,
                exporter=exporter,
                importer=importer,
                exporter_role=source["operator_role"] or CONTROLLER,
                importer_role=importer_role,
                destinations=places,
                categories=tuple(flow["categories"]),
                hr_data=hr_data,
                source=system_holder(source["id"]),
                target=target_holder,
                evidence=f"flow {flow['id']}: system {source['id']} → {flow['target_id']}",
                subjects=named_subjects(flow),
                edge_id=global_id.encode("Flow", flow["id"]),
            )
        )
    operators: dict[str, str] = {}
    for system in systems.values():
        importer = operated_by[system["id"]]
        if importer.id == self_id:
            continue
        operators[system_holder(system["id"])] = organisation_holder(importer.id)
        role = system["operator_role"] or CONTROLLER
        if system["fed"] or self_id is None or role not in PROCESSOR_ROLES:
            continue
        if on_no_path(destinations[system["id"]], system_holder(system["id"])):
            continue
        movements.append(
            _Movement(
                id=f"operation:{system['id']}",
                channel=Channel.OPERATION,
                exporter=organisations[self_id],
                importer=importer,
                exporter_role=PROCESSOR if role == SUB_PROCESSOR else CONTROLLER,
                importer_role=role,
                destinations=destinations[system["id"]],
                categories=tuple(sorted(system["categories"])),
                hr_data=holds_hr[system["id"]],
                source=organisation_holder(self_id),
                target=system_holder(system["id"]),
                evidence=f"system {system['id']} OPERATED_BY {importer.id} ({role})",
                subjects=held_subjects(system, as_of),
                edge_id=global_id.edge_id(
                    "OPERATED_BY", None, ("System", system["id"]), ("Organisation", importer.id)
                ),
            )
        )
    for system_id, accesses in where.accessed_by.items():
        system = systems[system_id]
        operator_party = operated_by[system_id]
        role = system["operator_role"] or CONTROLLER
        for accessing, code in accesses:
            movements.append(
                _Movement(
                    id=f"access:{system_id}:{accessing.id}@{code}",
                    channel=Channel.REMOTE_ACCESS,
                    exporter=operator_party,
                    importer=accessing,
                    exporter_role=role,
                    importer_role=SUB_PROCESSOR if role in PROCESSOR_ROLES else PROCESSOR,
                    destinations={code: (Place.ACCESSED_FROM,)},
                    categories=tuple(sorted(system["categories"])),
                    hr_data=holds_hr[system_id],
                    source=system_holder(system_id),
                    target=organisation_holder(accessing.id),
                    evidence=(
                        f"system {system_id} (run by {operator_party.id}) ACCESSED_FROM {code}"
                        f" by {accessing.id}"
                    ),
                    edge_id=global_id.edge_id(
                        "ACCESSED_FROM", None, ("System", system_id), ("Country", code)
                    ),
                )
            )
    for engagement in rows.engagements:
        if retired(engagement, as_of):
            continue
        exporter_org = organisations.get(engagement["exporter_id"])
        importer_org = organisations.get(engagement["importer_id"])
        if exporter_org is None or importer_org is None:
            continue
        role = engagement["role"] or PROCESSOR
        places = {importer_org.country: (Place.ESTABLISHED_IN,)} if importer_org.country else {}
        if on_no_path(places, organisation_holder(importer_org.id)):
            continue
        movements.append(
            _Movement(
                id=engagement["id"] or f"engages:{exporter_org.id}:{importer_org.id}",
                channel=Channel.ENGAGEMENT,
                exporter=exporter_org,
                importer=importer_org,
                exporter_role=PROCESSOR if role == SUB_PROCESSOR else CONTROLLER,
                importer_role=role,
                destinations=places,
                categories=tuple(engagement["categories"]),
                hr_data=False,
                source=organisation_holder(exporter_org.id),
                target=organisation_holder(importer_org.id),
                evidence=(
                    f"{exporter_org.id} ENGAGES {importer_org.id} as {role}"
                    f" for {engagement['service'] or 'an unnamed service'}"
                ),
                authorisation_required=role == SUB_PROCESSOR,
                authorisation=engagement["authorisation"],
                subjects=named_subjects(engagement),
                edge_id=global_id.edge_id(
                    "ENGAGES",
                    engagement["id"],
                    ("Organisation", exporter_org.id),
                    ("Organisation", importer_org.id),
                ),
            )
        )
    special_of = SpecialCategories(special, held_special)
    hops = tuple(hop for movement in movements for hop in split(movement, rules, special_of))
    return HopGraph(hops=hops, origins=origins, operators=operators, carried=carried)


class SpecialCategories:
    """Whether a list of category keys carries Art. 9 data, decided once per distinct key: a map
    repeats the same few keys, in thousands of different lists, on its flows.

    A key carries Art. 9 data when it is an Art. 9 key or below one (`user.health_and_medical.x`);
    a key above one (`user`) carries it only when the map holds that Art. 9 data somewhere
    (`held`): a movement of "all user data" moves no health data where none is kept."""

    def __init__(self, special: Sequence[str], held: Sequence[str] = ()) -> None:
        self.special = tuple(special)
        self.held = tuple(held)
        self.known: dict[str, bool] = {}

    def __call__(self, categories: tuple[str, ...]) -> bool:
        return any(self.is_special(key) for key in categories)

    def is_special(self, key: str) -> bool:
        if key not in self.known:
            self.known[key] = any(
                key == s or key.startswith(s + ".") for s in self.special
            ) or carries_special_category((key,), self.held)
        return self.known[key]


def split(movement: _Movement, rules: RegimeRules, special_of: SpecialCategories) -> list[Hop]:
    """One hop per destination outside the area, or a single hop when all stay inside."""
    places: list[tuple[str | None, tuple[Place, ...]]] = list(movement.destinations.items())
    abroad = [(c, via) for c, via in places if c not in rules.area]
    chosen = abroad or places[:1] or [(None, ())]
    special_category = special_of(movement.categories)
    return [
        Hop(
            id=movement.id if len(chosen) == 1 else f"{movement.id}@{country}",
            channel=movement.channel,
            exporter=movement.exporter,
            importer=movement.importer,
            exporter_role=movement.exporter_role,
            importer_role=movement.importer_role,
            country=country,
            via=via,
            categories=movement.categories,
            special_category=special_category,
            hr_data=movement.hr_data,
            authorisation_required=movement.authorisation_required,
            authorisation=movement.authorisation,
            source=movement.source,
            target=movement.target,
            subjects=movement.subjects,
            edge_id=movement.edge_id,
            evidence=(
                movement.evidence,
                *(f"{movement.importer.id} reaches {country} by {place}" for place in via),
            ),
        )
        for country, via in chosen
    ]


def carried_by(hop: Hop, carried: Carried) -> Carried:
    """Whose data `hop` moves on from a holder that holds `carried`: those it names (all of them
    when it names none); an empty set when it carries none of them."""
    return carried_subjects(carried, hop.subjects)


def chains(graph: HopGraph) -> dict[str, tuple[str, tuple[Hop, ...]]]:
    """For every hop reachable from an origin, the origin and the shortest chain of hops from it
    that ends with the hop, following only hops that carry data the holder holds on the way.

    A breadth-first walk that visits each holder once per data subject (once when it holds any
    subject's data), so cycles and fan-out stay linear."""
    outgoing: dict[str, list[Hop]] = defaultdict(list)
    for hop in graph.hops:
        if hop.source is not None:
            outgoing[hop.source].append(hop)
    explored: dict[str, Carried] = {}
    queue: deque[tuple[str, Carried, str, tuple[Hop, ...]]] = deque()

    def arrive(holder: str, carried: Carried, origin: str, chain: tuple[Hop, ...]) -> None:
        before = explored.get(holder, frozenset())
        if before is None:
            return
        new = None if carried is None else carried - before
        if new is not None and not new:
            return
        explored[holder] = None if new is None else before | new
        queue.append((holder, new, origin, chain))

    for origin in graph.origins:
        arrive(origin, graph.carried.get(origin), origin, ())
    found: dict[str, tuple[str, tuple[Hop, ...]]] = {}
    while queue:
        holder, carried, origin, chain = queue.popleft()
        for hop in outgoing[holder]:
            moved = carried_by(hop, carried)
            if moved is not None and not moved:
                continue
            found.setdefault(hop.id, (origin, (*chain, hop)))
            if hop.target is not None:
                arrive(hop.target, moved, origin, (*chain, hop))
        operator = graph.operators.get(holder)
        if operator is not None:
            arrive(operator, carried, origin, chain)
    return found
