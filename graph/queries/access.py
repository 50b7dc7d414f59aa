"""The facts an access plan is decided from, read in one transaction with a fixed number of
statements (four), whatever the size of the map: the subject with what holds its data, the flows
around those holdings both ways, the facts of what the flows reach with the backups, and the
recipients with their safeguards."""

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any, LiteralString

from neo4j import AsyncManagedTransaction

from graph import riders
from graph.database import Database, Record, fetch_single
from graph.queries import filters
from graph.riders import Rider

RELEVANT: LiteralString = filters.relevant("c", "q")
FOR_SUBJECT: LiteralString = filters.for_subject("r", "$subject")

ORGANISATION_FIELDS: LiteralString = (
    ".id, .legal_name, .country, .is_self, .supervisory_authority, .sells_personal_data"
)
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


HOLDINGS: LiteralString = (
    "MATCH (st:Storage)-[:OF_SUBJECT]->(ds) WHERE st.retired_on IS NULL "
    "MATCH (st)-[:IN_SYSTEM]->(s:System) "
    "RETURN {held_by: 'STORAGE', record: st {.id, .retention, .retention_days, "
    ".collected_from_subject, .controller_role, categories: [(st)-[:OF_CATEGORY]->(c) | c.key], "
    "obligation: head([(st)-[:RETAINED_UNDER]->(r) | r {.id, .legal_reference, .period_years}])}, "
    "system: " + system("s") + "} AS holding "
    "UNION ALL "
    "MATCH (pa:ProcessingActivity)-[:CONCERNS]->(ds) WHERE pa.retired_on IS NULL "
    "OPTIONAL MATCH (pa)-[:RUNS_ON]->(s:System) "
    "RETURN {held_by: 'ACTIVITY', record: pa {.id, .name, .purpose, .retention, .retention_days, "
    ".preemptly_role, .automated_decision_making, .profiling, .recipient_categories, "
    "categories: [(pa)-[:USES_CATEGORY]->(c) | c.key], "
    "purpose_name: head([(pa)-[:FOR_PURPOSE]->(u) | u.name]), "
    "legal_basis: head([(pa)-[:ON_LEGAL_BASIS]->(b) | b {.key, .article, .text}]), "
    "controller: head([(pa)-[:CONTROLLED_BY]->(o) | o" + ORGANISATION + "]), "
    "discloses_to: [(pa)-[d:DISCLOSES_TO]->(o) | o {" + ORGANISATION_FIELDS + ", role: d.role}]}, "
    "system: CASE WHEN s IS NULL THEN null ELSE " + system("s") + " END} AS holding"
)

SUBJECT: LiteralString = (
    "OPTIONAL MATCH (ds:DataSubject {key: $subject}) OPTIONAL MATCH (law:Regime {key: $regime}) "
)
SUBJECT_RETURNS: LiteralString = (
    "RETURN ds.key AS key, ds.name AS name, "
    "law {.key, .name, .authority, .authority_rule, .complaint_route, .response_days, "
    ".response_months, .extension_days, .extension_months, .extension_rule_open, "
    ".deadline_rule, .transfer_article, .erasure_right, .erasure_notice, .legal_basis_law} AS law, "
    "COLLECT { MATCH (i:RightItem) WHERE i.regime = law.right_items "
    "WITH i ORDER BY i.order, i.key RETURN i {.key, .article, .text, .answers} } AS right_items, "
    "COLLECT { MATCH (c:Country)-[:IN_AREA_OF]->(:Regime {key: $regime}) RETURN c.code } AS area, "
    "COLLECT { " + HOLDINGS + " } AS holdings"
)


