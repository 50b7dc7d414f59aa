"""The graph records a policy check reads, as plain data: the policy's claims with their
predicates, the owner's map, and the transfer paths of the owner's map."""

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from pydantic import TypeAdapter

from graph.database import Record
from graph.queries.policy import OwnerRows
from resolvers.rows import fact
from resolvers.transfer.decisions import Party, PathDecision, RegimeRules
from seeds.models import Predicate

PREDICATE: TypeAdapter[Predicate] = TypeAdapter(Predicate)


@dataclass(frozen=True)
class Claim:
    key: str
    section: str
    words: str
    note: str | None
    predicate: Predicate


@dataclass(frozen=True)
class Policy:
    key: str
    owner: str
    title: str
    last_updated: date
    source: str
    claims: tuple[Claim, ...]


@dataclass(frozen=True)
class Owner:
    id: str
    legal_name: str | None
    sells_personal_data: bool | None
    minimum_age: int | None
    directed_at_children: bool | None
    country: str | None = None
    serves: tuple[str, ...] = ()


@dataclass(frozen=True)
class System:
    id: str
    kind: str | None
    operator: str
    security_measures: tuple[str, ...]
    deletion_method: str | None
    retrieval_method: str | None
    rotation_days: int | None
    backs_up: str | None


@dataclass(frozen=True)
class Storage:
    id: str
    system: str
    subject: str | None
    categories: tuple[str, ...]
    retention_days: int | None
    obligation: str | None
    controller_role: str | None
    subjects_in: tuple[str, ...] = ()


@dataclass(frozen=True)
class Disclosure:
    organisation: str
    role: str | None


@dataclass(frozen=True)
class Activity:
    id: str
    purpose: str | None
    legal_basis: str | None
    special_category_condition: str | None
    preemptly_role: str | None
    controller: str | None
    categories: tuple[str, ...]
    systems: tuple[str, ...]
    discloses_to: tuple[Disclosure, ...]


@dataclass(frozen=True)
class Recipient:
    """An organisation that receives the owner's data, in its role, for the purposes recorded
    where it receives it, and the graph path by which it does."""

    organisation: str
    role: str | None
    purposes: tuple[str, ...]
    paths: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Transfer:
    """A transfer path of the owner's map, as the transfer assessment decided it."""

    regime: str
    verdict: str
    country: str | None
    reason: str
    path: tuple[str, ...]


@dataclass(frozen=True)
class Grant:
    """A right a regime's law grants (a RegimeRight of regimes.yaml)."""

    right: str
    article: str
    applies_when: str
    confidence: str
    source: str


@dataclass(frozen=True)
class RegimeLaw:
    """A regime as the policy check reads it: where it reaches (its area and markets, as the
    transfer engine's `RegimeRules`) and the rights it grants."""

    rules: RegimeRules
    name: str
    rights: dict[str, Grant]

    @property
    def key(self) -> str:
        return self.rules.key

    def covers(self, market: str) -> bool:
        return market in self.rules.area or market in self.rules.markets

    def reaches(self, owner: Owner) -> str | None:
        return self.rules.reaches(Party(owner.id, owner.country, serves=owner.serves))


@dataclass(frozen=True)
class OwnerMap:
    owner: Owner
    systems: tuple[System, ...]
    storages: tuple[Storage, ...]
    activities: tuple[Activity, ...]
    recipients: tuple[Recipient, ...]
    special: tuple[str, ...]
    regimes: tuple[RegimeLaw, ...] = ()

    def system(self, system_id: str) -> System | None:
        return next((system for system in self.systems if system.id == system_id), None)

    def holding(self) -> tuple[System, ...]:
        """The systems holding personal data: those with a storage, and their backups."""
        held = {storage.system for storage in self.storages}
        return tuple(s for s in self.systems if s.id in held or s.backs_up in held)


def policy(row: Record) -> Policy:
    found = row["policy"]
    return fact(
        Policy,
        found,
        last_updated=found["last_updated"].to_native(),
        claims=tuple(
            fact(Claim, claim, predicate=PREDICATE.validate_python(json.loads(claim["predicate"])))
            for claim in row["claims"]
        ),
    )


