"""What a transfer assessment reads: one regime's reference data and the whole map's movements, in
five statements inside one read transaction, then the flows that can matter in a sixth, whatever
the size of the map.

Each statement returns a single row holding one list of small lists (ids, keys and the few
properties a decision reads), in the column order of its `*_FIELDS` names. One row instead of one
record per entity keeps the driver's per-record cost out of the assessment: at 15,000 flows it was
most of the time."""

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, LiteralString

from neo4j import AsyncManagedTransaction

from graph.database import Database, Record, fetch_single

REGIME = """
OPTIONAL MATCH (r:Regime {key: $regime})
CALL (r) {
  OPTIONAL MATCH (c:Country)-[:IN_AREA_OF]->(r)
  RETURN collect(c.code) AS area
}
CALL (r) {
  OPTIONAL MATCH (a:AdequacyDecision)-[:OF_REGIME]->(r)
  WITH a WHERE a IS NOT NULL
  RETURN collect([a.id, a.instrument, [(a)-[:COVERS]->(d:Country) | d.code], a.scope,
                  a.valid_from, a.valid_until, a.scope_law, a.dpf_framework, a.dpf_prerequisite,
                  a.risk_note, a.source]) AS adequacy
}
CALL (r) {
  OPTIONAL MATCH (r)-[a:ACCEPTS]->(t:TransferTool)
  WITH a, t WHERE t IS NOT NULL
  RETURN collect([t.key, t.name, t.text_source, a.article, coalesce(a.accepted, true),
                  coalesce(a.listed_only, false), coalesce(t.modules, false), a.note]) AS tools
}
CALL () {
  OPTIONAL MATCH (k:DataCategory {special_category: true})
  RETURN collect(k.key) AS special
}
CALL () {
  OPTIONAL MATCH (k:DataCategory {special_category: true})
  WHERE EXISTS { (:Storage)-[:OF_CATEGORY]->(h:DataCategory)
                 WHERE h.key = k.key OR h.key STARTS WITH k.key + '.' }
  RETURN collect(k.key) AS held_special
}
CALL () {
  OPTIONAL MATCH (t:Regime) WHERE t.transfer_article IS NOT NULL
  RETURN collect(t.key) AS transfer_regimes
}
RETURN r IS NOT NULL AS known, area, adequacy, tools, special, held_special, transfer_regimes,
       coalesce(r.markets, []) AS markets, r.transfer_article AS transfer_article,
       r.transfer_source AS transfer_source, r.not_a_transfer AS not_a_transfer,
       r.not_a_transfer_source AS not_a_transfer_source, r.adequacy_article AS adequacy_article,
       r.derogation_article AS derogation_article, r.reach AS reach
"""
ADEQUACY_FIELDS = (
    "id",
    "instrument",
    "countries",
    "scope",
    "valid_from",
    "valid_until",
    "scope_law",
    "dpf_framework",
    "dpf_prerequisite",
    "risk_note",
    "source",
)
TOOL_FIELDS = (
    "key",
    "name",
    "text_source",
    "article",
    "accepted",
    "listed_only",
    "modules",
    "note",
)

ORGANISATION_ROWS = """
RETURN collect([
  o.id,
  coalesce([(o)-[:ESTABLISHED_IN]->(c:Country) | c.code][0], o.country),
  coalesce(o.subject_to, []),
  coalesce(o.is_self, false),
  o.retired_on,
  [(o)-[:CERTIFIED_UNDER]->(d:DpfCertification) WHERE d.retired_on IS NULL |
    [d.framework, d.status, coalesce(d.data_types, []), d.certified_on, d.expires_on]],
  coalesce(o.serves, [])
]) AS rows
"""
ORGANISATIONS = "MATCH (o:Organisation)" + ORGANISATION_ROWS
NAMED_ORGANISATIONS = "MATCH (o:Organisation) WHERE o.id IN $ids" + ORGANISATION_ROWS
ORGANISATION_FIELDS = ("id", "country", "subject_to", "is_self", "retired_on", "dpf", "serves")
DPF_FIELDS = ("framework", "status", "data_types", "certified_on", "expires_on")

SAFEGUARD_PARTIES = (
    "MATCH (e:Organisation)<-[:EXPORTER]-(s:Safeguard)-[:IMPORTER]->(i:Organisation) "
)
SAFEGUARD_ROWS = """
RETURN collect([s.id, s.type, e.id, i.id, s.module, s.derogation, coalesce(s.regimes, []),
                s.signed_on, s.expires_on, s.tia_on, s.tia_outcome,
                coalesce(s.supplementary_measures, []), s.retired_on]) AS rows
"""
SAFEGUARDS = SAFEGUARD_PARTIES + SAFEGUARD_ROWS
PAIR_SAFEGUARDS = SAFEGUARD_PARTIES + "WHERE e.id IN $ids AND i.id IN $ids " + SAFEGUARD_ROWS
SAFEGUARD_FIELDS = (
    "id",
    "type",
    "exporter_id",
    "importer_id",
    "module",
    "derogation",
    "regimes",
    "signed_on",
    "expires_on",
    "tia_on",
    "tia_outcome",
    "supplementary_measures",
    "retired_on",
)

