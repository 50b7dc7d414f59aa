"""What the records of processing (Art. 30) read besides the transfer assessment: the profile's
columns, every processing activity, the systems they run on with their storages, backups, inbound
flows and security measures, the organisations they name, and the names of the categories,
countries and derogations they cite. Five statements in one read transaction, each returning one
row of collected lists (as `graph/queries/transfers.py` does), whatever the size of the map."""

from dataclasses import dataclass
from typing import Any

from neo4j import AsyncManagedTransaction

from graph.database import Database, Record, fetch_single
from graph.queries.transfers import records

PROFILE = """
OPTIONAL MATCH (p:RecordProfile {key: $profile})
CALL (p) {
  OPTIONAL MATCH (p)-[:HAS_COLUMN]->(c:RecordColumn)
  WITH c ORDER BY c.position
  WITH c WHERE c IS NOT NULL
  RETURN collect([c.key, c.record_kind, c.position, c.heading, c.item, c.field, c.note]) AS columns
}
CALL () {
  OPTIONAL MATCH (any:RecordProfile)
  RETURN collect(any.key) AS known
}
CALL () {
  OPTIONAL MATCH (r:Regime) WHERE r.transfer_article IS NOT NULL
  RETURN collect(r.key) AS regimes
}
RETURN p {.key, .name, .regime, .template, .source, .source_date, .confidence} AS profile,
       columns, known, regimes
"""
COLUMN_FIELDS = ("key", "record_kind", "position", "heading", "item", "field", "note")

ACTIVITIES = """
MATCH (pa:ProcessingActivity)
OPTIONAL MATCH (pa)-[:CONTROLLED_BY]->(controller:Organisation)
OPTIONAL MATCH (pa)-[:FOR_PURPOSE]->(use:DataUse)
OPTIONAL MATCH (pa)-[:ON_LEGAL_BASIS]->(basis:LegalBasis)
OPTIONAL MATCH (condition:SpecialCategoryCondition {key: pa.special_category_condition})
WITH pa, controller, use, basis, condition
ORDER BY pa.id
RETURN collect([
  pa.id, pa.name, pa.preemptly_role, controller.id, coalesce(use.key, pa.purpose), use.name,
  basis.key, basis.article, basis.text, condition.key, condition.article, condition.text,
  pa.retention, pa.retention_days, coalesce(pa.automated_decision_making, false),
  coalesce(pa.profiling, false), coalesce(pa.recipient_categories, []),
  [(pa)-[:CONCERNS]->(d:DataSubject) | [d.key, d.name]],
  coalesce(pa.categories, []) + [(pa)-[:USES_CATEGORY]->(k:DataCategory) | k.key],
  [(pa)-[:RUNS_ON]->(s:System) | s.id],
  [(pa)-[r:DISCLOSES_TO]->(o:Organisation) | [o.id, r.role]]
]) AS rows
"""
ACTIVITY_FIELDS = (
    "id",
    "name",
    "preemptly_role",
    "controller_id",
    "purpose",
    "purpose_name",
    "legal_basis",
    "legal_basis_article",
    "legal_basis_text",
    "condition",
    "condition_article",
    "condition_text",
    "retention",
    "retention_days",
    "automated_decision_making",
    "profiling",
    "recipient_categories",
    "subjects",
    "categories",
    "systems",
    "disclosures",
)

