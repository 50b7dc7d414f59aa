"""Upserts of what integrations register, keyed by the stable id `<source>:<externalId>` (unique
constraints make concurrent MERGEs of one key create one node or edge). Each statement takes a
batch of rows and returns, per row, the entity before (null when new) and after. Retiring sets
`retired_on` and keeps the entity, so past assessments stay explainable. The functions run inside
the caller's transaction, together with the audit events."""

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, Literal, LiteralString

from neo4j import AsyncManagedTransaction

from graph.database import Database, Record, fetch

Rows = Sequence[Mapping[str, Any]]
RetirableKind = Literal["Organisation", "System", "Safeguard", "ENGAGES", "FLOWS_TO"]
OwnedKind = RetirableKind | Literal["DpfCertification"]
"""What records the key that registered it (`registered_by`)."""


async def invalid_references(
    tx: AsyncManagedTransaction, db: Database, references: Rows
) -> list[Record]:
    """References ({field, label, id}) to entities that are missing or retired."""
    return await fetch(
        tx,
        db,
        "UNWIND $references AS ref "
        "OPTIONAL MATCH (o:Organisation {id: ref.id}) WHERE ref.label = 'Organisation' "
        "OPTIONAL MATCH (s:System {id: ref.id}) WHERE ref.label = 'System' "
        "WITH ref, coalesce(o, s) AS found "
        "WHERE found IS NULL OR found.retired_on IS NOT NULL "
        "RETURN ref.field AS field, ref.label AS label, ref.id AS id, "
        "found IS NOT NULL AS retired",
        {"references": list(references)},
    )


async def upsert_organisations(
    tx: AsyncManagedTransaction,
    db: Database,
    rows: Rows,
    countries: Mapping[str, str],
    owner: str,
) -> list[Record]:
    """Rows: id, props, engager_id, engagement {id, props}. The organisation is established in
    its country and engaged by `engager_id` through one ENGAGES edge.

    An organisation that has no ESTABLISHED_IN or ENGAGES edge yet (new, most of a bulk call)
    gets both with CREATE: MERGE of an edge locks both of its nodes until commit, so concurrent
    calls that all engage one organisation, or establish in one country, would queue on those
    nodes. `SET o` first takes the organisation's own lock, so two transactions cannot both find
    it without edges. Organisations with edges go through MERGE as before."""
    return await fetch(
        tx,
        db,
        "UNWIND $rows AS row "
        "MERGE (o:Organisation {id: row.id}) ON MATCH SET o.id = row.id "
        "WITH row, o, CASE WHEN o.source IS NULL THEN null ELSE o {.*, "
        "  engagement: [(:Organisation {id: row.engager_id})-[e:ENGAGES {id: row.engagement.id}]"
        "->(o) | e {.*}][0]} END AS before "
        "SET o += row.props, o.retired_on = null, "
        "o.registered_by = coalesce(o.registered_by, $owner) "
        "WITH row, o, before, NOT EXISTS { (o)-[:ESTABLISHED_IN|ENGAGES]-() } AS fresh "
        "CALL (row, o, fresh) { "
        "  WITH row, o WHERE fresh "
        "  MATCH (engager:Organisation {id: row.engager_id}) "
        "  MERGE (c:Country {code: row.props.country}) ON CREATE SET c.name = $countries[c.code] "
        "  CREATE (o)-[:ESTABLISHED_IN]->(c) "
        "  CREATE (engager)-[e:ENGAGES {id: row.engagement.id}]->(o) "
        "  SET e += row.engagement.props, e.retired_on = null, "
        "  e.registered_by = coalesce(e.registered_by, $owner) "
        "  RETURN e "
        "UNION ALL "
        "  WITH row, o WHERE NOT fresh "
        "  CALL (row, o) { "
        "    OPTIONAL MATCH (o)-[old:ESTABLISHED_IN]->(c:Country) "
        "    WHERE c.code <> row.props.country "
        "    DELETE old "
        "  } "
        "  MERGE (c:Country {code: row.props.country}) ON CREATE SET c.name = $countries[c.code] "
        "  MERGE (o)-[:ESTABLISHED_IN]->(c) "
        "  WITH row, o "
        "  MATCH (engager:Organisation {id: row.engager_id}) "
        "  MERGE (engager)-[e:ENGAGES {id: row.engagement.id}]->(o) "
        "  SET e += row.engagement.props, e.retired_on = null, "
        "  e.registered_by = coalesce(e.registered_by, $owner) "
        "  RETURN e "
        "} "
        "RETURN row.id AS id, before, o {.*, engagement: e {.*}} AS after",
        {"rows": list(rows), "countries": countries, "owner": owner},
    )


