"""The facts an access plan is decided from, read in one transaction with a fixed number of
statements (eight), whatever the size of the map."""

from dataclasses import dataclass, field
from functools import cache
from typing import Any, LiteralString

from neo4j import AsyncManagedTransaction

from graph.database import Database, Record, fetch

RELEVANT: LiteralString = "c = q OR c STARTS WITH q + '.' OR q STARTS WITH c + '.'"

ORGANISATION_FIELDS: LiteralString = ".id, .legal_name, .country, .is_self, .supervisory_authority"
ORGANISATION: LiteralString = " {" + ORGANISATION_FIELDS + "}"


def system(var: LiteralString) -> LiteralString:
    """The projection of the system bound to `var` that a plan location needs."""
    return (
        var + " {.id, .name, .kind, .owner_team, .retrieval_method, .deletion_method, "
        ".identifiers, .rotation_days, "
        "operator: head([(" + var + ")-[op:OPERATED_BY]->(o) | o {" + ORGANISATION_FIELDS + ", "
        "role: op.role}]), "
        "hosted_in: [(" + var + ")-[:HOSTED_IN]->(c) | c.code], "
        "accessed_from: [(" + var + ")-[:ACCESSED_FROM]->(c) | c.code]}"
    )


SUBJECT: LiteralString = (
    "OPTIONAL MATCH (d:DataSubject {key: $subject}) "
    "RETURN d.key AS key, d.name AS name, "
    "COLLECT { MATCH (i:RightItem) WHERE i.regime = $text_regime "
    "RETURN i {.key, .article, .text} ORDER BY i.key } AS right_items, "
    "COLLECT { MATCH (c:Country)-[:IN_AREA_OF]->(:Regime {key: $regime}) RETURN c.code } AS area"
)

HOLDINGS: LiteralString = (
    "MATCH (st:Storage)-[:OF_SUBJECT]->(:DataSubject {key: $subject}) "
    "MATCH (st)-[:IN_SYSTEM]->(s:System) "
    "RETURN 'STORAGE' AS held_by, st {.id, .retention, .retention_days, .collected_from_subject, "
    ".controller_role, categories: [(st)-[:OF_CATEGORY]->(c) | c.key], "
    "obligation: head([(st)-[:RETAINED_UNDER]->(r) | r {.id, .legal_reference, .period_years}])} "
    "AS record, " + system("s") + " AS system "
    "UNION ALL "
    "MATCH (pa:ProcessingActivity)-[:CONCERNS]->(:DataSubject {key: $subject}) "
    "OPTIONAL MATCH (pa)-[:RUNS_ON]->(s:System) "
    "RETURN 'ACTIVITY' AS held_by, pa {.id, .name, .purpose, .retention, .retention_days, "
    ".preemptly_role, .automated_decision_making, .profiling, .recipient_categories, "
    "categories: [(pa)-[:USES_CATEGORY]->(c) | c.key], "
    "purpose_name: head([(pa)-[:FOR_PURPOSE]->(u) | u.name]), "
    "legal_basis: head([(pa)-[:ON_LEGAL_BASIS]->(b) | b {.key, .article, .text}]), "
    "controller: head([(pa)-[:CONTROLLED_BY]->(o) | o" + ORGANISATION + "]), "
    "discloses_to: [(pa)-[d:DISCLOSES_TO]->(o) | o {" + ORGANISATION_FIELDS + ", role: d.role}]} "
    "AS record, CASE WHEN s IS NULL THEN null ELSE " + system("s") + " END AS system"
)