SYSTEMS = """
UNWIND $ids AS id
MATCH (s:System {id: id})
OPTIONAL MATCH (s)-[op:OPERATED_BY]->(o:Organisation)
RETURN collect([
  s.id, s.name, s.owner_team, s.retired_on, o.id, op.role,
  [(s)-[:HOSTED_IN]->(c:Country) | c.code],
  [(s)-[:PROTECTED_BY]->(m:SecurityMeasure) | [m.key, m.label, m.cnil]],
  [(st:Storage)-[:IN_SYSTEM]->(s) | [
    st.id, [(st)-[:OF_SUBJECT]->(d:DataSubject) | d.key],
    coalesce(st.categories, []) + [(st)-[:OF_CATEGORY]->(k:DataCategory) | k.key],
    st.retention, st.retention_days, coalesce(st.collected_from_subject, false),
    [(st)-[:RETAINED_UNDER]->(r:RetentionObligation) |
      [r.id, r.period_years, coalesce(r.indefinite, false), r.legal_reference, r.record_type]]
  ]],
  [(b:System)-[:BACKS_UP]->(s) | [b.id, b.name, b.rotation_days]],
  [(source:System)-[f:FLOWS_TO]->(s) | [f.id, source.id, source.name]]
]) AS rows
"""
SYSTEM_FIELDS = (
    "id",
    "name",
    "owner_team",
    "retired_on",
    "operator_id",
    "operator_role",
    "hosted_in",
    "measures",
    "storages",
    "backups",
    "inbound",
)
STORAGE_FIELDS = (
    "id",
    "subjects",
    "categories",
    "retention",
    "retention_days",
    "collected_from_subject",
    "obligations",
)

ORGANISATIONS = """
MATCH (o:Organisation) WHERE o.id IN $ids OR o.is_self
RETURN collect([o.id, o.legal_name, o.country, o.website, coalesce(o.is_self, false), o.kind,
                o.dpa_signed, o.supervisory_authority]) AS rows
"""
ORGANISATION_FIELDS = (
    "id",
    "legal_name",
    "country",
    "website",
    "is_self",
    "kind",
    "dpa_signed",
    "supervisory_authority",
)

NAMES = """
CALL () {
  UNWIND $categories AS key
  MATCH (k:DataCategory {key: key})
  RETURN collect([k.key, k.name, coalesce(k.special_category, false)]) AS categories
}
CALL () {
  MATCH (c:Country)
  RETURN collect([c.code, c.name]) AS countries
}
CALL () {
  OPTIONAL MATCH (d:Derogation)
  RETURN collect([d.key, d.article, d.text]) AS derogations
}
RETURN categories, countries, derogations
"""


@dataclass(frozen=True)
class RecordRows:
    """The rows a set of records is made from, as the graph returns them (named columns)."""

    profile: Record | None
    known_profiles: list[str]
    transfer_regimes: list[str]
    """The regimes whose transfer rules the graph holds (those a record can be decided under)."""
    columns: list[Record]
    activities: list[Record]
    systems: list[Record]
    organisations: list[Record]
    categories: list[list[Any]]
    countries: list[list[Any]]
    derogations: list[list[Any]]


def _systems(rows: list[list[Any]]) -> list[Record]:
    return [
        system | {"storages": records(STORAGE_FIELDS, system["storages"])}
        for system in records(SYSTEM_FIELDS, rows)
    ]


async def record_rows(db: Database, profile: str) -> RecordRows:
    async def work(tx: AsyncManagedTransaction) -> RecordRows:
        head = await fetch_single(tx, db, PROFILE, {"profile": profile})
        activities = records(ACTIVITY_FIELDS, (await fetch_single(tx, db, ACTIVITIES))["rows"])
        system_ids = sorted({s for a in activities for s in a["systems"]})
        systems = _systems((await fetch_single(tx, db, SYSTEMS, {"ids": system_ids}))["rows"])
        organisation_ids = sorted(
            {a["controller_id"] for a in activities if a["controller_id"]}
            | {o for a in activities for o, _ in a["disclosures"]}
            | {s["operator_id"] for s in systems if s["operator_id"]}
        )
        organisations = records(
            ORGANISATION_FIELDS,
            (await fetch_single(tx, db, ORGANISATIONS, {"ids": organisation_ids}))["rows"],
        )
        category_keys = sorted(
            {k for a in activities for k in a["categories"]}
            | {k for s in systems for st in s["storages"] for k in st["categories"]}
        )
        names = await fetch_single(tx, db, NAMES, {"categories": category_keys})
        return RecordRows(
            profile=head["profile"],
            known_profiles=sorted(head["known"]),
            transfer_regimes=sorted(head["regimes"]),
            columns=records(COLUMN_FIELDS, head["columns"]),
            activities=activities,
            systems=systems,
            organisations=organisations,
            categories=names["categories"],
            countries=names["countries"],
            derogations=names["derogations"],
        )

    return await db.read_tx(work)
