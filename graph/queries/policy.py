"""What a policy check reads, in one read transaction: the policy and its claims, and the map of
the policy's owner, with every regime's area, markets and rights. The owner's map is the systems
it operates or an organisation it engages operates (live on the date), the storages in them, the
processing activities it controls or that run on those systems, and its recipients: the
organisations it engages and those its systems' flows reach."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from neo4j import AsyncManagedTransaction

from graph.database import Database, Record, fetch, fetch_single

POLICY = """
OPTIONAL MATCH (p:Policy {key: $key})
CALL (p) {
  OPTIONAL MATCH (p)-[:HAS_CLAIM]->(c:PolicyClaim)
  WITH c ORDER BY c.position
  RETURN collect(c {.key, .section, .words, .note, .kind, .predicate}) AS claims
}
CALL () {
  MATCH (q:Policy)
  RETURN collect(q.key) AS keys
}
RETURN p {.key, .owner, .title, .last_updated, .source} AS policy, claims, keys
"""

LIVE = "(x.retired_on IS NULL OR x.retired_on > $as_of)"

OWNER = """
OPTIONAL MATCH (o:Organisation {id: $owner})
CALL (o) {
  MATCH (s:System)-[op:OPERATED_BY]->(x:Organisation)
  WHERE o IS NOT NULL AND (s.retired_on IS NULL OR s.retired_on > $as_of)
    AND (x = o OR EXISTS { (o)-[e:ENGAGES]->(x)
                           WHERE e.retired_on IS NULL OR e.retired_on > $as_of })
  RETURN collect(s {.id, .name, .kind, .security_measures, .deletion_method, .retrieval_method,
                    .rotation_days, operator: x.id, operator_role: op.role,
                    backs_up: [(s)-[:BACKS_UP]->(b:System) | b.id][0]}) AS systems
}
CALL () {
  MATCH (c:DataCategory) WHERE c.special_category OR c.criminal_data
  RETURN collect(c.key) AS special
}
CALL () {
  MATCH (r:Regime)
  RETURN collect(r {.key, .name, .reach, markets: coalesce(r.markets, []),
                    area: [(c:Country)-[:IN_AREA_OF]->(r) | c.code],
                    rights: [(r)-[:GRANTS]->(g:RegimeRight) | g {.*}]}) AS regimes
}
RETURN o {.id, .legal_name, .sells_personal_data, .minimum_age, .directed_at_children,
          .serves, country: coalesce([(o)-[:ESTABLISHED_IN]->(c:Country) | c.code][0],
                                     o.country)} AS owner,
  systems, special, regimes
"""

STORAGES = """
UNWIND $systems AS system_id
MATCH (st:Storage)-[:IN_SYSTEM]->(:System {id: system_id})
RETURN st.id AS id, system_id AS system,
  [(st)-[:OF_SUBJECT]->(d:DataSubject) | d.key][0] AS subject,
  [(st)-[:OF_CATEGORY]->(c:DataCategory) | c.key] AS categories,
  st.retention_days AS retention_days, st.controller_role AS controller_role,
  coalesce(st.subjects_in, []) AS subjects_in,
  [(st)-[:RETAINED_UNDER]->(r:RetentionObligation) | r.id][0] AS obligation
ORDER BY id
"""

ACTIVITIES = """
MATCH (pa:ProcessingActivity)
WHERE EXISTS { (pa)-[:CONTROLLED_BY]->(:Organisation {id: $owner}) }
   OR EXISTS { (pa)-[:RUNS_ON]->(s:System) WHERE s.id IN $systems }
RETURN pa.id AS id, pa.name AS name,
  coalesce([(pa)-[:FOR_PURPOSE]->(u:DataUse) | u.key][0], pa.purpose) AS purpose,
  coalesce([(pa)-[:ON_LEGAL_BASIS]->(b:LegalBasis) | b.key][0], pa.legal_basis) AS legal_basis,
  pa.special_category_condition AS special_category_condition,
  pa.preemptly_role AS preemptly_role,
  [(pa)-[:CONTROLLED_BY]->(c:Organisation) | c.id][0] AS controller,
  [(pa)-[:USES_CATEGORY]->(c:DataCategory) | c.key] AS categories,
  [(pa)-[:RUNS_ON]->(s:System) | s.id] AS systems,
  [(pa)-[d:DISCLOSES_TO]->(r:Organisation) | {organisation: r.id, role: d.role}] AS discloses_to
ORDER BY id
"""

RECIPIENTS = (
    """
MATCH (o:Organisation {id: $owner})
CALL (o) {
  MATCH (o)-[e:ENGAGES]->(x:Organisation)
  WHERE (e.retired_on IS NULL OR e.retired_on > $as_of) AND """
    + LIVE
    + """
  RETURN collect({id: e.id, organisation: x.id, role: e.role, service: e.service}) AS engaged
}
CALL (o) {
  MATCH (s:System)-[f:FLOWS_TO]->(x:Organisation)
  WHERE s.id IN $systems AND (f.retired_on IS NULL OR f.retired_on > $as_of) AND """
    + LIVE
    + """
  RETURN collect({id: f.id, system: s.id, organisation: x.id, purpose: f.purpose,
                  engages_owner: EXISTS { (x)-[:ENGAGES]->(o) }}) AS flows
}
RETURN engaged, flows
"""
)


@dataclass(frozen=True)
class OwnerRows:
    owner: Record | None
    systems: list[Record]
    special: list[str]
    regimes: list[Record]
    storages: list[Record]
    activities: list[Record]
    engaged: list[Record]
    flows: list[Record]


async def policy(db: Database, key: str) -> Record:
    return await db.read_tx(lambda tx: fetch_single(tx, db, POLICY, {"key": key}))


async def owner_map(db: Database, owner: str, as_of: date) -> OwnerRows:
    async def work(tx: AsyncManagedTransaction) -> OwnerRows:
        params: dict[str, Any] = {"owner": owner, "as_of": as_of}
        head = await fetch_single(tx, db, OWNER, params)
        params["systems"] = [system["id"] for system in head["systems"]]
        storages = await fetch(tx, db, STORAGES, params)
        activities = await fetch(tx, db, ACTIVITIES, params)
        recipients = await fetch(tx, db, RECIPIENTS, params)
        return OwnerRows(
            owner=head["owner"],
            systems=sorted(head["systems"], key=lambda system: system["id"]),
            special=head["special"],
            regimes=sorted(head["regimes"], key=lambda regime: regime["key"]),
            storages=storages,
            activities=activities,
            engaged=recipients[0]["engaged"] if recipients else [],
            flows=recipients[0]["flows"] if recipients else [],
        )

    return await db.read_tx(work)
