"""The subgraph a breach impact needs, read in one read transaction: the selection (the systems
named, or the systems a compromised organisation and its sub-processors down the ENGAGES chains
operate, with the flows they receive), the breach reference facts, each regime's area and markets
(where a duty's law reaches), the map owner, then the systems that flows reach from the selection
(at most 12 hops, one statement per hop) and every one of those systems with its backups,
storages, processor activities and flows."""

from dataclasses import dataclass, field
from typing import Any

from neo4j import AsyncManagedTransaction

from graph.database import Database, Record, fetch_single
from graph.queries import filters

MAX_FLOW_HOPS = 12

FOR_SUBJECTS = filters.for_any_subject("e", "$subjects")
"""Whether the engagement or flow `e` is followed for one of the data subjects asked for."""

SELECTION = (
    """
CALL () {
  UNWIND coalesce($system_ids, []) AS id
  OPTIONAL MATCH (s:System {id: id})
  WITH id, s WHERE s IS NULL
  RETURN collect(id) AS unknown_systems
}
CALL () {
  OPTIONAL MATCH (start:Organisation {id: $organisation_id})
  RETURN start IS NOT NULL AS organisation_found
}
CALL () {
  OPTIONAL MATCH path = ANY SHORTEST
    (start:Organisation {id: $organisation_id})-[:ENGAGES]->{0,4}(o:Organisation)
  WHERE all(e IN relationships(path) WHERE e.retired_on IS NULL AND """
    + FOR_SUBJECTS
    + """)
  WITH o, path WHERE o IS NOT NULL
  RETURN collect(o {.id, .legal_name, .country, .is_self,
                    chain: [n IN nodes(path) | n.id],
                    roles: [e IN relationships(path) | e.role],
                    subjects: [e IN relationships(path) | e.subjects]}) AS organisations
}
CALL () {
  MATCH (n:BreachObligation)
  RETURN collect(n {.*}) AS obligations
}
CALL () {
  MATCH (n:BreachExemption)
  OPTIONAL MATCH (n)-[:EXEMPTS]->(o:BreachObligation)
  WITH n, collect(o.key) AS obligations
  RETURN collect(n {.*, obligations: obligations}) AS exemptions
}
CALL () {
  MATCH (n:BreachRiskFactor)
  RETURN collect(n {.*}) AS risk_factors
}
CALL () {
  MATCH (r:Regime)
  RETURN collect(r {.key, .name, .reach, markets: coalesce(r.markets, []),
                    area: [(c:Country)-[:IN_AREA_OF]->(r) | c.code]}) AS regimes
}
CALL () {
  OPTIONAL MATCH (me:Organisation {is_self: true})
  RETURN head(collect(me {.id, .legal_name, .country, .supervisory_authority,
                          .directed_at_children, .serves, .dpo_contact})) AS self
}
RETURN unknown_systems, organisation_found, organisations, obligations,
       exemptions, risk_factors, self, regimes
"""
)

OPERATED = (
    """
UNWIND $organisations AS organisation_id
MATCH (s:System)-[:OPERATED_BY]->(:Organisation {id: organisation_id})
WITH collect(DISTINCT s.id) AS operated
CALL () {
  UNWIND $organisations AS organisation_id
  MATCH (source:System)-[e:FLOWS_TO]->(:Organisation {id: organisation_id})
  WHERE e.retired_on IS NULL AND """
    + FOR_SUBJECTS
    + """
  RETURN collect(e {.id, .categories, .subjects, source: source.id, target: organisation_id})
    AS received
}
RETURN operated, received
"""
)

NEXT_HOP = (
    """
UNWIND $frontier AS source_id
MATCH (:System {id: source_id})-[e:FLOWS_TO]->(b:System)
WHERE e.retired_on IS NULL AND NOT b.id IN $visited AND """
    + FOR_SUBJECTS
    + """
RETURN collect(DISTINCT b.id) AS reached
"""
)