async def upsert_systems(
    tx: AsyncManagedTransaction,
    db: Database,
    rows: Rows,
    countries: Mapping[str, str],
    owner: str,
) -> list[Record]:
    """Rows: id, props, operator_id, operator_role, hosted_in (country codes).

    As for organisations: a system without edges yet (new) gets its HOSTED_IN and OPERATED_BY
    edges with CREATE, and its countries are matched, not merged, when they exist (every country
    of the seeds does). MERGE of an edge locks both of its nodes until commit, so concurrent
    registrations of systems run by one operator in one country queued on those two shared nodes
    (5 % of them timed out at 200 clients). A system with edges goes through MERGE as before."""
    return await fetch(
        tx,
        db,
        "UNWIND $rows AS row "
        "MERGE (s:System {id: row.id}) ON MATCH SET s.id = row.id "
        "WITH row, s, CASE WHEN s.source IS NULL THEN null ELSE s {.*, "
        "  operator: [(s)-[r:OPERATED_BY]->(op) | {id: op.id, role: r.role}][0], "
        "  hosted_in: [(s)-[:HOSTED_IN]->(c) | c.code]} END AS before "
        "SET s += row.props, s.retired_on = null, "
        "s.registered_by = coalesce(s.registered_by, $owner) "
        "WITH row, s, before, NOT EXISTS { (s)-[:OPERATED_BY|HOSTED_IN]->() } AS fresh "
        "CALL (row, s) { "
        "  UNWIND row.hosted_in AS code "
        "  OPTIONAL MATCH (known:Country {code: code}) "
        "  CALL (code, known) { "
        "    WITH code WHERE known IS NULL "
        "    MERGE (c:Country {code: code}) ON CREATE SET c.name = $countries[code] "
        "  } "
        "} "
        "CALL (row, s, fresh) { "
        "  WITH row, s WHERE fresh "
        "  MATCH (c:Country) WHERE c.code IN row.hosted_in "
        "  CREATE (s)-[:HOSTED_IN]->(c) "
        "} "
        "CALL (row, s, fresh) { "
        "  WITH row, s WHERE NOT fresh "
        "  CALL (row, s) { "
        "    OPTIONAL MATCH (s)-[old:OPERATED_BY]->(op) WHERE op.id <> row.operator_id "
        "    DELETE old "
        "  } "
        "  CALL (row, s) { "
        "    OPTIONAL MATCH (s)-[old:HOSTED_IN]->(c) WHERE NOT c.code IN row.hosted_in "
        "    DELETE old "
        "  } "
        "  MATCH (c:Country) WHERE c.code IN row.hosted_in "
        "  MERGE (s)-[:HOSTED_IN]->(c) "
        "} "
        "MATCH (operator:Organisation {id: row.operator_id}) "
        "CALL (row, s, fresh, operator) { "
        "  WITH row, s, operator WHERE fresh "
        "  CREATE (s)-[r:OPERATED_BY {role: row.operator_role}]->(operator) "
        "  RETURN r "
        "UNION ALL "
        "  WITH row, s, operator WHERE NOT fresh "
        "  MERGE (s)-[r:OPERATED_BY]->(operator) SET r.role = row.operator_role "
        "  RETURN r "
        "} "
        "RETURN row.id AS id, before, s {.*, operator: {id: operator.id, role: r.role}, "
        "  hosted_in: row.hosted_in} AS after",
        {"rows": list(rows), "countries": countries, "owner": owner},
    )


async def upsert_flows(
    tx: AsyncManagedTransaction, db: Database, rows: Rows, owner: str
) -> list[Record]:
    """Rows: id, props, from_id, to_system_id, to_organisation_id. A flow whose ends changed is
    moved: the old edge goes, a new one with the same id comes."""
    return await fetch(
        tx,
        db,
        "UNWIND $rows AS row "
        "MATCH (source:System {id: row.from_id}) "
        "OPTIONAL MATCH (to_system:System {id: row.to_system_id}) "
        "OPTIONAL MATCH (to_organisation:Organisation {id: row.to_organisation_id}) "
        "WITH row, source, coalesce(to_system, to_organisation) AS target "
        "OPTIONAL MATCH (a)-[old:FLOWS_TO {id: row.id}]->(b) "
        "WITH row, source, target, old, CASE WHEN old IS NULL THEN null "
        "  ELSE old {.*, from_id: a.id, to_id: b.id} END AS before "
        "CALL (old, source, target) { "
        "  WITH old WHERE old IS NOT NULL "
        "  AND (startNode(old) <> source OR endNode(old) <> target) "
        "  DELETE old "
        "} "
        "MERGE (source)-[f:FLOWS_TO {id: row.id}]->(target) "
        "SET f += row.props, f.retired_on = null, "
        "f.registered_by = coalesce(f.registered_by, $owner) "
        "RETURN row.id AS id, before, f {.*, from_id: source.id, to_id: target.id} AS after",
        {"rows": list(rows), "owner": owner},
    )


