"""The neighbours of a batch of nodes along one relationship of the model.

Every statement takes `$keys` (the keys of the source nodes) and a window (`$offset`, `$limit`),
and returns one row per source that has neighbours: `source` (its key), `total` (how many
neighbours it has) and `page`, the window's neighbours in order, each `{kind, node, rel}`: the
neighbour's label, its properties and the relationship's properties (or what the statement
derives about it). A neighbour list is thus paged in Neo4j: only a page travels.

Each fragment of `NEIGHBOURS` reads the source keys from the variable `keys`, so that a shared
read (`graph.queries.shared`) can run it inside one statement for a whole selection."""

from typing import LiteralString

from graph.database import Database, Record

NEIGHBOUR: LiteralString = "labels(n)[0] AS kind, properties(n) AS node"

NEIGHBOURS: dict[str, LiteralString] = {
    "system.categories": (
        "MATCH (s:System)<-[:IN_SYSTEM]-(:Storage)-[:OF_CATEGORY]->(n:DataCategory) "
        "WHERE s.id IN keys "
        "WITH DISTINCT s, n ORDER BY n.key "
        "WITH s.id AS source, " + NEIGHBOUR + ", null AS rel"
    ),
    "system.subjects": (
        "MATCH (s:System)<-[:IN_SYSTEM]-(:Storage)-[:OF_SUBJECT]->(n:DataSubject) "
        "WHERE s.id IN keys "
        "WITH DISTINCT s, n ORDER BY n.key "
        "WITH s.id AS source, " + NEIGHBOUR + ", null AS rel"
    ),
    "system.storages": (
        "MATCH (s:System)<-[:IN_SYSTEM]-(n:Storage) WHERE s.id IN keys "
        "WITH s, n ORDER BY n.id "
        "WITH s.id AS source, " + NEIGHBOUR + ", null AS rel"
    ),
    "system.operators": (
        "MATCH (s:System)-[r:OPERATED_BY]->(n:Organisation) WHERE s.id IN keys "
        "WITH s, r, n ORDER BY n.id "
        "WITH s.id AS source, " + NEIGHBOUR + ", properties(r) AS rel"
    ),
    "system.hosting_countries": (
        "MATCH (s:System)-[:HOSTED_IN]->(n:Country) WHERE s.id IN keys "
        "WITH s, n ORDER BY n.code "
        "WITH s.id AS source, " + NEIGHBOUR + ", null AS rel"
    ),
    "system.security_measures": (
        "MATCH (s:System)-[:PROTECTED_BY]->(n:SecurityMeasure) WHERE s.id IN keys "
        "WITH s, n ORDER BY n.key "
        "WITH s.id AS source, " + NEIGHBOUR + ", null AS rel"
    ),
    "system.accessed_from": (
        "MATCH (s:System)-[r:ACCESSED_FROM]->(n:Country) WHERE s.id IN keys "
        "WITH s, r, n ORDER BY n.code "
        "WITH s.id AS source, " + NEIGHBOUR + ", properties(r) AS rel"
    ),
    "system.downstream": (
        "MATCH (s:System)-[r:FLOWS_TO]->(n) WHERE s.id IN keys "
        "WITH s, r, n ORDER BY r.id "
        "WITH s.id AS source, " + NEIGHBOUR + ", properties(r) AS rel"
    ),
    "system.upstream": (
        "MATCH (s:System)<-[r:FLOWS_TO]-(n:System) WHERE s.id IN keys "
        "WITH s, r, n ORDER BY r.id "
        "WITH s.id AS source, " + NEIGHBOUR + ", properties(r) AS rel"
    ),
    "system.backups": (
        "MATCH (s:System)<-[:BACKS_UP]-(n:System) WHERE s.id IN keys "
        "WITH s, n ORDER BY n.id "
        "WITH s.id AS source, " + NEIGHBOUR + ", null AS rel"
    ),
    "system.backup_of": (
        "MATCH (s:System)-[:BACKS_UP]->(n:System) WHERE s.id IN keys "
        "WITH s, n ORDER BY n.id "
        "WITH s.id AS source, " + NEIGHBOUR + ", null AS rel"
    ),
    "system.activities": (
        "MATCH (s:System)<-[:RUNS_ON]-(n:ProcessingActivity) WHERE s.id IN keys "
        "WITH s, n ORDER BY n.id "
        "WITH s.id AS source, " + NEIGHBOUR + ", null AS rel"
    ),
    "organisation.systems": (
        "MATCH (o:Organisation)<-[r:OPERATED_BY]-(n:System) WHERE o.id IN keys "
        "WITH o, r, n ORDER BY n.id "
        "WITH o.id AS source, " + NEIGHBOUR + ", properties(r) AS rel"
    ),
    "organisation.sub_processors": (
        "MATCH (o:Organisation)-[r:ENGAGES]->(n:Organisation) WHERE o.id IN keys "
        "WITH o, r, n ORDER BY n.id, r.id "
        "WITH o.id AS source, " + NEIGHBOUR + ", properties(r) AS rel"
    ),
    "organisation.engaged_by": (
        "MATCH (o:Organisation)<-[r:ENGAGES]-(n:Organisation) WHERE o.id IN keys "
        "WITH o, r, n ORDER BY n.id, r.id "
        "WITH o.id AS source, " + NEIGHBOUR + ", properties(r) AS rel"
    ),
    "organisation.countries": (
        "MATCH (o:Organisation) WHERE o.id IN keys "
        "CALL (o) { "
        "  MATCH (o)-[:ESTABLISHED_IN]->(n:Country) RETURN n, 'ESTABLISHED_IN' AS how "
        "  UNION MATCH (o)<-[:OPERATED_BY]-(:System)-[:HOSTED_IN]->(n:Country) "
        "  RETURN n, 'HOSTS_DATA' AS how "
        "  UNION MATCH (o)<-[:OPERATED_BY]-(:System)-[:ACCESSED_FROM]->(n:Country) "
        "  RETURN n, 'ACCESSES_DATA' AS how "
        "} "
        "WITH o, n, collect(DISTINCT how) AS how ORDER BY n.code "
        "WITH o.id AS source, " + NEIGHBOUR + ", {how: how} AS rel"
    ),
    "organisation.safeguards": (
        "MATCH (o:Organisation)<-[r:EXPORTER|IMPORTER]-(n:Safeguard) WHERE o.id IN keys "
        "WITH o, r, n ORDER BY n.id "
        "WITH o.id AS source, " + NEIGHBOUR + ", {side: type(r)} AS rel"
    ),
    "organisation.dpf_certifications": (
        "MATCH (o:Organisation)-[:CERTIFIED_UNDER]->(n:DpfCertification) WHERE o.id IN keys "
        "WITH o, n ORDER BY n.id "
        "WITH o.id AS source, " + NEIGHBOUR + ", null AS rel"
    ),
    "organisation.established_in": (
        "MATCH (o:Organisation)-[:ESTABLISHED_IN]->(n:Country) WHERE o.id IN keys "
        "WITH o.id AS source, " + NEIGHBOUR + ", null AS rel"
    ),
    "country.adequacy": (
        "MATCH (c:Country) WHERE c.code IN keys "
        "MATCH (n:Regime) "
        "WITH c, n ORDER BY n.key "
        "WITH c.code AS source, " + NEIGHBOUR + ", {"
        "  in_area: EXISTS { (c)-[:IN_AREA_OF]->(n) }, "
        "  decisions: [(d:AdequacyDecision)-[:COVERS]->(c) WHERE (d)-[:OF_REGIME]->(n) "
        "    | properties(d)]"
        "} AS rel"
    ),
    "regime.area": (
        "MATCH (g:Regime)<-[:IN_AREA_OF]-(n:Country) WHERE g.key IN keys "
        "WITH g, n ORDER BY n.code "
        "WITH g.key AS source, " + NEIGHBOUR + ", null AS rel"
    ),
    "adequacy_decision.regime": (
        "MATCH (d:AdequacyDecision)-[:OF_REGIME]->(n:Regime) WHERE d.id IN keys "
        "WITH d.id AS source, " + NEIGHBOUR + ", null AS rel"
    ),
    "adequacy_decision.countries": (
        "MATCH (d:AdequacyDecision)-[:COVERS]->(n:Country) WHERE d.id IN keys "
        "WITH d, n ORDER BY n.code "
        "WITH d.id AS source, " + NEIGHBOUR + ", null AS rel"
    ),
    "data_category.children": (
        "MATCH (c:DataCategory)<-[:CHILD_OF]-(n:DataCategory) WHERE c.key IN keys "
        "WITH c, n ORDER BY n.key "
        "WITH c.key AS source, " + NEIGHBOUR + ", null AS rel"
    ),
    "data_category.systems": (
        "MATCH (c:DataCategory)<-[:OF_CATEGORY]-(:Storage)-[:IN_SYSTEM]->(n:System) "
        "WHERE c.key IN keys "
        "WITH DISTINCT c, n ORDER BY n.id "
        "WITH c.key AS source, " + NEIGHBOUR + ", null AS rel"
    ),
    "data_use.children": (
        "MATCH (c:DataUse)<-[:CHILD_OF]-(n:DataUse) WHERE c.key IN keys "
        "WITH c, n ORDER BY n.key "
        "WITH c.key AS source, " + NEIGHBOUR + ", null AS rel"
    ),
    "data_subject.systems": (
        "MATCH (d:DataSubject)<-[:OF_SUBJECT]-(:Storage)-[:IN_SYSTEM]->(n:System) "
        "WHERE d.key IN keys "
        "WITH DISTINCT d, n ORDER BY n.id "
        "WITH d.key AS source, " + NEIGHBOUR + ", null AS rel"
    ),
    "storage.system": (
        "MATCH (t:Storage)-[:IN_SYSTEM]->(n:System) WHERE t.id IN keys "
        "WITH t.id AS source, " + NEIGHBOUR + ", null AS rel"
    ),
    "storage.subject": (
        "MATCH (t:Storage)-[:OF_SUBJECT]->(n:DataSubject) WHERE t.id IN keys "
        "WITH t.id AS source, " + NEIGHBOUR + ", null AS rel"
    ),
    "storage.categories": (
        "MATCH (t:Storage)-[:OF_CATEGORY]->(n:DataCategory) WHERE t.id IN keys "
        "WITH t, n ORDER BY n.key "
        "WITH t.id AS source, " + NEIGHBOUR + ", null AS rel"
    ),
    "storage.retention_obligations": (
        "MATCH (t:Storage)-[:RETAINED_UNDER]->(n:RetentionObligation) WHERE t.id IN keys "
        "WITH t, n ORDER BY n.id "
        "WITH t.id AS source, " + NEIGHBOUR + ", null AS rel"
    ),
    "safeguard.exporter": (
        "MATCH (g:Safeguard)-[:EXPORTER]->(n:Organisation) WHERE g.id IN keys "
        "WITH g.id AS source, " + NEIGHBOUR + ", null AS rel"
    ),
    "safeguard.importer": (
        "MATCH (g:Safeguard)-[:IMPORTER]->(n:Organisation) WHERE g.id IN keys "
        "WITH g.id AS source, " + NEIGHBOUR + ", null AS rel"
    ),
    "safeguard.scc_module": (
        "MATCH (g:Safeguard) WHERE g.id IN keys "
        "MATCH (n:SccModule {module: g.module}) "
        "WITH g.id AS source, " + NEIGHBOUR + ", null AS rel"
    ),
    "activity.purposes": (
        "MATCH (a:ProcessingActivity)-[:FOR_PURPOSE]->(n:DataUse) WHERE a.id IN keys "
        "WITH a, n ORDER BY n.key "
        "WITH a.id AS source, " + NEIGHBOUR + ", null AS rel"
    ),
    "activity.subjects": (
        "MATCH (a:ProcessingActivity)-[:CONCERNS]->(n:DataSubject) WHERE a.id IN keys "
        "WITH a, n ORDER BY n.key "
        "WITH a.id AS source, " + NEIGHBOUR + ", null AS rel"
    ),
    "activity.categories": (
        "MATCH (a:ProcessingActivity)-[:USES_CATEGORY]->(n:DataCategory) WHERE a.id IN keys "
        "WITH a, n ORDER BY n.key "
        "WITH a.id AS source, " + NEIGHBOUR + ", null AS rel"
    ),
    "activity.systems": (
        "MATCH (a:ProcessingActivity)-[:RUNS_ON]->(n:System) WHERE a.id IN keys "
        "WITH a, n ORDER BY n.id "
        "WITH a.id AS source, " + NEIGHBOUR + ", null AS rel"
    ),
    "activity.controllers": (
        "MATCH (a:ProcessingActivity)-[:CONTROLLED_BY]->(n:Organisation) WHERE a.id IN keys "
        "WITH a, n ORDER BY n.id "
        "WITH a.id AS source, " + NEIGHBOUR + ", null AS rel"
    ),
    "activity.recipients": (
        "MATCH (a:ProcessingActivity)-[r:DISCLOSES_TO]->(n:Organisation) WHERE a.id IN keys "
        "WITH a, r, n ORDER BY n.id "
        "WITH a.id AS source, " + NEIGHBOUR + ", properties(r) AS rel"
    ),
    "activity.legal_bases": (
        "MATCH (a:ProcessingActivity)-[:ON_LEGAL_BASIS]->(n:LegalBasis) WHERE a.id IN keys "
        "WITH a, n ORDER BY n.key "
        "WITH a.id AS source, " + NEIGHBOUR + ", null AS rel"
    ),
}


ROWS: LiteralString = " WITH source, collect({kind: kind, node: node, rel: rel}) AS rows "
PAGE: LiteralString = (
    ROWS + "RETURN source, size(rows) AS total, rows[$offset..$offset + $limit] AS page"
)

RELATIONS: dict[str, LiteralString] = {
    name: "WITH $keys AS keys " + text + PAGE for name, text in NEIGHBOURS.items()
}


async def neighbour_pages(
    db: Database, relation: str, keys: list[str], *, offset: int, limit: int
) -> list[Record]:
    """The `{source, total, page}` rows of `relation` for the source keys in `keys`."""
    return await db.read(RELATIONS[relation], {"keys": keys, "offset": offset, "limit": limit})
