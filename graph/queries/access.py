"""The facts an access plan is decided from, read in one transaction with a fixed number of
statements (eight), whatever the size of the map."""

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any, LiteralString

from neo4j import AsyncManagedTransaction

from graph.database import Database, Record, fetch
from graph.queries import filters

RELEVANT: LiteralString = filters.relevant("c", "q")

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


@cache
def _neighbourhood(arrow_out: bool, hops: int) -> LiteralString:
    """The flows around the starts that carry one of `$categories`: breadth-first from all starts
    at once, unrolled into one `CALL` per hop as in `graph.queries.lineage` (the hop bound is a
    literal for the reason given there), every such flow out of each node within `hops - 1`,
    at most `$cap` nodes in all. Each flow as `[from, to, kind of to, id, categories]`, walked
    against its arrow upstream. Which of them each start follows is `reach`'s to decide."""
    hop: LiteralString = "(a)-[r:FLOWS_TO]->(b)" if arrow_out else "(a)<-[r:FLOWS_TO]-(b)"
    text: LiteralString = (
        "UNWIND $starts AS start MATCH (s:System {id: start.id}) "
        "WITH collect(s) AS seen WITH seen, seen AS frontier, [] AS flows "
    )
    for _ in range(hops):
        text += (
            "CALL (seen, frontier) { UNWIND frontier AS a MATCH " + hop + " "
            "WHERE any(c IN r.categories WHERE any(q IN $categories WHERE " + RELEVANT + ")) "
            "RETURN collect(DISTINCT CASE WHEN NOT b IN seen THEN b END) AS next, "
            "collect([a.id, b.id, CASE WHEN b:System THEN 'System' ELSE 'Organisation' END, "
            "r.id, r.categories]) AS found } "
            "WITH seen, flows + found AS flows, next[..($cap - size(seen))] AS next "
            "WITH seen + next AS seen, next AS frontier, flows "
        )
    return text + "RETURN flows, size(seen) >= $cap AS capped"


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


Reach = Callable[[list[dict[str, Any]], list[list[Any]], int], list[Record]]
"""From the starts and the flows around them, each reached node at its nearest start."""


async def access_rows(
    db: Database,
    *,
    subject: str,
    regime: str,
    text_regime: str,
    hops: int,
    limit: int,
    reach: Reach,
) -> AccessRows:
    downstream = _neighbourhood(True, hops + 1)
    upstream = _neighbourhood(False, hops + 1)

    async def around(
        tx: AsyncManagedTransaction, text: LiteralString, starts: list[dict[str, Any]]
    ) -> tuple[list[Record], bool]:
        categories = sorted({key for start in starts for key in start["categories"]})
        params = {"starts": starts, "categories": categories, "cap": limit + len(starts)}
        [row] = await fetch(tx, db, text, params)
        return reach(starts, row["flows"], hops + 1), row["capped"]

    async def work(tx: AsyncManagedTransaction) -> AccessRows:
        params = {"subject": subject, "regime": regime, "text_regime": text_regime}
        [found] = await fetch(tx, db, SUBJECT, params)
        rows = AccessRows(subject=found)
        if found["key"] is None:
            return rows
        rows.holdings = await fetch(tx, db, HOLDINGS, params)
        starts = _starts(rows.holdings, sinks=False)
        copies, copies_capped = await around(tx, downstream, starts)
        sinks = _starts(rows.holdings, sinks=True)
        sources, sources_capped = await around(tx, upstream, sinks)
        reached = [*copies, *sources]
        rows.truncated = copies_capped or sources_capped or any(r["degree"] > hops for r in reached)
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