async def upsert_safeguards(
    tx: AsyncManagedTransaction, db: Database, rows: Rows, owner: str
) -> list[Record]:
    """Rows: id, props, exporter_id, importer_id."""
    return await fetch(
        tx,
        db,
        "UNWIND $rows AS row "
        "MERGE (g:Safeguard {id: row.id}) ON MATCH SET g.id = row.id "
        "WITH row, g, CASE WHEN g.source IS NULL THEN null ELSE g {.*, "
        "  exporter_id: [(g)-[:EXPORTER]->(o) | o.id][0], "
        "  importer_id: [(g)-[:IMPORTER]->(o) | o.id][0]} END AS before "
        "SET g += row.props, g.retired_on = null, "
        "g.registered_by = coalesce(g.registered_by, $owner) "
        "WITH row, g, before "
        "CALL (row, g) { "
        "  OPTIONAL MATCH (g)-[old:EXPORTER|IMPORTER]->(o) "
        "  WHERE (type(old) = 'EXPORTER' AND o.id <> row.exporter_id) "
        "  OR (type(old) = 'IMPORTER' AND o.id <> row.importer_id) "
        "  DELETE old "
        "} "
        "MATCH (exporter:Organisation {id: row.exporter_id}) "
        "MATCH (importer:Organisation {id: row.importer_id}) "
        "MERGE (g)-[:EXPORTER]->(exporter) "
        "MERGE (g)-[:IMPORTER]->(importer) "
        "RETURN row.id AS id, before, "
        "g {.*, exporter_id: exporter.id, importer_id: importer.id} AS after",
        {"rows": list(rows), "owner": owner},
    )


async def upsert_dpf_certifications(
    tx: AsyncManagedTransaction, db: Database, rows: Rows, owner: str | None
) -> list[Record]:
    """Rows: id (`<organisation id>:<framework>`), props, organisation_id."""
    return await fetch(
        tx,
        db,
        "UNWIND $rows AS row "
        "MATCH (o:Organisation {id: row.organisation_id}) "
        "MERGE (d:DpfCertification {id: row.id}) ON MATCH SET d.id = row.id "
        "WITH row, o, d, CASE WHEN d.framework IS NULL THEN null ELSE d {.*, "
        "  organisation_id: [(holder)-[:CERTIFIED_UNDER]->(d) | holder.id][0]} END AS before "
        "SET d += row.props, d.retired_on = null, "
        "d.registered_by = coalesce(d.registered_by, $owner) "
        "MERGE (o)-[:CERTIFIED_UNDER]->(d) "
        "RETURN row.id AS id, before, d {.*, organisation_id: o.id} AS after",
        {"rows": list(rows), "owner": owner},
    )


MATCH_RETIRABLE: dict[RetirableKind, LiteralString] = {
    "Organisation": "MATCH (n:Organisation {id: $id}) ",
    "System": "MATCH (n:System {id: $id}) ",
    "Safeguard": "MATCH (n:Safeguard {id: $id}) ",
    "ENGAGES": "MATCH ()-[n:ENGAGES {id: $id}]->() ",
    "FLOWS_TO": "MATCH ()-[n:FLOWS_TO {id: $id}]->() ",
}


MATCH_MANY: dict[OwnedKind, LiteralString] = {
    "Organisation": "MATCH (n:Organisation) WHERE n.id IN $ids ",
    "System": "MATCH (n:System) WHERE n.id IN $ids ",
    "Safeguard": "MATCH (n:Safeguard) WHERE n.id IN $ids ",
    "ENGAGES": "MATCH ()-[n:ENGAGES]->() WHERE n.id IN $ids ",
    "FLOWS_TO": "MATCH ()-[n:FLOWS_TO]->() WHERE n.id IN $ids ",
    "DpfCertification": "MATCH (n:DpfCertification) WHERE n.id IN $ids ",
}