def owner_map(rows: OwnerRows) -> OwnerMap:
    assert rows.owner is not None
    activities = tuple(activity(row) for row in rows.activities)
    return OwnerMap(
        owner=fact(Owner, rows.owner, serves=tuple(sorted(rows.owner["serves"] or ()))),
        systems=tuple(
            fact(System, row, security_measures=tuple(row["security_measures"] or ()))
            for row in rows.systems
        ),
        storages=tuple(
            fact(
                Storage,
                row,
                categories=tuple(sorted(row["categories"])),
                subjects_in=tuple(sorted(row["subjects_in"])),
            )
            for row in rows.storages
        ),
        activities=activities,
        recipients=recipients(rows, activities),
        special=tuple(sorted(rows.special)),
        regimes=tuple(regime_law(row) for row in rows.regimes),
    )


def regime_law(row: Record) -> RegimeLaw:
    return RegimeLaw(
        rules=RegimeRules(
            key=row["key"],
            area=frozenset(row["area"]),
            markets=frozenset(row["markets"]),
            reach_article=row.get("reach") or "",
        ),
        name=row.get("name") or row["key"],
        rights={
            grant["right"]: fact(
                Grant,
                grant,
                applies_when=grant.get("applies_when") or "ALWAYS",
                confidence=grant.get("confidence") or "P",
            )
            for grant in sorted(row["rights"], key=lambda grant: str(grant["right"]))
        },
    )


def activity(row: Record) -> Activity:
    return fact(
        Activity,
        row,
        categories=tuple(sorted(row["categories"])),
        systems=tuple(sorted(row["systems"])),
        discloses_to=tuple(
            fact(Disclosure, d)
            for d in sorted(row["discloses_to"], key=lambda d: d["organisation"])
        ),
    )


def recipients(rows: OwnerRows, activities: Sequence[Activity]) -> tuple[Recipient, ...]:
    """Who receives the owner's data: each organisation it engages (for the purposes of the
    activities that disclose to it or whose flows reach it), each organisation an activity
    discloses to, and each organisation a flow from its systems reaches, except a customer
    getting back the data it controls (a flow to an organisation that engages the owner)."""
    owner = rows.owner["id"] if rows.owner else ""
    found: dict[str, tuple[str | None, set[str], list[tuple[str, ...]]]] = {}

    def add(organisation: str, role: str | None, purposes: Iterable[str], *path: str) -> None:
        known_role, known_purposes, paths = found.setdefault(organisation, (role, set(), []))
        if known_role is None and role is not None:
            found[organisation] = (role, known_purposes, paths)
        known_purposes.update(purposes)
        paths.append((*path, f"Organisation:{organisation}"))

    for engaged in rows.engaged:
        add(
            engaged["organisation"],
            engaged["role"],
            (),
            f"Organisation:{owner}",
            f"ENGAGES {engaged['id']}",
        )
    for item in activities:
        for disclosure in item.discloses_to:
            purposes = [item.purpose] if item.purpose else []
            add(
                disclosure.organisation,
                disclosure.role,
                purposes,
                f"ProcessingActivity:{item.id}",
                "DISCLOSES_TO",
            )
    for flow in rows.flows:
        if not flow["engages_owner"]:
            purposes = [flow["purpose"]] if flow["purpose"] else []
            add(
                flow["organisation"],
                None,
                purposes,
                f"System:{flow['system']}",
                f"FLOWS_TO {flow['id']}",
            )
    return tuple(
        Recipient(organisation=org, role=role, purposes=tuple(sorted(purposes)), paths=tuple(paths))
        for org, (role, purposes, paths) in sorted(found.items())
        if org != owner
    )


def transfers(regime: str, paths: Sequence[PathDecision], owned: frozenset[str]) -> list[Transfer]:
    """The paths of `regime` that belong to the owner's map: a hop exported by one of `owned`
    (the owner and the organisations it engages) or passing through one of `owned`'s holders
    (`system:<id>`)."""
    result = []
    for path in paths:
        hops = path.hops
        if not any(
            hop.hop.exporter.id in owned or hop.hop.source in owned or hop.hop.target in owned
            for hop in hops
        ):
            continue
        steps: list[str] = []
        for decision in hops:
            hop = decision.hop
            if not steps:
                steps.append(holder(hop.source or f"organisation:{hop.exporter.id}"))
            steps.append(f"{hop.channel} {hop.id}: {decision.verdict.value}")
            steps.append(holder(hop.target or f"organisation:{hop.importer.id}"))
        result.append(
            Transfer(
                regime=regime,
                verdict=path.verdict.value,
                country=path.last.hop.country,
                reason=path.last.reason,
                path=tuple(steps),
            )
        )
    return result


def holder(name: str) -> str:
    """`system:crm` as the graph labels it: `System:crm`."""
    kind, _, key = name.partition(":")
    return f"{kind.capitalize()}:{key}"
