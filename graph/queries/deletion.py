"""The subgraph a deletion plan needs, read in one read transaction: the subject's storages (with
their retention obligations, controllers and the cited Exception and ErasureRule nodes) and the
systems its processing activities run on, the systems that flows carrying a targeted category
(and naming the subject, or no subject) reach from them (at most 12 hops, one statement per hop),
those systems with their backups, operators and flows, and the organisations down the engagement
chains (at most 4 hops) of the external ones: the map owner is never told, so its own
engagements, which reach every vendor, are not read."""

from dataclasses import dataclass, field
from typing import Any

from neo4j import AsyncManagedTransaction

from graph import riders
from graph.database import Database, Record, fetch_single
from graph.queries import filters
from graph.riders import Rider

RELEVANT = "any(r IN $targets WHERE " + filters.relevant("k", "r") + ")"

STORAGES = (
    """
OPTIONAL MATCH (ds:DataSubject {key: $subject})
CALL () {
  UNWIND coalesce($categories, []) AS key
  OPTIONAL MATCH (c:DataCategory {key: key})
  WITH key, c WHERE c IS NULL
  RETURN collect(key) AS unknown_categories
}
CALL () {
  MATCH (n:Exception|ErasureRule) WHERE n.regime = $regime AND n.serves IS NOT NULL
  WITH n ORDER BY n.key
  RETURN collect(n {.key, .article, .text, .source, .serves}) AS references
}
CALL (ds) {
  MATCH (st:Storage)-[:OF_SUBJECT]->(ds) WHERE st.retired_on IS NULL
  MATCH (st)-[:IN_SYSTEM]->(s:System)
  CALL (st) {
    MATCH (st)-[:OF_CATEGORY]->(c:DataCategory)
    RETURN collect(c.key) AS held
  }
  WITH ds, st, s, [k IN held WHERE $categories IS NULL OR any(r IN $categories
    WHERE """
    + filters.relevant("k", "r")
    + """)] AS categories
  WHERE size(categories) > 0
  CALL (st) {
    OPTIONAL MATCH (st)-[:RETAINED_UNDER]->(ro:RetentionObligation)
    OPTIONAL MATCH (exception:Exception {key: ro.gdpr_exception})
    RETURN collect(ro {.id, .record_type, .period_years, .runs_from, .legal_reference,
                       .gdpr_exception,
                       exception: exception {.key, .article, .text, .source, .regime}})
           AS obligations
  }
  CALL (st, s, ds) {
    OPTIONAL MATCH (pa:ProcessingActivity)-[:RUNS_ON]->(s)
    WHERE st.controller_role = 'PROCESSOR' AND (pa)-[:CONCERNS]->(ds)
    OPTIONAL MATCH (pa)-[:CONTROLLED_BY]->(o:Organisation)
    WHERE NOT coalesce(o.is_self, false)
    RETURN collect(DISTINCT o {.id, .legal_name}) AS controllers
  }
  RETURN collect(st {.id, .retention_days, .on_erasure, .collected_from_subject, .made_public,
                     .controller_role, system: s.id, categories: categories,
                     obligations: obligations, controllers: controllers}) AS storages
}
CALL (ds) {
  MATCH (pa:ProcessingActivity)-[:CONCERNS]->(ds) WHERE pa.retired_on IS NULL
  MATCH (pa)-[:RUNS_ON]->(s:System)
  WITH pa, s, [(pa)-[:USES_CATEGORY]->(c:DataCategory) | c.key] AS held
  WITH pa, s, [k IN held WHERE $categories IS NULL OR any(r IN $categories
    WHERE """
    + filters.relevant("k", "r")
    + """)] AS categories
  WHERE size(categories) > 0
  RETURN collect({id: pa.id, system: s.id, categories: categories}) AS activities
}
"""
)
STORAGES_RETURNS = (
    "RETURN ds IS NOT NULL AS subject_found, unknown_categories, references, storages, activities"
)
FOR_SUBJECT = filters.for_subject("f", "$subject")

MAX_FLOW_HOPS = 12

NEXT_HOP = (
    """
UNWIND $frontier AS source_id
MATCH (:System {id: source_id})-[f:FLOWS_TO]->(b:System)
WHERE NOT b.id IN $visited AND """
    + filters.live("f")
    + " AND "
    + filters.live("b")
    + """ AND any(k IN f.categories WHERE """
    + RELEVANT
    + ") AND "
    + FOR_SUBJECT
    + """
RETURN collect(DISTINCT b.id) AS reached
"""
)

SYSTEMS = (
    """
UNWIND $ids AS system_id
MATCH (held:System {id: system_id})
OPTIONAL MATCH (backup:System)-[:BACKS_UP]->(held)
WITH collect(DISTINCT held) + collect(DISTINCT backup) AS found
UNWIND found AS s
WITH DISTINCT s
CALL (s) {
  OPTIONAL MATCH (s)-[op:OPERATED_BY]->(o:Organisation)
  RETURN head(collect(o {.id, .legal_name, .is_self, role: op.role})) AS operator
}
CALL (s) {
  OPTIONAL MATCH (s)-[:BACKS_UP]->(source:System)
  RETURN collect(source.id) AS backs_up
}
CALL (s) {
  OPTIONAL MATCH (s)-[f:FLOWS_TO]->(t)
  WHERE (t:System OR t:Organisation) AND """
    + filters.live("f")
    + " AND "
    + filters.live("t")
    + """ AND any(k IN f.categories WHERE """
    + RELEVANT
    + ") AND "
    + FOR_SUBJECT
    + """
  RETURN collect(f {.id, .categories, .subjects, target: t.id,
                    to_organisation: t:Organisation}) AS flows
}
RETURN collect(s {.id, .name, .kind, .owner_team, .deletion_method, .identifiers,
                  .rotation_days, operator: operator, backs_up: backs_up, flows: flows}) AS systems
"""
)

