"""The synthetic graph the read-side tests share: ids, keys and names all start with `t-read`,
the countries are user-assigned codes (`QM`, `QN`) no seed uses. Loading is idempotent."""

from datetime import date
from typing import Any

from graph import sort_names
from graph.database import Database
from graph.queries.nodes import KEY_OF

Nodes = dict[str, list[dict[str, Any]]]
Relationships = list[tuple[str, str, str, str, str, dict[str, Any]]]

NODES: Nodes = {
    "Regime": [{"key": "t-read-R"}],
    "Country": [
        {"code": "QM", "name": "T-Read Inland", "eea": True, "eu": True},
        {"code": "QN", "name": "T-Read Overseas", "eea": False, "eu": False},
    ],
    "AdequacyDecision": [
        {"id": "t-read-R-QN", "scope": "FULL", "valid_from": date(2020, 1, 1), "regime": "t-read-R"}
    ],
    "DataCategory": [
        {"key": "t-read.contact", "name": "T-Read Contact"},
        {"key": "t-read.contact.email", "name": "T-Read Email", "parent_key": "t-read.contact"},
        {"key": "t-read.health", "name": "T-Read Health", "special_category": True},
    ],
    "DataSubject": [
        {"key": "t-read.customer", "name": "T-Read Customer"},
        {"key": "t-read.employee", "name": "T-Read Employee"},
    ],
    "Organisation": [
        {"id": "t-read-org-vendor", "legal_name": "T-Read Vendor Inc.", "country": "QN"},
        {"id": "t-read-org-sub", "legal_name": "T-Read Sub SARL", "country": "QM"},
    ],
    "System": [
        {"id": "t-read-sys-a", "name": "T-Read Alpha", "kind": "APPLICATION"},
        {"id": "t-read-sys-b", "name": "T-Read Bravo", "kind": "DATABASE"},
        {"id": "t-read-sys-c", "name": "T-Read Charlie", "kind": "SAAS"},
        {"id": "t-read-sys-d", "name": "T-Read Delta", "kind": "BACKUP", "rotation_days": 30},
    ],
    "Storage": [
        {"id": "t-read-st-a", "controller_role": "CONTROLLER"},
        {"id": "t-read-st-b"},
        {"id": "t-read-st-c"},
    ],
    "LegalBasis": [{"key": "t-read-6-1-b", "article": "Art. 6(1)(b)"}],
    "DataUse": [{"key": "t-read.billing", "name": "T-Read Billing purpose"}],
    "ProcessingActivity": [
        {
            "id": "t-read-act-billing",
            "name": "T-Read Billing",
            "preemptly_role": "CONTROLLER",
            "legal_basis": "t-read-6-1-b",
            "purpose": "t-read.billing",
        }
    ],
}