SYSTEMS = """
UNWIND $ids AS system_id
MATCH (held:System {id: system_id})
OPTIONAL MATCH (backup:System)-[:BACKS_UP]->(held)
WITH collect(DISTINCT held) + collect(DISTINCT backup) AS found
UNWIND found AS s
WITH DISTINCT s
CALL (s) {
  OPTIONAL MATCH (s)-[op:OPERATED_BY]->(o:Organisation)
  RETURN head(collect(o {.id, .legal_name, .country, .is_self, role: op.role})) AS operator
}
CALL (s) {
  OPTIONAL MATCH (s)-[:BACKS_UP]->(source:System)
  RETURN collect(source.id) AS backs_up
}
CALL (s) {
  OPTIONAL MATCH (s)-[:HOSTED_IN]->(c:Country)
  RETURN collect(c.code) AS hosted_in
}
CALL (s) {
  OPTIONAL MATCH (s)-[f:FLOWS_TO]->(t)
  WHERE (t:System OR t:Organisation) AND f.retired_on IS NULL
  RETURN collect(f {.id, .categories, .subjects, target: t.id,
                    target_name: coalesce(t.name, t.legal_name),
                    to_organisation: t:Organisation}) AS flows
}
CALL (s) {
  OPTIONAL MATCH (st:Storage)-[:IN_SYSTEM]->(s)
  OPTIONAL MATCH (st)-[:OF_SUBJECT]->(ds:DataSubject)
  CALL (st) {
    OPTIONAL MATCH (st)-[:OF_CATEGORY]->(c:DataCategory)
    RETURN collect(c {.key, .name, .special_category, .criminal_data, .credential, .financial,
                      .us_breach_element, .us_breach_with_any}) AS categories
  }
  WITH st, ds, categories WHERE st IS NOT NULL
  RETURN collect(st {.id, .record_count, .controller_role, .collected_from_subject, .subjects_in,
                     subject: ds.key, subject_name: ds.name,
                     categories: categories}) AS storages
}
CALL (s) {
  OPTIONAL MATCH (pa:ProcessingActivity)-[:RUNS_ON]->(s)
  CALL (pa) {
    OPTIONAL MATCH (pa)-[:CONCERNS]->(ds:DataSubject)
    RETURN collect(DISTINCT ds {.key, .name}) AS subjects
  }
  CALL (pa) {
    OPTIONAL MATCH (pa)-[:USES_CATEGORY]->(c:DataCategory)
    RETURN collect(c {.key, .name, .special_category, .criminal_data, .credential, .financial,
                      .us_breach_element, .us_breach_with_any}) AS categories
  }
  CALL (pa) {
    OPTIONAL MATCH (pa)-[:CONTROLLED_BY]->(o:Organisation)
    RETURN head(collect(o {.id, .legal_name, .country, .is_self, .serves})) AS controller
  }
  WITH pa, subjects, categories, controller WHERE pa IS NOT NULL
  RETURN collect(pa {.id, .name, .preemptly_role, subjects: subjects, categories: categories,
                     controller: controller}) AS activities
}
RETURN collect(s {.id, .name, .kind, .security_measures, .retired_on, operator: operator,
                  backs_up: backs_up, hosted_in: hosted_in, flows: flows, storages: storages,
                  activities: activities}) AS systems
"""


@dataclass
class BreachRecords:
    unknown_systems: list[str]
    organisation_found: bool
    organisations: list[Record]
    obligations: list[Record]
    exemptions: list[Record]
    risk_factors: list[Record]
    self: Record | None
    regimes: list[Record]
    selected: list[str] = field(default_factory=list)
    received: list[Record] = field(default_factory=list)
    systems: list[Record] = field(default_factory=list)


async def reach(
    tx: AsyncManagedTransaction, db: Database, sources: list[str], subjects: list[str] | None
) -> list[str]:
    """`sources` and the systems flows reach from them within MAX_FLOW_HOPS hops, breadth first:
    one statement per hop, each expanding only the systems first reached on the hop before, by
    the flows followed for one of `subjects` (None: any subject)."""
    visited = set(sources)
    frontier = sources
    for _ in range(MAX_FLOW_HOPS):
        if not frontier:
            break
        params = {"frontier": frontier, "visited": sorted(visited), "subjects": subjects}
        frontier = (await fetch_single(tx, db, NEXT_HOP, params))["reached"]
        visited.update(frontier)
    return sorted(visited)


async def breach_subgraph(
    db: Database,
    *,
    system_ids: list[str] | None,
    organisation_id: str | None,
    subjects: list[str] | None = None,
) -> BreachRecords:
    """`subjects` (None: any) keeps the engagements and flows followed for one of them."""

    async def work(tx: AsyncManagedTransaction) -> BreachRecords:
        params: dict[str, Any] = {
            "system_ids": system_ids,
            "organisation_id": organisation_id,
            "subjects": subjects,
        }
        head = await fetch_single(tx, db, SELECTION, params)
        records = BreachRecords(
            unknown_systems=head["unknown_systems"],
            organisation_found=head["organisation_found"],
            organisations=head["organisations"],
            obligations=head["obligations"],
            exemptions=head["exemptions"],
            risk_factors=head["risk_factors"],
            self=head["self"],
            regimes=head["regimes"],
        )
        if records.unknown_systems:
            return records
        if system_ids is not None:
            records.selected = sorted(set(system_ids))
        elif records.organisations:
            ids = sorted(o["id"] for o in records.organisations)
            found = await fetch_single(
                tx, db, OPERATED, {"organisations": ids, "subjects": subjects}
            )
            records.selected = sorted(found["operated"])
            records.received = found["received"]
        senders = {f["source"] for f in records.received}
        if not records.selected and not senders:
            return records
        ids = sorted({*await reach(tx, db, records.selected, subjects), *senders})
        records.systems = (await fetch_single(tx, db, SYSTEMS, {"ids": ids}))["systems"]
        return records

    return await db.read_tx(work)
