"""Upserts of what integrations register, keyed by the stable id `<source>:<externalId>` (unique
constraints make concurrent MERGEs of one key create one node or edge). Each statement takes a
batch of rows and returns, per row, the entity before (null when new) and after. Retiring sets
`retired_on` and keeps the entity, so past assessments stay explainable. The functions run inside
the caller's transaction, together with the audit events."""

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, Literal, LiteralString

from neo4j import AsyncManagedTransaction

from graph import sort_names
from graph.database import Database, Record, fetch
from graph.migrations import NODE_KEYS

Rows = Sequence[Mapping[str, Any]]
RetirableKind = Literal[
    "Organisation", "System", "Safeguard", "Storage", "ProcessingActivity", "ENGAGES", "FLOWS_TO"
]
OwnedKind = RetirableKind | Literal["DpfCertification"]
"""What records the key that registered it (`registered_by`)."""
REFERABLE: tuple[LiteralString, ...] = (
    "Organisation",
    "System",
    "DataSubject",
    "RetentionObligation",
    "LegalBasis",
    "SpecialCategoryCondition",
    "SecurityMeasure",
)
"""The node kinds a registration may name, each by its key property (`graph.migrations`)."""


def _find_referenced() -> LiteralString:
    """One branch per kind, each seeking only its own references by its key: quick to plan
    (seven optional matches of every reference took seconds to plan on a loaded machine)."""
    keys = dict(NODE_KEYS)
    branches: LiteralString = ""
    for label in REFERABLE:
        branches += (
            (" UNION ALL " if branches else "")
            + "UNWIND $references AS ref WITH ref WHERE ref.label = '"
            + label
            + "' OPTIONAL MATCH (n:"
            + label
            + " {"
            + keys[label]
            + ": ref.id}) WITH ref, n WHERE n IS NULL OR n.retired_on IS NOT NULL "
            "RETURN ref, n IS NOT NULL AS retired"
        )
    return (
        "CALL () { " + branches + " } "
        "RETURN ref.field AS field, ref.label AS label, ref.id AS id, retired ORDER BY ref.index"
    )


FIND_REFERENCED = _find_referenced()


async def invalid_references(
    tx: AsyncManagedTransaction, db: Database, references: Rows
) -> list[Record]:
    """References ({field, label, id, index}) to entities that are missing or retired, in the
    order of their `index`."""
    if not references:
        return []
    return await fetch(tx, db, FIND_REFERENCED, {"references": list(references)})


def relink(
    node: LiteralString,
    rel: LiteralString,
    label: LiteralString,
    key: LiteralString,
    items: LiteralString,
    prop: LiteralString | None = None,
) -> LiteralString:
    """Make `node`'s outgoing `rel` edges exactly those to the `label` nodes whose `key` is in
    the list expression `items` (with `prop`: maps `{key, <prop>}`, and `prop` set on the edge).
    Edges that stay are kept as they are; a missing Country is merged, with `$countries` names.

    A node new in this transaction (`fresh` in scope) gets its edges with CREATE, and an existing
    Country is matched, not merged: MERGE of an edge locks both of its nodes until commit, so
    concurrent registrations naming one operator or country queued on it (as
    `NEW_ORGANISATIONS` explains). A node that exists goes through MERGE."""
    if prop is None:
        stale: LiteralString = "NOT t." + key + " IN " + items
        wanted: LiteralString = "k"
        edge: LiteralString = "[:" + rel + "]"
    else:
        stale = "NOT {key: t." + key + ", " + prop + ": old." + prop + "} IN " + items
        wanted = "k.key"
        edge = "[:" + rel + " {" + prop + ": k." + prop + "}]"
    find: LiteralString = (
        "OPTIONAL MATCH (known:Country {code: " + wanted + "}) "
        "CALL (k, known) { WITH k WHERE known IS NULL "
        "MERGE (c:Country {code: " + wanted + "}) ON CREATE SET c.name = $countries[c.code] } "
        "MATCH (t:Country {code: " + wanted + "}) "
        if label == "Country"
        else "MATCH (t:" + label + " {" + key + ": " + wanted + "}) "
    )
    return (
        "CALL ("
        + node
        + ", row, fresh) { WITH * WHERE NOT fresh OPTIONAL MATCH ("
        + node
        + ")-[old:"
        + rel
        + "]->(t:"
        + label
        + ") WHERE "
        + stale
        + " DELETE old } "
        "CALL ("
        + node
        + ", row, fresh) { UNWIND "
        + items
        + " AS k WITH DISTINCT "
        + node
        + ", fresh, k "
        + find
        + "FOREACH (_ IN CASE WHEN fresh THEN [1] ELSE [] END | CREATE ("
        + node
        + ")-"
        + edge
        + "->(t)) "
        "FOREACH (_ IN CASE WHEN fresh THEN [] ELSE [1] END | MERGE ("
        + node
        + ")-"
        + edge
        + "->(t)) } "
    )