RELATIONSHIPS: Relationships = [
    ("Country", "QM", "IN_AREA_OF", "Regime", "t-read-R", {}),
    ("AdequacyDecision", "t-read-R-QN", "OF_REGIME", "Regime", "t-read-R", {}),
    ("AdequacyDecision", "t-read-R-QN", "COVERS", "Country", "QN", {}),
    ("DataCategory", "t-read.contact.email", "CHILD_OF", "DataCategory", "t-read.contact", {}),
    ("Organisation", "t-read-org-vendor", "ESTABLISHED_IN", "Country", "QN", {}),
    ("Organisation", "t-read-org-sub", "ESTABLISHED_IN", "Country", "QM", {}),
    (
        "Organisation",
        "t-read-org-vendor",
        "ENGAGES",
        "Organisation",
        "t-read-org-sub",
        {"id": "t-read-eng-1", "role": "SUB_PROCESSOR", "service": "hosting"},
    ),
    ("System", "t-read-sys-a", "HOSTED_IN", "Country", "QM", {}),
    ("System", "t-read-sys-b", "HOSTED_IN", "Country", "QN", {}),
    ("System", "t-read-sys-c", "HOSTED_IN", "Country", "QM", {}),
    ("System", "t-read-sys-c", "HOSTED_IN", "Country", "QN", {}),
    ("System", "t-read-sys-d", "HOSTED_IN", "Country", "QM", {}),
    ("System", "t-read-sys-a", "ACCESSED_FROM", "Country", "QN", {"purpose": "support"}),
    (
        "System",
        "t-read-sys-a",
        "OPERATED_BY",
        "Organisation",
        "t-read-org-sub",
        {"role": "PROCESSOR"},
    ),
    (
        "System",
        "t-read-sys-b",
        "OPERATED_BY",
        "Organisation",
        "t-read-org-vendor",
        {"role": "SUB_PROCESSOR"},
    ),
    (
        "System",
        "t-read-sys-c",
        "OPERATED_BY",
        "Organisation",
        "t-read-org-vendor",
        {"role": "PROCESSOR"},
    ),
    (
        "System",
        "t-read-sys-d",
        "OPERATED_BY",
        "Organisation",
        "t-read-org-sub",
        {"role": "PROCESSOR"},
    ),
    ("System", "t-read-sys-d", "BACKS_UP", "System", "t-read-sys-a", {}),
    ("Storage", "t-read-st-a", "IN_SYSTEM", "System", "t-read-sys-a", {}),
    ("Storage", "t-read-st-a", "OF_SUBJECT", "DataSubject", "t-read.customer", {}),
    ("Storage", "t-read-st-a", "OF_CATEGORY", "DataCategory", "t-read.contact.email", {}),
    ("Storage", "t-read-st-b", "IN_SYSTEM", "System", "t-read-sys-b", {}),
    ("Storage", "t-read-st-b", "OF_SUBJECT", "DataSubject", "t-read.employee", {}),
    ("Storage", "t-read-st-b", "OF_CATEGORY", "DataCategory", "t-read.health", {}),
    ("Storage", "t-read-st-c", "IN_SYSTEM", "System", "t-read-sys-c", {}),
    ("Storage", "t-read-st-c", "OF_SUBJECT", "DataSubject", "t-read.customer", {}),
    ("Storage", "t-read-st-c", "OF_CATEGORY", "DataCategory", "t-read.contact", {}),
    (
        "System",
        "t-read-sys-a",
        "FLOWS_TO",
        "System",
        "t-read-sys-b",
        {"id": "t-read-flow-1", "categories": ["t-read.contact.email"], "mode": "PUSH"},
    ),
    (
        "System",
        "t-read-sys-a",
        "FLOWS_TO",
        "Organisation",
        "t-read-org-vendor",
        {"id": "t-read-flow-2", "categories": ["t-read.contact"], "mode": "PULL"},
    ),
    ("ProcessingActivity", "t-read-act-billing", "RUNS_ON", "System", "t-read-sys-a", {}),
    (
        "ProcessingActivity",
        "t-read-act-billing",
        "USES_CATEGORY",
        "DataCategory",
        "t-read.contact.email",
        {},
    ),
    ("ProcessingActivity", "t-read-act-billing", "CONCERNS", "DataSubject", "t-read.customer", {}),
    (
        "ProcessingActivity",
        "t-read-act-billing",
        "CONTROLLED_BY",
        "Organisation",
        "t-read-org-sub",
        {},
    ),
    (
        "ProcessingActivity",
        "t-read-act-billing",
        "DISCLOSES_TO",
        "Organisation",
        "t-read-org-vendor",
        {"role": "PROCESSOR"},
    ),
    (
        "ProcessingActivity",
        "t-read-act-billing",
        "ON_LEGAL_BASIS",
        "LegalBasis",
        "t-read-6-1-b",
        {},
    ),
    ("ProcessingActivity", "t-read-act-billing", "FOR_PURPOSE", "DataUse", "t-read.billing", {}),
]


async def load(db: Database, nodes: Nodes, relationships: Relationships) -> None:
    """MERGE `nodes` (by their key) and `relationships`, one UNWIND statement per kind."""
    for label, rows in nodes.items():
        key = KEY_OF[label]
        await db.write(
            "UNWIND $rows AS row MERGE (n:" + label + " {" + key + ": row." + key + "}) "
            "SET n += row" + sort_names.kept("n", label),
            {"rows": rows},
        )
    grouped: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for start, start_key, rel_type, end, end_key, properties in relationships:
        grouped.setdefault((start, rel_type, end), []).append(
            {"start": start_key, "end": end_key, "properties": properties}
        )
    for (start, rel_type, end), rows in grouped.items():
        await db.write(
            "UNWIND $rows AS row "
            "MATCH (a:" + start + " {" + KEY_OF[start] + ": row.start}) "
            "MATCH (b:" + end + " {" + KEY_OF[end] + ": row.end}) "
            "MERGE (a)-[r:" + rel_type + "]->(b) SET r += row.properties",
            {"rows": rows},
        )


async def load_read_graph(db: Database) -> None:
    await load(db, NODES, RELATIONSHIPS)