async def owners(
    tx: AsyncManagedTransaction, db: Database, kind: OwnedKind, ids: Sequence[str]
) -> list[Record]:
    """`{id, registered_by, is_self}` of the entities of `kind` among `ids` that exist:
    `registered_by` is the id of the key that first registered it (null for the seeded map)."""
    return await fetch(
        tx,
        db,
        MATCH_MANY[kind] + "RETURN n.id AS id, n.registered_by AS registered_by, "
        "coalesce(n.is_self, false) AS is_self",
        {"ids": list(ids)},
    )


async def restore(
    tx: AsyncManagedTransaction, db: Database, kind: RetirableKind, entity_id: str
) -> Record | None:
    """Clear `retired_on`; None when there is no such entity."""
    rows = await fetch(
        tx,
        db,
        MATCH_RETIRABLE[kind] + "WITH n, n {.*} AS before SET n.retired_on = null "
        "RETURN before, n {.*} AS after",
        {"id": entity_id},
    )
    return rows[0] if rows else None


async def retire(
    tx: AsyncManagedTransaction, db: Database, kind: RetirableKind, entity_id: str, on: date
) -> Record | None:
    """Set `retired_on` (an earlier retirement date stays); None when there is no such entity."""
    rows = await fetch(
        tx,
        db,
        MATCH_RETIRABLE[kind]
        + "WITH n, n {.*} AS before SET n.retired_on = coalesce(n.retired_on, $on) "
        "RETURN before, n {.*} AS after",
        {"id": entity_id, "on": on},
    )
    return rows[0] if rows else None


UpdatableKind = Literal["Organisation", "System", "Safeguard", "FLOWS_TO"]

REGISTERED_STATE: dict[UpdatableKind, LiteralString] = {
    "Organisation": "MATCH (n:Organisation {id: $id}) WHERE n.external_id IS NOT NULL "
    "RETURN n.retired_on AS retired_on, n {.source, .external_id, .legal_name, .country, "
    "  .website, .dpa_signed, subject_to: coalesce(n.subject_to, []), "
    "  engagements: [(e:Organisation)-[x:ENGAGES]->(n) WHERE x.retired_on IS NULL | x {.role, "
    "    .service, categories: coalesce(x.categories, []), .authorisation, .notice_days, "
    "    authorised_on: toString(x.authorised_on), engager_id: e.id}]} AS state",
    "System": "MATCH (n:System {id: $id}) WHERE n.external_id IS NOT NULL "
    "RETURN n.retired_on AS retired_on, n {.source, .external_id, .name, .kind, .description, "
    "  .owner_team, .deletion_method, .retrieval_method, .rotation_days, "
    "  identifiers: coalesce(n.identifiers, []), "
    "  operator_id: [(n)-[:OPERATED_BY]->(o) | o.id][0], "
    "  operator_role: [(n)-[r:OPERATED_BY]->() | r.role][0], "
    "  hosted_in: [(n)-[:HOSTED_IN]->(c) | c.code]} AS state",
    "Safeguard": "MATCH (n:Safeguard {id: $id}) WHERE n.external_id IS NOT NULL "
    "RETURN n.retired_on AS retired_on, n {.source, .external_id, .type, .module, .derogation, "
    "  .regimes, .tia_outcome, signed_on: toString(n.signed_on), "
    "  expires_on: toString(n.expires_on), tia_on: toString(n.tia_on), "
    "  supplementary_measures: coalesce(n.supplementary_measures, []), "
    "  exporter_id: [(n)-[:EXPORTER]->(o) | o.id][0], "
    "  importer_id: [(n)-[:IMPORTER]->(o) | o.id][0]} AS state",
    "FLOWS_TO": "MATCH (a)-[n:FLOWS_TO {id: $id}]->(b) WHERE n.external_id IS NOT NULL "
    "RETURN n.retired_on AS retired_on, n {.source, .external_id, .categories, .purpose, .mode, "
    "  from_system_id: a.id, "
    "  to_system_id: CASE WHEN b:System THEN b.id END, "
    "  to_organisation_id: CASE WHEN b:Organisation THEN b.id END} AS state",
}


async def registered_state(
    tx: AsyncManagedTransaction, db: Database, kind: UpdatableKind, entity_id: str
) -> Record | None:
    """An entity an integration registered, as the fields of its register input (snake_case),
    with its `retired_on`; None when no integration registered such an entity."""
    rows = await fetch(tx, db, REGISTERED_STATE[kind], {"id": entity_id})
    return rows[0] if rows else None