def markets(node: LiteralString, prop: LiteralString) -> LiteralString:
    """Set `node.prop` to the markets of `row.props.prop`, `EEA` spelled out as the graph's EEA
    states, sorted: as the seed loader stores them."""
    return (
        "SET " + node + "." + prop + " = COLLECT { UNWIND row.props." + prop + " AS m "
        "OPTIONAL MATCH (eea:Country {eea: true}) WHERE m = 'EEA' "
        "WITH DISTINCT coalesce(eea.code, m) AS code WHERE code <> 'EEA' "
        "RETURN code ORDER BY code } WITH * "
    )


def registered(node: LiteralString, props: LiteralString = "row.props") -> LiteralString:
    """Set `props` on `node`, unretire it and record the first registrar (`$owner`)."""
    return (
        "SET "
        + node
        + " += "
        + props
        + ", "
        + node
        + ".retired_on = null, "
        + node
        + ".registered_by = coalesce("
        + node
        + ".registered_by, $owner) "
    )


def shown(rows: list[Record], *fields: str) -> list[Record]:
    """`rows` with the node states in `fields` as the API shows them (`sort_names.without`)."""
    for row in rows:
        for field in fields:
            row[field] = sort_names.without(row[field])
    return rows


def one(value: LiteralString) -> LiteralString:
    """A single optional key as a list for `relink`."""
    return "[k IN [" + value + "] WHERE k IS NOT NULL]"


NEW_ORGANISATIONS: LiteralString = (
    "UNWIND $rows AS row "
    "MERGE (o:Organisation {id: row.id}) ON MATCH SET o.id = row.id "
    "WITH row, o WHERE o.source IS NULL AND NOT EXISTS { (o)-[:ESTABLISHED_IN|ENGAGES]-() } "
    "MATCH (engager:Organisation {id: row.engager_id}) "
    "MERGE (c:Country {code: row.props.country}) ON CREATE SET c.name = $countries[c.code] "
    + registered("o")
    + sort_names.kept("o", "Organisation")
    + markets("o", "serves")
    + "CREATE (o)-[:ESTABLISHED_IN]->(c) "
    "CREATE (engager)-[e:ENGAGES {id: row.engagement.id}]->(o) "
    + registered("e", "row.engagement.props")
    + "RETURN row.id AS id"
)
"""The organisations of `$rows` that are new (no `source`, so no `before`, and no edge), created
in one pass with no per-row branch: most of a bulk call. Their edges are made with CREATE: MERGE
of an edge locks both of its nodes until commit, so concurrent calls that all engage one
organisation, or establish in one country, would queue on those nodes. `ON MATCH SET` takes an
existing organisation's own lock, so two transactions cannot both find it without edges. It
returns only the ids it created: what it wrote of each is its row (`created_organisation`), so
a thousand property maps do not travel back to be decoded. The rows it does not return go
through `upsert_known_organisations`."""


def created_organisation(row: Mapping[str, Any], owner: str) -> Record | None:
    """What `NEW_ORGANISATIONS` leaves of `row`, as `upsert_known_organisations` projects it
    (`after`, its sort name aside); None when that is not known without the graph (markets
    naming `EEA`)."""
    state = expected_state("Organisation", row)
    if state is None:
        return None
    engagement = row["engagement"]
    state["registered_by"] = owner
    state["engagement"] = {
        **{name: value for name, value in engagement["props"].items() if value is not None},
        "id": engagement["id"],
        "registered_by": owner,
    }
    return state