SYSTEMS = """
MATCH (s:System)
OPTIONAL MATCH (s)-[op:OPERATED_BY]->(o:Organisation)
WITH s, o, op, COUNT { (s)<-[:FLOWS_TO]-() } > 0 AS fed
RETURN collect([
  s.id,
  s.retired_on,
  o.id,
  op.role,
  [(s)-[:HOSTED_IN]->(c:Country) | c.code],
  [(s)-[a:ACCESSED_FROM]->(c:Country) | [c.code, a.by]],
  fed,
  coalesce(s.hr_data, false) OR EXISTS {
    (s)<-[:IN_SYSTEM]-(:Storage)-[:OF_SUBJECT]->(d:DataSubject) WHERE d.key IN $hr_subjects
  },
  CASE WHEN NOT fed AND op.role IN $operator_roles THEN COLLECT {
    MATCH (s)<-[:IN_SYSTEM]-(:Storage)-[:OF_CATEGORY]->(k:DataCategory) RETURN DISTINCT k.key
  } ELSE [] END,
  [(s)<-[:IN_SYSTEM]-(st:Storage {collected_from_subject: true}) |
    [st.id, coalesce(st.subjects_in, []), st.controller_role]]
]) AS rows
"""
SYSTEM_FIELDS = (
    "id",
    "retired_on",
    "operator_id",
    "operator_role",
    "hosted_in",
    "accessed_from",
    "fed",
    "hr_data",
    "categories",
    "collects",
)
"""A system's `hr_data` says whether it holds HR data: registered so (`hr_data`), or data of one
of `hr_subjects`; its `categories`, what
its storages hold, are read only for a system no flow feeds that is run in one of
`operator_roles` (the one case that moves its data by its operation alone)."""

FLOWS_INTO = """
CALL () {
  UNWIND $systems AS id
  MATCH (s:System)-[f:FLOWS_TO]->(t:System {id: id})
  RETURN f, s, t
  UNION ALL
  MATCH (s:System)-[f:FLOWS_TO]->(t:Organisation)
  RETURN f, s, t
}
RETURN collect([f.id, s.id, t.id, t:System, coalesce(f.categories, []), f.retired_on]) AS rows
"""
FLOW_FIELDS = ("id", "source_id", "target_id", "to_system", "categories", "retired_on")

ENGAGEMENTS = """
MATCH (a:Organisation)-[e:ENGAGES]->(b:Organisation)
RETURN collect([e.id, a.id, b.id, e.role, e.authorisation, coalesce(e.categories, []),
                e.service, e.retired_on]) AS rows
"""
ENGAGEMENT_FIELDS = (
    "id",
    "exporter_id",
    "importer_id",
    "role",
    "authorisation",
    "categories",
    "service",
    "retired_on",
)


@dataclass(frozen=True)
class TransferMap:
    """The rows an assessment starts from, as the graph returns them; the flows are read apart
    (`flows_into`), once the assessment knows which targets can be on a path."""

    regime: Record
    organisations: list[Record]
    safeguards: list[Record]
    systems: list[Record]
    engagements: list[Record]


def records(fields: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[Record]:
    """Name the columns of rows collected as lists."""
    return [dict(zip(fields, row, strict=True)) for row in rows]


def organisation_records(rows: Sequence[Sequence[Any]]) -> list[Record]:
    return [
        organisation | {"dpf": records(DPF_FIELDS, organisation["dpf"])}
        for organisation in records(ORGANISATION_FIELDS, rows)
    ]


async def _rows(
    tx: AsyncManagedTransaction,
    db: Database,
    text: LiteralString,
    params: Mapping[str, Any] | None = None,
) -> list[Any]:
    rows: list[Any] = (await fetch_single(tx, db, text, params))["rows"]
    return rows


async def _regime(tx: AsyncManagedTransaction, db: Database, regime: str) -> Record:
    row = await fetch_single(tx, db, REGIME, {"regime": regime})
    return row | {
        "adequacy": records(ADEQUACY_FIELDS, row["adequacy"]),
        "tools": records(TOOL_FIELDS, row["tools"]),
    }


async def transfer_map(
    db: Database,
    regime: str,
    *,
    hr_subjects: Collection[str],
    operator_roles: Collection[str],
) -> TransferMap:
    systems = {"hr_subjects": sorted(hr_subjects), "operator_roles": sorted(operator_roles)}

    async def work(tx: AsyncManagedTransaction) -> TransferMap:
        return TransferMap(
            regime=await _regime(tx, db, regime),
            organisations=organisation_records(await _rows(tx, db, ORGANISATIONS)),
            safeguards=records(SAFEGUARD_FIELDS, await _rows(tx, db, SAFEGUARDS)),
            systems=records(SYSTEM_FIELDS, await _rows(tx, db, SYSTEMS, systems)),
            engagements=records(ENGAGEMENT_FIELDS, await _rows(tx, db, ENGAGEMENTS)),
        )

    return await db.read_tx(work)


async def flows_into(db: Database, systems: list[str]) -> list[Record]:
    """The flows into `systems` and into organisations: a whole-map read costs most of an
    assessment, and most flows end at systems where no path can leave."""
    rows = await db.read_tx(lambda tx: _rows(tx, db, FLOWS_INTO, {"systems": systems}))
    return records(FLOW_FIELDS, rows)


async def check_map(db: Database, *, regime: str, organisation_ids: list[str]) -> TransferMap:
    """What a what-if check reads: the regime's reference data, the named organisations and the
    safeguards between them; no systems or movements."""

    async def work(tx: AsyncManagedTransaction) -> TransferMap:
        ids = {"ids": organisation_ids}
        return TransferMap(
            regime=await _regime(tx, db, regime),
            organisations=organisation_records(await _rows(tx, db, NAMED_ORGANISATIONS, ids)),
            safeguards=records(SAFEGUARD_FIELDS, await _rows(tx, db, PAIR_SAFEGUARDS, ids)),
            systems=[],
            engagements=[],
        )

    return await db.read_tx(work)
