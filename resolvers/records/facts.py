"""The graph's rows for the records of processing, as plain data."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from graph.database import Record
from graph.queries.records import RecordRows
from resolvers.rows import fact
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


def system(row: Record) -> System:
    return fact(
        System,
        row,
        retired_on=as_date(row["retired_on"]),
        hosted_in=tuple(sorted(set(row["hosted_in"]))),
        measures=tuple(
            sorted(
                (Measure(key=m[0], label=m[1] or m[0], cnil=m[2]) for m in row["measures"]),
                key=lambda m: m.key,
            )
        ),
        storages=tuple(
            fact(
                Storage,
                st,
                categories=tuple(sorted(set(st["categories"]))),
                obligations=tuple(Obligation(*o) for o in st["obligations"]),
            )
            for st in sorted(row["storages"], key=lambda st: st["id"])
        ),
        backups=tuple(Backup(*b) for b in row["backups"]),
        inbound=tuple(Inbound(*f) for f in sorted(row["inbound"], key=lambda f: f[0])),
    )


def activity(row: Record) -> Activity:
    return fact(
        Activity,
        row,
        subjects=tuple(sorted(_pairs(row["subjects"]))),
        categories=tuple(sorted(set(row["categories"]))),
        systems=tuple(sorted(set(row["systems"]))),
        disclosures=tuple(sorted(set(_pairs(row["disclosures"])), key=lambda d: d[0])),
    )


def organisation(row: Record) -> Organisation:
    signed = row["dpa_signed"]
    return fact(
        Organisation, row, dpa_signed=signed if isinstance(signed, bool) else as_date(signed)
    )


def record_facts(rows: RecordRows, as_of: date) -> RecordFacts:
    """The facts of `rows`, without the systems retired by `as_of`."""
    assert rows.profile is not None
    systems = (system(row) for row in rows.systems)
    return RecordFacts(
        profile=fact(Profile, rows.profile),
        columns=tuple(fact(Column, c) for c in rows.columns),
        activities=tuple(activity(row) for row in rows.activities),
        systems={s.id: s for s in systems if s.retired_on is None or s.retired_on > as_of},
        organisations={o.id: o for o in (organisation(row) for row in rows.organisations)},
        category_names={row[0]: row[1] or row[0] for row in rows.categories},
        special_categories=frozenset(row[0] for row in rows.categories if row[2]),
        country_names={row[0]: row[1] or row[0] for row in rows.countries},
        derogations={row[0]: Derogation(row[0], row[1], row[2]) for row in rows.derogations},
    )