async def upsert_organisations(
    tx: AsyncManagedTransaction,
    db: Database,
    rows: Rows,
    countries: Mapping[str, str],
    owner: str,
) -> list[Record]:
    """Rows: id, props, engager_id, engagement {id, props}. The organisation is established in
    its country and engaged by `engager_id` through one ENGAGES edge. New organisations go
    through `NEW_ORGANISATIONS`, the others (and those whose state the row does not tell) through
    `upsert_known_organisations`; the results come back in the order of `rows`."""
    predicted = {row["id"]: created_organisation(row, owner) for row in rows}
    params = {
        "rows": [row for row in rows if predicted[row["id"]] is not None],
        "countries": countries,
        "owner": owner,
    }
    found: dict[str, Record] = {
        record["id"]: {"id": record["id"], "before": None, "after": predicted[record["id"]]}
        for record in await fetch(tx, db, NEW_ORGANISATIONS, params)
    }
    known = [row for row in rows if row["id"] not in found]
    if known:
        upserted = await upsert_known_organisations(tx, db, known, countries, owner)
        found.update((row["id"], row) for row in upserted)
    return [found[row["id"]] for row in rows]


async def upsert_known_organisations(
    tx: AsyncManagedTransaction,
    db: Database,
    rows: Rows,
    countries: Mapping[str, str],
    owner: str,
) -> list[Record]:
    """`upsert_organisations` of the rows `NEW_ORGANISATIONS` did not create: the organisation's
    country and engagement are made exactly those by MERGE (its old country's edge goes)."""
    upserted = await fetch(
        tx,
        db,
        "UNWIND $rows AS row "
        "MERGE (o:Organisation {id: row.id}) ON MATCH SET o.id = row.id "
        "WITH row, o, CASE WHEN o.source IS NULL THEN null ELSE o {.*, "
        "  engagement: [(:Organisation {id: row.engager_id})-[e:ENGAGES {id: row.engagement.id}]"
        "->(o) | e {.*}][0]} END AS before "
        + registered("o")
        + sort_names.kept("o", "Organisation")
        + markets("o", "serves")
        + "CALL (row, o) { "
        "  OPTIONAL MATCH (o)-[old:ESTABLISHED_IN]->(c:Country) "
        "  WHERE c.code <> row.props.country "
        "  DELETE old "
        "} "
        "MERGE (c:Country {code: row.props.country}) ON CREATE SET c.name = $countries[c.code] "
        "MERGE (o)-[:ESTABLISHED_IN]->(c) "
        "WITH row, o, before "
        "MATCH (engager:Organisation {id: row.engager_id}) "
        "MERGE (engager)-[e:ENGAGES {id: row.engagement.id}]->(o) "
        + registered("e", "row.engagement.props")
        + "RETURN row.id AS id, before, o {.*, engagement: e {.*}} AS after",
        {"rows": list(rows), "countries": countries, "owner": owner},
    )
    return shown(upserted, "before", "after")


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
        + registered("f")
        + "RETURN row.id AS id, before, f {.*, from_id: source.id, to_id: target.id} AS after",
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
        + registered("g")
        + "WITH row, g, before "
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


ORGANISATION_LINKS: LiteralString = "country: [(n)-[:ESTABLISHED_IN]->(c) | c.code][0]"
STORAGE_LINKS: LiteralString = (
    "system_id: [(n)-[:IN_SYSTEM]->(s) | s.id][0], "
    "subject: [(n)-[:OF_SUBJECT]->(d) | d.key][0], "
    "retention_obligation: [(n)-[:RETAINED_UNDER]->(r) | r.id][0]"
)
SYSTEM_LINKS: LiteralString = (
    "operator: [(n)-[r:OPERATED_BY]->(op) | {id: op.id, role: r.role}][0], "
    "hosted_in: [(n)-[:HOSTED_IN]->(c) | c.code], "
    "accessed_from: [(n)-[a:ACCESSED_FROM]->(c) | {country: c.code, purpose: a.purpose}]"
)
ACTIVITY_LINKS: LiteralString = (
    "subjects: [(n)-[:CONCERNS]->(d) | d.key], "
    "system_ids: [(n)-[:RUNS_ON]->(s) | s.id], "
    "controller_id: [(n)-[:CONTROLLED_BY]->(o) | o.id][0], "
    "recipients: [(n)-[r:DISCLOSES_TO]->(o) | {organisation_id: o.id, role: r.role}]"
)


