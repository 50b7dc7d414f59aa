"""The graph's rows for the records of processing, as plain data."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from graph.database import Record
from graph.queries.records import RecordRows
from resolvers.transfer.hops import as_date


@dataclass(frozen=True)
class Profile:
    key: str
    name: str
    regime: str
    template: str
    source: str


@dataclass(frozen=True)
class Column:
    key: str
    record_kind: str
    position: int
    heading: str
    item: str | None
    field: str | None
    note: str | None


@dataclass(frozen=True)
class Organisation:
    id: str
    legal_name: str | None
    country: str | None
    website: str | None
    is_self: bool
    dpa_signed: date | bool | None
    """The day the data processing agreement was signed, or only whether it was."""
    supervisory_authority: str | None

    @property
    def label(self) -> str:
        return self.legal_name or self.id


@dataclass(frozen=True)
class Obligation:
    id: str
    period_years: int | None
    indefinite: bool
    legal_reference: str | None
    record_type: str | None


@dataclass(frozen=True)
class Storage:
    id: str
    subjects: tuple[str, ...]
    categories: tuple[str, ...]
    retention: str | None
    retention_days: int | None
    collected_from_subject: bool
    obligations: tuple[Obligation, ...]


@dataclass(frozen=True)
class Measure:
    key: str
    label: str
    cnil: str | None


@dataclass(frozen=True)
class Backup:
    id: str
    name: str | None
    rotation_days: int | None


@dataclass(frozen=True)
class Inbound:
    flow_id: str
    system_id: str
    system_name: str | None


@dataclass(frozen=True)
class System:
    id: str
    name: str | None
    owner_team: str | None
    retired_on: date | None
    operator_id: str | None
    operator_role: str | None
    hosted_in: tuple[str, ...]
    measures: tuple[Measure, ...]
    storages: tuple[Storage, ...]
    backups: tuple[Backup, ...]
    inbound: tuple[Inbound, ...]

    @property
    def label(self) -> str:
        return self.name or self.id


@dataclass(frozen=True)
class Activity:
    id: str
    name: str | None
    preemptly_role: str | None
    controller_id: str | None
    purpose: str | None
    purpose_name: str | None
    legal_basis: str | None
    legal_basis_article: str | None
    legal_basis_text: str | None
    condition: str | None
    condition_article: str | None
    condition_text: str | None
    retention: str | None
    retention_days: int | None
    automated_decision_making: bool
    profiling: bool
    recipient_categories: tuple[str, ...]
    subjects: tuple[tuple[str, str | None], ...]
    categories: tuple[str, ...]
    systems: tuple[str, ...]
    disclosures: tuple[tuple[str, str | None], ...]

    @property
    def label(self) -> str:
        return self.name or self.id


@dataclass(frozen=True)
class Derogation:
    key: str
    article: str | None
    text: str | None


@dataclass(frozen=True)
class RecordFacts:
    profile: Profile
    columns: tuple[Column, ...]
    activities: tuple[Activity, ...]
    systems: dict[str, System]
    organisations: dict[str, Organisation]
    category_names: dict[str, str]
    special_categories: frozenset[str]
    country_names: dict[str, str]
    derogations: dict[str, Derogation]

    @property
    def self_organisation(self) -> Organisation | None:
        return next((o for o in self.organisations.values() if o.is_self), None)


def _pairs(rows: Sequence[Sequence[Any]]) -> tuple[tuple[str, str | None], ...]:
    return tuple((row[0], row[1]) for row in rows)


def profile(row: Record) -> Profile:
    return Profile(
        key=row["key"],
        name=row["name"],
        regime=row["regime"],
        template=row["template"],
        source=row["source"],
    )


def system(row: Record) -> System:
    return System(
        id=row["id"],
        name=row["name"],
        owner_team=row["owner_team"],
        retired_on=as_date(row["retired_on"]),
        operator_id=row["operator_id"],
        operator_role=row["operator_role"],
        hosted_in=tuple(sorted(set(row["hosted_in"]))),
        measures=tuple(
            sorted(
                (Measure(key=m[0], label=m[1] or m[0], cnil=m[2]) for m in row["measures"]),
                key=lambda m: m.key,
            )
        ),
        storages=tuple(
            Storage(
                id=st["id"],
                subjects=tuple(st["subjects"]),
                categories=tuple(sorted(set(st["categories"]))),
                retention=st["retention"],
                retention_days=st["retention_days"],
                collected_from_subject=st["collected_from_subject"],
                obligations=tuple(
                    Obligation(
                        id=o[0],
                        period_years=o[1],
                        indefinite=o[2],
                        legal_reference=o[3],
                        record_type=o[4],
                    )
                    for o in st["obligations"]
                ),
            )
            for st in sorted(row["storages"], key=lambda st: st["id"])
        ),
        backups=tuple(Backup(id=b[0], name=b[1], rotation_days=b[2]) for b in row["backups"]),
        inbound=tuple(
            Inbound(flow_id=f[0], system_id=f[1], system_name=f[2])
            for f in sorted(row["inbound"], key=lambda f: f[0])
        ),
    )


def activity(row: Record) -> Activity:
    return Activity(
        id=row["id"],
        name=row["name"],
        preemptly_role=row["preemptly_role"],
        controller_id=row["controller_id"],
        purpose=row["purpose"],
        purpose_name=row["purpose_name"],
        legal_basis=row["legal_basis"],
        legal_basis_article=row["legal_basis_article"],
        legal_basis_text=row["legal_basis_text"],
        condition=row["condition"],
        condition_article=row["condition_article"],
        condition_text=row["condition_text"],
        retention=row["retention"],
        retention_days=row["retention_days"],
        automated_decision_making=row["automated_decision_making"],
        profiling=row["profiling"],
        recipient_categories=tuple(row["recipient_categories"]),
        subjects=tuple(sorted(_pairs(row["subjects"]))),
        categories=tuple(sorted(set(row["categories"]))),
        systems=tuple(sorted(set(row["systems"]))),
        disclosures=tuple(sorted(set(_pairs(row["disclosures"])), key=lambda d: d[0])),
    )


def organisation(row: Record) -> Organisation:
    return Organisation(
        id=row["id"],
        legal_name=row["legal_name"],
        country=row["country"],
        website=row["website"],
        is_self=row["is_self"],
        dpa_signed=(
            row["dpa_signed"] if isinstance(row["dpa_signed"], bool) else as_date(row["dpa_signed"])
        ),
        supervisory_authority=row["supervisory_authority"],
    )


def record_facts(rows: RecordRows, as_of: date) -> RecordFacts:
    """The facts of `rows`, without the systems retired by `as_of`."""
    assert rows.profile is not None
    systems = (system(row) for row in rows.systems)
    return RecordFacts(
        profile=profile(rows.profile),
        columns=tuple(
            Column(
                key=c["key"],
                record_kind=c["record_kind"],
                position=c["position"],
                heading=c["heading"],
                item=c["item"],
                field=c["field"],
                note=c["note"],
            )
            for c in rows.columns
        ),
        activities=tuple(activity(row) for row in rows.activities),
        systems={s.id: s for s in systems if s.retired_on is None or s.retired_on > as_of},
        organisations={o.id: o for o in (organisation(row) for row in rows.organisations)},
        category_names={row[0]: row[1] or row[0] for row in rows.categories},
        special_categories=frozenset(row[0] for row in rows.categories if row[2]),
        country_names={row[0]: row[1] or row[0] for row in rows.countries},
        derogations={row[0]: Derogation(row[0], row[1], row[2]) for row in rows.derogations},
    )
