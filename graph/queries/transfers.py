"""What a transfer assessment reads: one regime's reference data and the whole map's movements, in
six statements inside one read transaction, whatever the size of the map."""

from dataclasses import dataclass

from neo4j import AsyncManagedTransaction

from graph.database import Database, Record, fetch

REGIME = """
OPTIONAL MATCH (r:Regime {key: $regime})
CALL (r) {
  OPTIONAL MATCH (c:Country)-[:IN_AREA_OF]->(r)
  RETURN collect(c.code) AS area
}
CALL (r) {
  OPTIONAL MATCH (a:AdequacyDecision)-[:OF_REGIME]->(r)
  WITH a WHERE a IS NOT NULL
  RETURN collect(a {.*, countries: [(a)-[:COVERS]->(d:Country) | d.code]}) AS adequacy
}
CALL () {
  OPTIONAL MATCH (k:DataCategory {special_category: true})
  RETURN collect(k.key) AS special
}
RETURN r IS NOT NULL AS known, area, adequacy, special
"""

ORGANISATION_FIELDS = """
RETURN o.id AS id,
       coalesce([(o)-[:ESTABLISHED_IN]->(c:Country) | c.code][0], o.country) AS country,
       coalesce(o.subject_to, []) AS subject_to,
       coalesce(o.is_self, false) AS is_self,
       o.retired_on AS retired_on,
       [(o)-[:CERTIFIED_UNDER]->(d:DpfCertification) | d {.*}] AS dpf
"""
ORGANISATIONS = "MATCH (o:Organisation)" + ORGANISATION_FIELDS
NAMED_ORGANISATIONS = "MATCH (o:Organisation) WHERE o.id IN $ids" + ORGANISATION_FIELDS

SAFEGUARD_PARTIES = (
    "MATCH (e:Organisation)<-[:EXPORTER]-(s:Safeguard)-[:IMPORTER]->(i:Organisation) "
)
SAFEGUARD_FIELDS = "RETURN s {.*, exporter_id: e.id, importer_id: i.id} AS safeguard"
SAFEGUARDS = SAFEGUARD_PARTIES + SAFEGUARD_FIELDS
PAIR_SAFEGUARDS = SAFEGUARD_PARTIES + "WHERE e.id IN $ids AND i.id IN $ids " + SAFEGUARD_FIELDS

SYSTEMS = """
MATCH (s:System)
OPTIONAL MATCH (s)-[op:OPERATED_BY]->(o:Organisation)
RETURN s.id AS id,
       s.retired_on AS retired_on,
       o.id AS operator_id,
       op.role AS operator_role,
       [(s)-[:HOSTED_IN]->(c:Country) | c.code] AS hosted_in,
       [(s)-[:ACCESSED_FROM]->(c:Country) | c.code] AS accessed_from,
       COUNT { (s)<-[:FLOWS_TO]-() } > 0 AS fed,
       [(s)<-[:IN_SYSTEM]-(st:Storage)-[:OF_SUBJECT]->(d:DataSubject) | d.key] AS subjects,
       [(s)<-[:IN_SYSTEM]-(:Storage)-[:OF_CATEGORY]->(k:DataCategory) | k.key] AS categories
"""

FLOWS = """
MATCH (s:System)-[f:FLOWS_TO]->(t)
RETURN f.id AS id, s.id AS source_id, t.id AS target_id, t:System AS to_system,
       coalesce(f.categories, []) AS categories, f.mode AS mode
"""

ENGAGEMENTS = """
MATCH (a:Organisation)-[e:ENGAGES]->(b:Organisation)
RETURN e.id AS id, a.id AS exporter_id, b.id AS importer_id, e.role AS role,
       e.authorisation AS authorisation, coalesce(e.categories, []) AS categories,
       e.service AS service
"""


@dataclass(frozen=True)
class TransferMap:
    """The rows an assessment starts from, as the graph returns them."""

    regime: Record
    organisations: list[Record]
    safeguards: list[Record]
    systems: list[Record]
    flows: list[Record]
    engagements: list[Record]


async def transfer_map(db: Database, regime: str) -> TransferMap:
    async def work(tx: AsyncManagedTransaction) -> TransferMap:
        reference = await fetch(tx, db, REGIME, {"regime": regime})
        return TransferMap(
            regime=reference[0],
            organisations=await fetch(tx, db, ORGANISATIONS),
            safeguards=[row["safeguard"] for row in await fetch(tx, db, SAFEGUARDS)],
            systems=await fetch(tx, db, SYSTEMS),
            flows=await fetch(tx, db, FLOWS),
            engagements=await fetch(tx, db, ENGAGEMENTS),
        )

    return await db.read_tx(work)


async def check_map(db: Database, *, regime: str, organisation_ids: list[str]) -> TransferMap:
    """What a what-if check reads: the regime's reference data, the named organisations and the
    safeguards between them; no systems or movements."""

    async def work(tx: AsyncManagedTransaction) -> TransferMap:
        reference = await fetch(tx, db, REGIME, {"regime": regime})
        ids = {"ids": organisation_ids}
        return TransferMap(
            regime=reference[0],
            organisations=await fetch(tx, db, NAMED_ORGANISATIONS, ids),
            safeguards=[row["safeguard"] for row in await fetch(tx, db, PAIR_SAFEGUARDS, ids)],
            systems=[],
            flows=[],
            engagements=[],
        )

    return await db.read_tx(work)