async def upsert_nodes(
    tx: AsyncManagedTransaction,
    db: Database,
    label: Literal["Organisation", "System", "Storage", "ProcessingActivity"],
    rows: Rows,
    owner: str,
    countries: Mapping[str, str] | None = None,
) -> list[Record]:
    """Rows: id, props and the keys the label's links read (see UPSERT_LINKS): `operator`
    ({key, role}), `hosted_in` (codes) and `accessed_from` ({key, purpose}) for a System;
    `system_id`, `subject`, `retention_obligation` for a Storage; `subjects`, `system_ids`,
    `controller_id`, `recipients` ({key, role}) for a ProcessingActivity. The node's links are
    made exactly those; its `before` and `after` carry them as the projection names them."""
    links, projection = UPSERT_LINKS[label]
    upserted = await fetch(
        tx,
        db,
        "UNWIND $rows AS row "
        "MERGE (n:" + label + " {id: row.id}) ON MATCH SET n.id = row.id "
        "WITH row, n, CASE WHEN n.source IS NULL THEN null ELSE n {.*, " + projection + "} END "
        "AS before "
        + registered("n")
        + sort_names.kept("n", label)
        + "WITH row, n, before, before IS NULL AS fresh "
        + links
        + "WITH row, n, before "
        "RETURN row.id AS id, before, n {.*, " + projection + "} AS after",
        {"rows": list(rows), "countries": countries or {}, "owner": owner},
    )
    return shown(upserted, "before", "after")


UPSERT_LINKS: dict[str, tuple[LiteralString, LiteralString]] = {
    "Organisation": (
        markets("n", "serves")
        + relink("n", "ESTABLISHED_IN", "Country", "code", "[row.props.country]"),
        ORGANISATION_LINKS,
    ),
    "System": (
        relink("n", "OPERATED_BY", "Organisation", "id", "[row.operator]", "role")
        + relink("n", "HOSTED_IN", "Country", "code", "row.hosted_in")
        + relink("n", "ACCESSED_FROM", "Country", "code", "row.accessed_from", "purpose")
        + relink("n", "PROTECTED_BY", "SecurityMeasure", "key", "row.props.security_measures"),
        SYSTEM_LINKS,
    ),
    "Storage": (
        markets("n", "subjects_in")
        + relink("n", "IN_SYSTEM", "System", "id", "[row.system_id]")
        + relink("n", "OF_SUBJECT", "DataSubject", "key", "[row.subject]")
        + relink("n", "OF_CATEGORY", "DataCategory", "key", "row.props.categories")
        + relink(
            "n", "RETAINED_UNDER", "RetentionObligation", "id", one("row.retention_obligation")
        ),
        STORAGE_LINKS,
    ),
    "ProcessingActivity": (
        relink("n", "FOR_PURPOSE", "DataUse", "key", "[row.props.purpose]")
        + relink("n", "ON_LEGAL_BASIS", "LegalBasis", "key", one("row.props.legal_basis"))
        + relink("n", "CONCERNS", "DataSubject", "key", "row.subjects")
        + relink("n", "USES_CATEGORY", "DataCategory", "key", "row.props.categories")
        + relink("n", "RUNS_ON", "System", "id", "row.system_ids")
        + relink("n", "CONTROLLED_BY", "Organisation", "id", "[row.controller_id]")
        + relink("n", "DISCLOSES_TO", "Organisation", "id", "row.recipients", "role"),
        ACTIVITY_LINKS,
    ),
}


async def upsert_engagements(
    tx: AsyncManagedTransaction, db: Database, rows: Rows, owner: str
) -> list[Record]:
    """Rows: id (`<engager>><engaged>`), props, engager_id, engaged_id."""
    return await fetch(
        tx,
        db,
        "UNWIND $rows AS row "
        "MATCH (a:Organisation {id: row.engager_id}) "
        "MATCH (b:Organisation {id: row.engaged_id}) "
        "OPTIONAL MATCH (a)-[old:ENGAGES {id: row.id}]->(b) "
        "WITH row, a, b, CASE WHEN old IS NULL THEN null "
        "  ELSE old {.*, engager_id: a.id, engaged_id: b.id} END AS before "
        "MERGE (a)-[e:ENGAGES {id: row.id}]->(b) "
        + registered("e")
        + "RETURN row.id AS id, before, e {.*, engager_id: a.id, engaged_id: b.id} AS after",
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
        + registered("d")
        + "MERGE (o)-[:CERTIFIED_UNDER]->(d) "
        "RETURN row.id AS id, before, d {.*, organisation_id: o.id} AS after",
        {"rows": list(rows), "owner": owner},
    )