ORGANISATIONS = (
    """
UNWIND $organisations AS organisation_id
MATCH (start:Organisation {id: organisation_id}) WHERE NOT coalesce(start.is_self, false)
MATCH ANY SHORTEST (start)-[live:ENGAGES WHERE """
    + filters.live("live")
    + """]->{0,4}(o:Organisation)
WHERE NOT coalesce(o.is_self, false) AND """
    + filters.live("o")
    + """
WITH DISTINCT o
CALL (o) {
  OPTIONAL MATCH (o)-[e:ENGAGES]->(engaged:Organisation)
  WHERE """
    + filters.live("e")
    + " AND "
    + filters.live("engaged")
    + " AND "
    + filters.for_subject("e", "$subject")
    + """
  RETURN collect(e {.id, .role, .service, .categories, engaged: engaged.id,
                    engaged_name: engaged.legal_name,
                    engaged_is_self: coalesce(engaged.is_self, false)}) AS engagements
}
RETURN collect(o {.id, .legal_name, .is_self, engagements: engagements}) AS organisations
"""
)


@dataclass
class DeletionRecords:
    subject_found: bool
    unknown_categories: list[str]
    references: list[Record]
    storages: list[Record]
    activities: list[Record] = field(default_factory=list)
    systems: list[Record] = field(default_factory=list)
    organisations: list[Record] = field(default_factory=list)


async def reach(
    tx: AsyncManagedTransaction,
    db: Database,
    sources: list[str],
    targets: list[str],
    subject: str,
) -> list[str]:
    """`sources` and the systems that flows carrying a target category (and naming `subject` or
    no subject) reach from them within
    MAX_FLOW_HOPS hops, breadth first: one statement per hop, each expanding only the systems
    first reached on the hop before. (A single `ANY SHORTEST ...{1,12}` pattern with an unbound
    end timed out at 30 s on a 50-system domain with cycles: see bench/README.md.)"""
    visited = set(sources)
    frontier = sources
    for _ in range(MAX_FLOW_HOPS):
        if not frontier:
            break
        params = {
            "frontier": frontier,
            "visited": sorted(visited),
            "targets": targets,
            "subject": subject,
        }
        frontier = (await fetch_single(tx, db, NEXT_HOP, params))["reached"]
        visited.update(frontier)
    return sorted(visited)


async def deletion_subgraph(
    db: Database,
    *,
    subject: str,
    categories: list[str] | None,
    regime: str,
    rider: Rider | None = None,
) -> DeletionRecords:
    """The subgraph; its first statement carries `rider` (`graph.riders`)."""
    storages = riders.carrying(rider, STORAGES, STORAGES_RETURNS)

    async def work(tx: AsyncManagedTransaction) -> DeletionRecords:
        params: dict[str, Any] = {
            "subject": subject,
            "categories": categories,
            "regime": regime,
        }
        head = await fetch_single(tx, db, storages, params)
        riders.handed(rider, head)
        records = DeletionRecords(
            subject_found=head["subject_found"],
            unknown_categories=head["unknown_categories"],
            references=head["references"],
            storages=head["storages"],
            activities=head["activities"],
        )
        held = [*records.storages, *records.activities]
        if not held:
            return records
        sources = sorted({row["system"] for row in held})
        targets = categories or sorted({k for row in held for k in row["categories"]})
        ids = await reach(tx, db, sources, targets, subject)
        found = await fetch_single(
            tx, db, SYSTEMS, {"ids": ids, "targets": targets, "subject": subject}
        )
        records.systems = found["systems"]
        organisations = sorted(
            {
                *(s["operator"]["id"] for s in records.systems if s["operator"]),
                *(f["target"] for s in records.systems for f in s["flows"] if f["to_organisation"]),
            }
        )
        found = await fetch_single(
            tx, db, ORGANISATIONS, {"organisations": organisations, "subject": subject}
        )
        records.organisations = found["organisations"]
        return records

    return await db.read_tx(work)


LAW = """
OPTIONAL MATCH (law:Regime {key: $regime})
OPTIONAL MATCH (me:Organisation {is_self: true})
RETURN law {.key, .name, .authority, .authority_rule, .complaint_route, .erasure_response_days,
            .erasure_response_months, .erasure_extension_days, .erasure_extension_months,
            .erasure_deadline_rule, .erasure_deadline_statutory} AS law,
       me {.id, .legal_name, .supervisory_authority} AS controller
"""


async def regime_law(db: Database, regime: str) -> Record:
    """What a document to the data subject says of the regime: its name, authority and complaint
    route, its period for answering an erasure request, and the map owner that answers (whose lead
    authority an EU complaint goes to)."""
    rows = await db.read(LAW, {"regime": regime})
    return rows[0]