FLOW_HOP: LiteralString = (
    "[r:FLOWS_TO WHERE any(c IN r.categories WHERE any(q IN start.categories WHERE "
    + RELEVANT
    + "))]"
)
# Each node once, on its nearest path from any start; the starts the node cap cut are named apart.
REACHED: LiteralString = (
    "WITH start.id AS start, collect({n: n, p: p}) AS reached "
    "WITH collect(CASE WHEN size(reached) >= $limit THEN start END) AS capped, "
    "collect([x IN reached | {n: x.n, p: x.p, start: start}]) AS lists "
    "UNWIND lists AS list UNWIND list AS x "
    "WITH capped, x ORDER BY length(x.p), x.start "
    "WITH capped, x.n AS n, head(collect(x)) AS nearest "
    "RETURN capped <> [] AS capped, nearest.start AS start, length(nearest.p) AS degree, "
    "[r IN relationships(nearest.p) | [r.id, r.categories]] AS flows, "
    "CASE WHEN n:System THEN 'System' ELSE 'Organisation' END AS kind, n.id AS id"
)


@cache
def _reach(arrow_out: bool, hops: int) -> LiteralString:
    """Breadth-first from every start, at most `$limit` nodes per start, each reached node once
    at its nearest start (the hop bound is a literal for the reason given in
    `graph.queries.lineage`; `access_rows` asks one hop more than it keeps, to tell whether the
    bound cut). Rows carry ids only; `DETAILS` reads each node's facts once."""
    hop: LiteralString = (
        "((a)-" + FLOW_HOP + "->(b))" if arrow_out else "((b)<-" + FLOW_HOP + "-(a))"
    )
    return (
        "UNWIND $starts AS start MATCH (s:System {id: start.id}) "
        "CALL (s, start) { MATCH p = SHORTEST 1 (s) "
        + hop
        + "{1,"
        + str(hops)
        + "} (n) WHERE n <> s "
        "RETURN p, n LIMIT $limit } " + REACHED
    )


DETAILS: LiteralString = (
    "UNWIND $systems AS id MATCH (n:System {id: id}) "
    "RETURN 'System' AS kind, id, " + system("n") + " AS node "
    "UNION ALL "
    "UNWIND $organisations AS id MATCH (n:Organisation {id: id}) "
    "RETURN 'Organisation' AS kind, id, n" + ORGANISATION + " AS node"
)
KINDS = ("System", "Organisation")


BACKUPS: LiteralString = (
    "MATCH (s:System)-[:BACKS_UP]->(source:System) WHERE source.id IN $systems "
    "RETURN source.id AS backs_up, " + system("s") + " AS system"
)

RECIPIENTS: LiteralString = (
    "UNWIND $organisations AS id MATCH (o:Organisation {id: id}) "
    "OPTIONAL MATCH p = (o)-[:ENGAGES]->{1,5}(:Organisation) "
    "WHERE none(x IN nodes(p) WHERE coalesce(x.is_self, false)) "
    "AND all(e IN relationships(p) WHERE e.categories IS NULL OR any(c IN e.categories "
    "WHERE any(q IN $categories WHERE " + RELEVANT + "))) "
    "WITH o, collect(DISTINCT [e IN relationships(p) | e {.id, .role, .service, "
    "from: startNode(e).id, to: {id: endNode(e).id, legal_name: endNode(e).legal_name, "
    "country: endNode(e).country, is_self: endNode(e).is_self}}]) AS chains "
    "RETURN o" + ORGANISATION + " AS organisation, chains, "
    "[(m:Organisation)-[e:ENGAGES]->(o) WHERE m.is_self | e.role] AS engaged_as"
)

SAFEGUARDS: LiteralString = (
    "MATCH (g:Safeguard)-[:IMPORTER]->(i:Organisation) WHERE i.id IN $organisations "
    "MATCH (g)-[:EXPORTER]->(e:Organisation) "
    "RETURN g {.id, .type, .module, .regimes, .signed_on, .expires_on, .tia_outcome} AS safeguard, "
    "e.id AS exporter, i.id AS importer"
)


@dataclass
class AccessRows:
    """What the statements returned, for `resolvers.access` to decide from."""

    subject: Record
    holdings: list[Record] = field(default_factory=list)
    copies: list[Record] = field(default_factory=list)
    sources: list[Record] = field(default_factory=list)
    backups: list[Record] = field(default_factory=list)
    truncated: bool = False
    recipients: list[Record] = field(default_factory=list)
    safeguards: list[Record] = field(default_factory=list)