MATCH_RETIRABLE: dict[RetirableKind, LiteralString] = {
    "Organisation": "MATCH (n:Organisation {id: $id}) ",
    "System": "MATCH (n:System {id: $id}) ",
    "Safeguard": "MATCH (n:Safeguard {id: $id}) ",
    "Storage": "MATCH (n:Storage {id: $id}) ",
    "ProcessingActivity": "MATCH (n:ProcessingActivity {id: $id}) ",
    "ENGAGES": "MATCH ()-[n:ENGAGES {id: $id}]->() ",
    "FLOWS_TO": "MATCH ()-[n:FLOWS_TO {id: $id}]->() ",
}


MATCH_MANY: dict[OwnedKind, LiteralString] = {
    "Organisation": "MATCH (n:Organisation) WHERE n.id IN $ids ",
    "System": "MATCH (n:System) WHERE n.id IN $ids ",
    "Safeguard": "MATCH (n:Safeguard) WHERE n.id IN $ids ",
    "Storage": "MATCH (n:Storage) WHERE n.id IN $ids ",
    "ProcessingActivity": "MATCH (n:ProcessingActivity) WHERE n.id IN $ids ",
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
    return shown(rows, "before", "after")[0] if rows else None


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
    return shown(rows, "before", "after")[0] if rows else None


UpdatableKind = Literal[
    "Organisation", "System", "Safeguard", "Storage", "ProcessingActivity", "ENGAGES", "FLOWS_TO"
]

REGISTERED_STATE: dict[UpdatableKind, LiteralString] = {
    "Organisation": "MATCH (n:Organisation {id: $id}) WHERE n.external_id IS NOT NULL "
    "RETURN n.retired_on AS retired_on, n {.source, .external_id, .legal_name, .country, "
    "  .website, .dpa_signed, subject_to: coalesce(n.subject_to, []), "
    "  serves: coalesce(n.serves, []), .kind, "
    "  .supervisory_authority, "
    "  engagements: [(e:Organisation)-[x:ENGAGES]->(n) WHERE x.retired_on IS NULL | x {.role, "
    "    .service, categories: coalesce(x.categories, []), .subjects, .authorisation, "
    "    .notice_days, "
    "    authorised_on: toString(x.authorised_on), engager_id: e.id}]} AS state",
    "System": "MATCH (n:System {id: $id}) WHERE n.external_id IS NOT NULL "
    "RETURN n.retired_on AS retired_on, n {.source, .external_id, .name, .kind, .description, "
    "  .owner_team, .deletion_method, .retrieval_method, .rotation_days, "
    "  identifiers: coalesce(n.identifiers, []), "
    "  security_measures: coalesce(n.security_measures, []), "
    "  operator_id: [(n)-[:OPERATED_BY]->(o) | o.id][0], "
    "  operator_role: [(n)-[r:OPERATED_BY]->() | r.role][0], "
    "  hosted_in: [(n)-[:HOSTED_IN]->(c) | c.code], "
    "  accessed_from: [(n)-[a:ACCESSED_FROM]->(c) | {country: c.code, purpose: a.purpose}]"
    "} AS state",
    "Safeguard": "MATCH (n:Safeguard {id: $id}) WHERE n.external_id IS NOT NULL "
    "RETURN n.retired_on AS retired_on, n {.source, .external_id, .type, .module, .derogation, "
    "  .regimes, .tia_outcome, signed_on: toString(n.signed_on), "
    "  expires_on: toString(n.expires_on), tia_on: toString(n.tia_on), "
    "  supplementary_measures: coalesce(n.supplementary_measures, []), "
    "  exporter_id: [(n)-[:EXPORTER]->(o) | o.id][0], "
    "  importer_id: [(n)-[:IMPORTER]->(o) | o.id][0]} AS state",
    "FLOWS_TO": "MATCH (a)-[n:FLOWS_TO {id: $id}]->(b) WHERE n.external_id IS NOT NULL "
    "RETURN n.retired_on AS retired_on, n {.source, .external_id, .categories, .purpose, .mode, "
    "  .subjects, "
    "  from_system_id: a.id, "
    "  to_system_id: CASE WHEN b:System THEN b.id END, "
    "  to_organisation_id: CASE WHEN b:Organisation THEN b.id END} AS state",
    "ENGAGES": "MATCH (a:Organisation)-[n:ENGAGES {id: $id}]->(b:Organisation) "
    "WHERE n.registered_by IS NOT NULL "
    "RETURN n.retired_on AS retired_on, n {.source, .role, .service, "
    "  categories: coalesce(n.categories, []), .subjects, .authorisation, .notice_days, "
    "  authorised_on: toString(n.authorised_on), engager_id: a.id, engaged_id: b.id} AS state",
    "Storage": "MATCH (n:Storage {id: $id}) WHERE n.external_id IS NOT NULL "
    "RETURN n.retired_on AS retired_on, n {.*, " + STORAGE_LINKS + "} AS state",
    "ProcessingActivity": "MATCH (n:ProcessingActivity {id: $id}) WHERE n.external_id IS NOT NULL "
    "RETURN n.retired_on AS retired_on, n {.*, "
    "  recipient_categories: coalesce(n.recipient_categories, []), "
    + ACTIVITY_LINKS
    + "} AS state",
}


async def registered_state(
    tx: AsyncManagedTransaction, db: Database, kind: UpdatableKind, entity_id: str
) -> Record | None:
    """An entity an integration registered, as the fields of its register input (snake_case),
    with its `retired_on`; None when no integration registered such an entity."""
    rows = await fetch(tx, db, REGISTERED_STATE[kind], {"id": entity_id})
    return shown(rows, "state")[0] if rows else None


StateKind = Literal["Organisation", "System", "Storage", "ProcessingActivity", "FLOWS_TO"]
"""What `states` reads: the kinds `upsert_nodes` and `upsert_flows` write."""
STATES: dict[StateKind, LiteralString] = {
    "Organisation": "MATCH (n:Organisation) WHERE n.id IN $ids "
    "RETURN n.id AS id, n {.*, " + ORGANISATION_LINKS + "} AS state",
    "System": "MATCH (n:System) WHERE n.id IN $ids "
    "RETURN n.id AS id, n {.*, " + SYSTEM_LINKS + "} AS state",
    "Storage": "MATCH (n:Storage) WHERE n.id IN $ids "
    "RETURN n.id AS id, n {.*, " + STORAGE_LINKS + "} AS state",
    "ProcessingActivity": "MATCH (n:ProcessingActivity) WHERE n.id IN $ids "
    "RETURN n.id AS id, n {.*, " + ACTIVITY_LINKS + "} AS state",
    "FLOWS_TO": "MATCH (a)-[n:FLOWS_TO]->(b) WHERE n.id IN $ids "
    "RETURN n.id AS id, n {.*, from_id: a.id, to_id: b.id} AS state",
}


async def states(
    tx: AsyncManagedTransaction, db: Database, kind: StateKind, ids: Sequence[str]
) -> dict[str, Record]:
    """Per id of `ids` that exists, the entity as the upsert of its kind projects it (its
    `before`)."""
    rows = await fetch(tx, db, STATES[kind], {"ids": list(ids)})
    return {row["id"]: row["state"] for row in shown(rows, "state")}


MARKET_PROPS: dict[StateKind, tuple[str, ...]] = {
    "Organisation": ("serves",),
    "Storage": ("subjects_in",),
}


def expected_state(kind: StateKind, row: Mapping[str, Any]) -> dict[str, Any] | None:
    """What the upsert of `kind` would leave of `row` as `states` projects it, its
    `registered_by` aside; None when that is not known without the graph (markets naming
    `EEA`, which the upsert spells out as the graph's EEA states). Neo4j stores no null
    property, so a null prop is absent; a link that names nothing is null."""
    props = row["props"]
    if any("EEA" in (props.get(name) or ()) for name in MARKET_PROPS.get(kind, ())):
        return None
    state = {name: value for name, value in props.items() if value is not None}
    state["id"] = row["id"]
    if kind == "Organisation":
        state["country"] = props["country"]
    elif kind == "System":
        operator = row["operator"]
        state["operator"] = {"id": operator["key"], "role": operator["role"]}
        state["hosted_in"] = list(row["hosted_in"])
        state["accessed_from"] = [
            {"country": a["key"], "purpose": a["purpose"]} for a in row["accessed_from"]
        ]
    elif kind == "Storage":
        state["system_id"] = row["system_id"]
        state["subject"] = row["subject"]
        state["retention_obligation"] = row["retention_obligation"]
    elif kind == "ProcessingActivity":
        state["subjects"] = list(row["subjects"])
        state["system_ids"] = list(row["system_ids"])
        state["controller_id"] = row["controller_id"]
        state["recipients"] = [
            {"organisation_id": r["key"], "role": r["role"]} for r in row["recipients"]
        ]
    else:
        state["from_id"] = row["from_id"]
        state["to_id"] = row["to_system_id"] or row["to_organisation_id"]
    return state
