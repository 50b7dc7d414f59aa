"""The Cypher that writes the seeds. Every statement takes `$rows` (one dict per entry, `props` the
node's or relationship's full property map) and MERGEs on the kind's key, so loading twice changes
nothing. `write_rows` runs all the statements of one seed file in one transaction."""

from collections.abc import Callable, Sequence
from typing import Any, LiteralString

from neo4j import AsyncManagedTransaction

from graph import sort_names
from graph.database import Database, fetch

Rows = Sequence[dict[str, Any]]
Progress = Callable[[int, int], None]
BATCH_SIZE = 200


def merge_nodes(label: LiteralString, key: LiteralString) -> LiteralString:
    return (
        "UNWIND $rows AS row MERGE (n:" + label + " {" + key + ": row.props." + key + "}) "
        "SET n = row.props" + sort_names.kept("n", label)
    )


def child_of(label: LiteralString) -> LiteralString:
    return (
        "UNWIND $rows AS row MATCH (n:" + label + " {key: row.props.key}) "
        "WITH n, row WHERE row.props.parent_key IS NOT NULL "
        "MATCH (p:" + label + " {key: row.props.parent_key}) MERGE (n)-[:CHILD_OF]->(p)"
    )


TAXONOMY_CATEGORIES = (merge_nodes("DataCategory", "key"), child_of("DataCategory"))
TAXONOMY_USES = (merge_nodes("DataUse", "key"), child_of("DataUse"))
SUBJECTS = (merge_nodes("DataSubject", "key"),)

COUNTRIES = (
    merge_nodes("Country", "code"),
    "UNWIND $rows AS row MATCH (c:Country {code: row.props.code}) "
    "UNWIND row.regimes AS regime MATCH (r:Regime {key: regime}) MERGE (c)-[:IN_AREA_OF]->(r)",
)
TRANSFER_TOOLS = (merge_nodes("TransferTool", "key"),)
REGIMES = (
    merge_nodes("Regime", "key"),
    "UNWIND $rows AS row MATCH (r:Regime {key: row.props.key}) "
    "OPTIONAL MATCH (r)-[old:ACCEPTS]->() DELETE old",
    "UNWIND $rows AS row MATCH (r:Regime {key: row.props.key}) "
    "UNWIND row.tools AS tool MATCH (t:TransferTool {key: tool.tool}) "
    "MERGE (r)-[a:ACCEPTS]->(t) SET a = tool",
    "UNWIND $rows AS row MATCH (r:Regime {key: row.props.key})-[:GRANTS]->(old:RegimeRight) "
    "WHERE NOT old.right IN [item IN row.rights | item.right] DETACH DELETE old",
    "UNWIND $rows AS row MATCH (r:Regime {key: row.props.key}) "
    "UNWIND row.rights AS item MERGE (g:RegimeRight {key: r.key + ':' + item.right}) "
    "SET g = item, g.key = r.key + ':' + item.right, g.regime = r.key "
    "MERGE (r)-[:GRANTS]->(g)",
)
ADEQUACY_DECISIONS = (
    merge_nodes("AdequacyDecision", "id"),
    "UNWIND $rows AS row MATCH (a:AdequacyDecision {id: row.props.id}) "
    "MATCH (r:Regime {key: row.props.regime}) MERGE (a)-[:OF_REGIME]->(r)",
    "UNWIND $rows AS row MATCH (a:AdequacyDecision {id: row.props.id}) "
    "UNWIND row.destinations AS code MATCH (c:Country {code: code}) MERGE (a)-[:COVERS]->(c)",
)
SCC_MODULES = (merge_nodes("SccModule", "key"),)
LEGAL_BASES = (merge_nodes("LegalBasis", "key"),)
SPECIAL_CATEGORY_CONDITIONS = (merge_nodes("SpecialCategoryCondition", "key"),)
DEROGATIONS = (merge_nodes("Derogation", "key"),)
RIGHT_ITEMS = (merge_nodes("RightItem", "key"),)
EXCEPTIONS = (merge_nodes("Exception", "key"),)
ERASURE_RULES = (merge_nodes("ErasureRule", "key"),)
RETENTION_OBLIGATIONS = (merge_nodes("RetentionObligation", "id"),)
SECURITY_MEASURES = (merge_nodes("SecurityMeasure", "key"),)
BREACH_OBLIGATIONS = (merge_nodes("BreachObligation", "key"),)
BREACH_EXEMPTIONS = (
    merge_nodes("BreachExemption", "key"),
    "UNWIND $rows AS row MATCH (e:BreachExemption {key: row.props.key}) "
    "UNWIND row.obligations AS key MATCH (o:BreachObligation {key: key}) "
    "MERGE (e)-[:EXEMPTS]->(o)",
)
BREACH_RISK_FACTORS = (merge_nodes("BreachRiskFactor", "key"),)
RECORD_PROFILES = (
    merge_nodes("RecordProfile", "key"),
    "UNWIND $rows AS row MATCH (p:RecordProfile {key: row.props.key})-[:HAS_COLUMN]->(old) "
    "WHERE old.position >= size(row.columns) DETACH DELETE old",
    "UNWIND $rows AS row MATCH (p:RecordProfile {key: row.props.key}) "
    "UNWIND range(0, size(row.columns) - 1) AS position "
    "WITH p, row, position, row.columns[position] AS column "
    "MERGE (c:RecordColumn {key: p.key + ':' + position}) "
    "SET c = column, c.key = p.key + ':' + position, c.profile = p.key, c.position = position "
    "MERGE (p)-[:HAS_COLUMN]->(c)",
)