def _starts(holdings: list[Record], *, sinks: bool) -> list[dict[str, Any]]:
    by_system: dict[str, set[str]] = {}
    for row in holdings:
        if row["system"] is None:
            continue
        if sinks and (row["held_by"] != "STORAGE" or row["record"]["collected_from_subject"]):
            continue
        by_system.setdefault(row["system"]["id"], set()).update(row["record"]["categories"])
    return [{"id": key, "categories": sorted(cats)} for key, cats in by_system.items() if cats]


async def access_rows(
    db: Database, *, subject: str, regime: str, text_regime: str, hops: int, limit: int
) -> AccessRows:
    downstream = _reach(True, hops + 1)
    upstream = _reach(False, hops + 1)

    async def work(tx: AsyncManagedTransaction) -> AccessRows:
        params = {"subject": subject, "regime": regime, "text_regime": text_regime}
        [found] = await fetch(tx, db, SUBJECT, params)
        rows = AccessRows(subject=found)
        if found["key"] is None:
            return rows
        rows.holdings = await fetch(tx, db, HOLDINGS, params)
        starts = _starts(rows.holdings, sinks=False)
        copies = await fetch(tx, db, downstream, {"starts": starts, "limit": limit})
        sinks = _starts(rows.holdings, sinks=True)
        sources = await fetch(tx, db, upstream, {"starts": sinks, "limit": limit})
        reached = [*copies, *sources]
        rows.truncated = any(row["degree"] > hops or row["capped"] for row in reached)
        kept = [row for row in reached if row["degree"] <= hops]
        ids = {kind: sorted({row["id"] for row in kept if row["kind"] == kind}) for kind in KINDS}
        details = await fetch(
            tx, db, DETAILS, {"systems": ids["System"], "organisations": ids["Organisation"]}
        )
        nodes = {(row["kind"], row["id"]): row["node"] for row in details}
        rows.copies = [_detailed(row, nodes) for row in copies if row["degree"] <= hops]
        rows.sources = [_detailed(row, nodes) for row in sources if row["degree"] <= hops]
        systems = {start["id"] for start in starts} | {
            row["node"]["id"] for row in rows.copies if row["kind"] == "System"
        }
        rows.backups = await fetch(tx, db, BACKUPS, {"systems": sorted(systems)})
        organisations = _external_organisations(rows)
        categories = sorted({key for start in starts for key in start["categories"]})
        rows.recipients = await fetch(
            tx, db, RECIPIENTS, {"organisations": organisations, "categories": categories}
        )
        engaged = {
            hop["to"]["id"] for row in rows.recipients for chain in row["chains"] for hop in chain
        }
        rows.safeguards = await fetch(
            tx, db, SAFEGUARDS, {"organisations": sorted(set(organisations) | engaged)}
        )
        return rows

    return await db.read_tx(work)


def _detailed(row: Record, nodes: dict[tuple[str, str], Record]) -> Record:
    """A reached row with its node's facts, and its flows as `resolvers.access` reads them."""
    return {
        **row,
        "node": nodes[(row["kind"], row["id"])],
        "flows": [
            {"id": flow_id, "categories": categories} for flow_id, categories in row["flows"]
        ],
    }


def _external_organisations(rows: AccessRows) -> list[str]:
    found: set[str] = set()
    systems = [row["system"] for row in rows.holdings if row["system"] is not None]
    systems += [row["node"] for row in rows.copies if row["kind"] == "System"]
    systems += [row["system"] for row in rows.backups]
    for system in systems:
        operator = system["operator"]
        if operator is not None and not operator["is_self"]:
            found.add(operator["id"])
    found |= {row["node"]["id"] for row in rows.copies if row["kind"] == "Organisation"}
    for row in rows.holdings:
        if row["held_by"] == "ACTIVITY":
            found |= {org["id"] for org in row["record"]["discloses_to"] if not org["is_self"]}
    return sorted(found)