def _around(side: LiteralString, arrow_out: bool, hops: int) -> LiteralString:
    """The flows around the starts `$<side>.starts` that carry one of `$<side>.categories` and
    name `$subject` or no subject:
    breadth-first from all starts at once, unrolled into one `CALL` per hop as in
    `graph.queries.lineage` (the hop bound is a literal for the reason given there), every such
    flow out of each node within `hops - 1`, at most `$<side>.cap` nodes in all. Each flow as
    `[from, to, kind of to, id, categories, subjects]`, walked against its arrow upstream.
    Which of them each start follows is `reach`'s to decide."""
    given: LiteralString = "$" + side
    wanted: LiteralString = given + ".categories"
    hop: LiteralString = "(a)-[r:FLOWS_TO]->(b)" if arrow_out else "(a)<-[r:FLOWS_TO]-(b)"
    text: LiteralString = (
        "CALL () { UNWIND " + given + ".starts AS start MATCH (s:System {id: start.id}) "
        "WITH collect(s) AS seen WITH seen, seen AS frontier, [] AS flows "
    )
    for _ in range(hops):
        text += (
            "CALL (seen, frontier) { UNWIND frontier AS a MATCH " + hop + " "
            "WHERE " + LIVE_FLOW + " "
            "AND any(c IN r.categories WHERE any(q IN " + wanted + " WHERE " + RELEVANT + ")) "
            "AND " + FOR_SUBJECT + " "
            "RETURN collect(DISTINCT CASE WHEN NOT b IN seen THEN b END) AS next, "
            "collect([a.id, b.id, CASE WHEN b:System THEN 'System' ELSE 'Organisation' END, "
            "r.id, r.categories, r.subjects]) AS found } "
            "WITH seen, flows + found AS flows, next[..(" + given + ".cap - size(seen))] AS next "
            "WITH seen + next AS seen, next AS frontier, flows "
        )
    return text + (
        "RETURN flows AS " + side + ", size(seen) >= " + given + ".cap AS " + side + "_capped } "
    )


@cache
def _neighbourhood(hops: int) -> LiteralString:
    """The flows around the holdings both ways: downstream from every system that holds the
    subject's data (`$down`), upstream from those that did not collect it from the person
    (`$up`)."""
    return (
        _around("down", True, hops)
        + _around("up", False, hops)
        + "RETURN down, down_capped, up, up_capped"
    )


DETAILS: LiteralString = (
    "CALL () { "
    "UNWIND $systems AS id MATCH (n:System {id: id}) "
    "RETURN 'System' AS kind, id, " + system("n") + " AS node "
    "UNION ALL "
    "UNWIND $organisations AS id MATCH (n:Organisation {id: id}) "
    "RETURN 'Organisation' AS kind, id, n" + ORGANISATION + " AS node "
    "UNION ALL "
    "MATCH (n:System)-[:BACKS_UP]->(source:System) WHERE source.id IN $backed_up "
    "RETURN 'Backup' AS kind, source.id AS id, " + system("n") + " AS node } "
    "RETURN collect({kind: kind, id: id, node: node}) AS found"
)
"""The systems and organisations reached (by id), and the backups of the systems that hold the
data (by the id of the system they back up)."""
KINDS = ("System", "Organisation")
LIVE_FLOW: LiteralString = filters.live("r") + " AND " + filters.live("b")