ORGANISATIONS = (
    merge_nodes("Organisation", "id"),
    "UNWIND $rows AS row MATCH (o:Organisation {id: row.props.id}) "
    "MATCH (c:Country {code: row.props.country}) MERGE (o)-[:ESTABLISHED_IN]->(c)",
    "UNWIND $rows AS row MATCH (o:Organisation {id: row.props.id}) "
    "UNWIND row.dpf AS cert MERGE (d:DpfCertification {id: cert.id}) SET d = cert "
    "MERGE (o)-[:CERTIFIED_UNDER]->(d)",
)
SYSTEMS = (
    merge_nodes("System", "id"),
    "UNWIND $rows AS row MATCH (s:System {id: row.props.id}) "
    "MATCH (o:Organisation {id: row.operator}) MERGE (s)-[op:OPERATED_BY]->(o) "
    "SET op.role = row.operator_role",
    "UNWIND $rows AS row MATCH (s:System {id: row.props.id}) "
    "UNWIND row.hosted_in AS code MATCH (c:Country {code: code}) MERGE (s)-[:HOSTED_IN]->(c)",
    "UNWIND $rows AS row MATCH (s:System {id: row.props.id}) "
    "UNWIND row.accessed_from AS access MATCH (c:Country {code: access.country}) "
    "MERGE (s)-[a:ACCESSED_FROM]->(c) SET a.purpose = access.purpose, a.by = access.by",
    "UNWIND $rows AS row MATCH (s:System {id: row.props.id}) "
    "WITH s, row WHERE row.backs_up IS NOT NULL "
    "MATCH (source:System {id: row.backs_up}) MERGE (s)-[:BACKS_UP]->(source)",
    "UNWIND $rows AS row MATCH (s:System {id: row.props.id}) "
    "UNWIND row.props.security_measures AS key MATCH (m:SecurityMeasure {key: key}) "
    "MERGE (s)-[:PROTECTED_BY]->(m)",
)
STORAGES = (
    merge_nodes("Storage", "id"),
    "UNWIND $rows AS row MATCH (st:Storage {id: row.props.id}) "
    "MATCH (s:System {id: row.system}) MERGE (st)-[:IN_SYSTEM]->(s)",
    "UNWIND $rows AS row MATCH (st:Storage {id: row.props.id}) "
    "MATCH (d:DataSubject {key: row.subject}) MERGE (st)-[:OF_SUBJECT]->(d)",
    "UNWIND $rows AS row MATCH (st:Storage {id: row.props.id}) "
    "UNWIND row.categories AS key MATCH (c:DataCategory {key: key}) "
    "MERGE (st)-[:OF_CATEGORY]->(c)",
    "UNWIND $rows AS row MATCH (st:Storage {id: row.props.id}) "
    "WITH st, row WHERE row.retention_obligation IS NOT NULL "
    "MATCH (r:RetentionObligation {id: row.retention_obligation}) "
    "MERGE (st)-[:RETAINED_UNDER]->(r)",
    "UNWIND $rows AS row MATCH (st:Storage {id: row.props.id}) "
    "UNWIND row.fields AS f MERGE (fd:Field {id: row.props.id + '/' + f.name}) "
    "SET fd.name = f.name, fd.categories = f.categories MERGE (fd)-[:OF_STORAGE]->(st)",
)
LINEAGE_NAMESPACES = (
    merge_nodes("LineageNamespace", "id"),
    "UNWIND $rows AS row MATCH (n:LineageNamespace {id: row.props.id}) "
    "MATCH (s:System {id: row.system}) MERGE (n)-[:MAPS_TO]->(s)",
)
FLOWS = (
    "UNWIND $rows AS row MATCH (a:System {id: row.from_system}) "
    "WITH a, row WHERE row.to_system IS NOT NULL MATCH (b:System {id: row.to_system}) "
    "MERGE (a)-[f:FLOWS_TO {id: row.props.id}]->(b) SET f = row.props",
    "UNWIND $rows AS row MATCH (a:System {id: row.from_system}) "
    "WITH a, row WHERE row.to_organisation IS NOT NULL "
    "MATCH (b:Organisation {id: row.to_organisation}) "
    "MERGE (a)-[f:FLOWS_TO {id: row.props.id}]->(b) SET f = row.props",
)
ENGAGEMENTS = (
    "UNWIND $rows AS row MATCH (a:Organisation {id: row.organisation}) "
    "MATCH (b:Organisation {id: row.engages}) "
    "MERGE (a)-[e:ENGAGES {id: row.props.id}]->(b) SET e = row.props",
)
SAFEGUARDS = (
    merge_nodes("Safeguard", "id"),
    "UNWIND $rows AS row MATCH (s:Safeguard {id: row.props.id}) "
    "MATCH (e:Organisation {id: row.exporter}) MATCH (i:Organisation {id: row.importer}) "
    "MERGE (s)-[:EXPORTER]->(e) MERGE (s)-[:IMPORTER]->(i)",
)
ACTIVITIES = (
    merge_nodes("ProcessingActivity", "id"),
    "UNWIND $rows AS row MATCH (p:ProcessingActivity {id: row.props.id}) "
    "MATCH (u:DataUse {key: row.props.purpose}) MERGE (p)-[:FOR_PURPOSE]->(u)",
    "UNWIND $rows AS row MATCH (p:ProcessingActivity {id: row.props.id}) "
    "WITH p, row WHERE row.props.legal_basis IS NOT NULL "
    "MATCH (b:LegalBasis {key: row.props.legal_basis}) MERGE (p)-[:ON_LEGAL_BASIS]->(b)",
    "UNWIND $rows AS row MATCH (p:ProcessingActivity {id: row.props.id}) "
    "UNWIND row.subjects AS key MATCH (d:DataSubject {key: key}) MERGE (p)-[:CONCERNS]->(d)",
    "UNWIND $rows AS row MATCH (p:ProcessingActivity {id: row.props.id}) "
    "UNWIND row.categories AS key MATCH (c:DataCategory {key: key}) "
    "MERGE (p)-[:USES_CATEGORY]->(c)",
    "UNWIND $rows AS row MATCH (p:ProcessingActivity {id: row.props.id}) "
    "UNWIND row.systems AS id MATCH (s:System {id: id}) MERGE (p)-[:RUNS_ON]->(s)",
    "UNWIND $rows AS row MATCH (p:ProcessingActivity {id: row.props.id}) "
    "MATCH (o:Organisation {id: row.controller}) MERGE (p)-[:CONTROLLED_BY]->(o)",
    "UNWIND $rows AS row MATCH (p:ProcessingActivity {id: row.props.id}) "
    "UNWIND row.discloses_to AS recipient MATCH (o:Organisation {id: recipient.organisation}) "
    "MERGE (p)-[d:DISCLOSES_TO]->(o) SET d.role = recipient.role",
)

