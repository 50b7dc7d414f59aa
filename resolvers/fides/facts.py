"""The entities one source registered, as plain data for the export."""

from dataclasses import dataclass

from graph.database import Record
from resolvers.rows import fact


@dataclass(frozen=True)
class OrganisationFacts:
    key: str
    legal_name: str


@dataclass(frozen=True)
class SystemFacts:
    key: str
    name: str
    kind: str
    description: str | None
    owner_team: str | None
    deletion_method: str | None
    retrieval_method: str | None
    identifiers: tuple[str, ...]
    operator: str
    """The operator's fides key: its external id when the same source registered it, else its
    datamap id."""
    operator_role: str
    hosted_in: tuple[str, ...]


@dataclass(frozen=True)
class ActivityFacts:
    key: str
    name: str
    purpose: str
    legal_basis: str | None
    special_category_condition: str | None
    retention: str | None
    categories: tuple[str, ...]
    recipient_categories: tuple[str, ...]
    subjects: tuple[str, ...]
    systems: tuple[str, ...]
    profiling: bool


@dataclass(frozen=True)
class StorageFacts:
    external_id: str
    system: str
    subject: str
    categories: tuple[str, ...]
    retention: str | None
    collected_from_subject: bool


@dataclass(frozen=True)
class FlowFacts:
    from_system: str
    to_system: str
    purpose: str
    categories: tuple[str, ...]


@dataclass(frozen=True)
class TaxonomyFacts:
    label: str
    key: str
    name: str
    description: str | None
    parent_key: str | None


@dataclass(frozen=True)
class Registered:
    organisations: tuple[OrganisationFacts, ...]
    systems: tuple[SystemFacts, ...]
    activities: tuple[ActivityFacts, ...]
    storages: tuple[StorageFacts, ...]
    flows: tuple[FlowFacts, ...]
    taxonomy: tuple[TaxonomyFacts, ...]


def registered(row: Record, source: str) -> Registered:
    """The export's facts from `graph.queries.fides.registered_by`."""
    return Registered(
        organisations=tuple(
            OrganisationFacts(o["external_id"], o["legal_name"]) for o in row["organisations"]
        ),
        systems=tuple(
            fact(
                SystemFacts,
                s,
                key=s["external_id"],
                operator=s["operator"]["external_id"]
                if s["operator"]["source"] == source
                else s["operator"]["id"],
                operator_role=s["operator"]["role"],
                hosted_in=tuple(sorted(s["hosted_in"])),
            )
            for s in row["systems"]
        ),
        activities=tuple(
            fact(
                ActivityFacts,
                a,
                key=a["external_id"],
                subjects=tuple(sorted(a["subjects"])),
                systems=tuple(sorted(a["systems"])),
                profiling=bool(a["profiling"]),
            )
            for a in row["activities"]
        ),
        storages=tuple(
            fact(StorageFacts, st, collected_from_subject=bool(st["collected_from_subject"]))
            for st in row["storages"]
        ),
        flows=tuple(fact(FlowFacts, f) for f in row["flows"]),
        taxonomy=tuple(fact(TaxonomyFacts, t) for t in row["taxonomy"]),
    )