RECIPIENTS: LiteralString = (
    "CALL () { UNWIND $organisations AS id MATCH (o:Organisation {id: id}) "
    "OPTIONAL MATCH p = (o)-[:ENGAGES]->{1,5}(:Organisation) "
    "WHERE none(x IN nodes(p) WHERE coalesce(x.is_self, false) OR NOT " + filters.live("x") + ") "
    "AND all(e IN relationships(p) WHERE " + filters.live("e") + ") "
    "AND all(e IN relationships(p) WHERE (e.categories IS NULL OR any(c IN e.categories "
    "WHERE any(q IN $categories WHERE " + RELEVANT + "))) "
    "AND " + filters.for_subject("e", "$subject") + ") "
    "WITH o, collect(DISTINCT [e IN relationships(p) | e {.id, .role, .service, "
    "from: startNode(e).id, to: {id: endNode(e).id, legal_name: endNode(e).legal_name, "
    "country: endNode(e).country, is_self: endNode(e).is_self}}]) AS chains "
    "RETURN collect({organisation: o" + ORGANISATION + ", chains: chains, "
    "engaged_as: [(m:Organisation)-[e:ENGAGES]->(o) WHERE m.is_self | e.role]}) AS recipients } "
    "CALL (recipients) { UNWIND recipients AS recipient UNWIND recipient.chains AS chain "
    "UNWIND chain AS hop RETURN collect(DISTINCT hop.to.id) AS engaged } "
    "RETURN recipients, COLLECT { "
    "MATCH (g:Safeguard)-[:IMPORTER]->(i:Organisation) WHERE i.id IN $organisations + engaged "
    "AND " + filters.live("g") + " "
    "MATCH (g)-[:EXPORTER]->(e:Organisation) "
    "RETURN {safeguard: g {.id, .type, .module, .regimes, .signed_on, .expires_on, .tia_outcome}, "
    "exporter: e.id, importer: i.id} } AS safeguards"
)
"""The recipients (by id) with their sub-processor chains, and the safeguards whose importer is
one of them or on one of their chains."""


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
    hops: int,
    limit: int,
    reach: Reach,
    rider: Rider | None = None,
) -> AccessRows:
    """The rows of an access plan; the first statement carries `rider` (`graph.riders`)."""
    head = riders.carrying(rider, SUBJECT, SUBJECT_RETURNS)

    async def work(tx: AsyncManagedTransaction) -> AccessRows:
        params = {"subject": subject, "regime": regime}
        found = await fetch_single(tx, db, head, params)
        riders.handed(rider, found)
        rows = AccessRows(subject=found, holdings=found.pop("holdings"))
        if found["key"] is None:
            return rows
        starts = _starts(rows.holdings, sinks=False)
        sinks = _starts(rows.holdings, sinks=True)
        down, up = _search(starts, limit), _search(sinks, limit)
        around = await fetch_single(
            tx, db, _neighbourhood(hops + 1), {"down": down, "up": up, "subject": subject}
        )
        copies = reach(starts, around["down"], hops + 1)
        sources = reach(sinks, around["up"], hops + 1)
        rows.truncated = (
            around["down_capped"]
            or around["up_capped"]
            or any(row["degree"] > hops for row in [*copies, *sources])
        )
        copies = [row for row in copies if row["degree"] <= hops]
        sources = [row for row in sources if row["degree"] <= hops]
        ids = {
            kind: sorted({row["id"] for row in [*copies, *sources] if row["kind"] == kind})
            for kind in KINDS
        }
        backed_up = {start["id"] for start in starts} | {
            row["id"] for row in copies if row["kind"] == "System"
        }
        of = {
            "systems": ids["System"],
            "organisations": ids["Organisation"],
            "backed_up": sorted(backed_up),
        }
        details = (await fetch_single(tx, db, DETAILS, of))["found"]
        nodes = {(row["kind"], row["id"]): row["node"] for row in details}
        rows.copies = [_detailed(row, nodes) for row in copies]
        rows.sources = [_detailed(row, nodes) for row in sources]
        rows.backups = [
            {"backs_up": row["id"], "system": row["node"]}
            for row in details
            if row["kind"] == "Backup"
        ]
        organisations = _external_organisations(rows)
        found = await fetch_single(
            tx,
            db,
            RECIPIENTS,
            {
                "organisations": organisations,
                "categories": down["categories"],
                "subject": subject,
            },
        )
        rows.recipients = found["recipients"]
        rows.safeguards = found["safeguards"]
        return rows

    return await db.read_tx(work)


def _search(starts: list[dict[str, Any]], limit: int) -> dict[str, Any]:
    """The parameters of one direction of `_neighbourhood`."""
    categories = sorted({key for start in starts for key in start["categories"]})
    return {"starts": starts, "categories": categories, "cap": limit + len(starts)}


def _detailed(row: Record, nodes: dict[tuple[str, str], Record]) -> Record:
    """A reached row with its node's facts, and its flows as `resolvers.access` reads them."""
    return {
        **row,
        "node": nodes[(row["kind"], row["id"])],
        "flows": [
            {"id": flow_id, "categories": categories, "subjects": subjects}
            for flow_id, categories, subjects in row["flows"]
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


DISPLAY_NAMES = """
CALL () {
  UNWIND $categories AS key
  MATCH (k:DataCategory {key: key})
  RETURN collect([k.key, k.name]) AS categories
}
CALL () {
  UNWIND $countries AS code
  MATCH (c:Country {code: code})
  RETURN collect([c.code, c.name]) AS countries
}
RETURN categories, countries
"""


async def display_names(
    db: Database, categories: list[str], countries: list[str]
) -> tuple[dict[str, str], dict[str, str]]:
    """The names of these category keys and country codes, for documents sent to a person."""
    rows = await db.read(DISPLAY_NAMES, {"categories": categories, "countries": countries})
    return (
        {key: name for key, name in rows[0]["categories"] if name},
        {code: name for code, name in rows[0]["countries"] if name},
    )