POLICIES = (
    merge_nodes("Policy", "key"),
    "UNWIND $rows AS row MATCH (p:Policy {key: row.props.key})-[:HAS_CLAIM]->(c:PolicyClaim) "
    "WHERE NOT c.id IN row.claim_ids DETACH DELETE c",
    "UNWIND $rows AS row MATCH (p:Policy {key: row.props.key}) "
    "UNWIND row.claims AS claim MERGE (c:PolicyClaim {id: claim.id}) SET c = claim "
    "MERGE (p)-[:HAS_CLAIM]->(c)",
)


async def write_rows(
    db: Database,
    statements: Sequence[LiteralString],
    rows: Rows,
    progress: Progress | None = None,
) -> None:
    """Run every statement over `rows` in batches, all in one transaction. Nodes come before the
    relationships between them because each statement runs over every batch before the next."""
    batches = [rows[start : start + BATCH_SIZE] for start in range(0, len(rows), BATCH_SIZE)]
    total = len(statements) * len(batches)

    async def work(tx: AsyncManagedTransaction) -> None:
        done = 0
        for statement in statements:
            for batch in batches:
                await fetch(tx, db, statement, {"rows": list(batch)})
                done += 1
                if progress is not None:
                    progress(done, total)

    await db.write_tx(work)


async def loaded_fingerprint(db: Database) -> str | None:
    """The fingerprint of the last complete seed load, None before the first."""
    rows = await db.read("MATCH (s:SeedLoad {key: 'all'}) RETURN s.fingerprint AS fingerprint")
    return rows[0]["fingerprint"] if rows else None


async def record_fingerprint(db: Database, fingerprint: str) -> None:
    await db.write(
        "MERGE (s:SeedLoad {key: 'all'}) SET s.fingerprint = $fingerprint",
        {"fingerprint": fingerprint},
    )
