"""Uniqueness constraints and indexes, created idempotently at start, and the sort names of
nodes written without one (`graph.sort_names`)."""

from typing import LiteralString

from neo4j.exceptions import ClientError

from graph import sort_names
from graph.database import Database

NODE_KEYS: tuple[tuple[LiteralString, LiteralString], ...] = (
    ("DataCategory", "key"),
    ("DataUse", "key"),
    ("DataSubject", "key"),
    ("Regime", "key"),
    ("RegimeRight", "key"),
    ("Country", "code"),
    ("AdequacyDecision", "id"),
    ("LegalBasis", "key"),
    ("SpecialCategoryCondition", "key"),
    ("Derogation", "key"),
    ("SccModule", "key"),
    ("RightItem", "key"),
    ("TransferTool", "key"),
    ("Exception", "key"),
    ("ErasureRule", "key"),
    ("RetentionObligation", "id"),
    ("SecurityMeasure", "key"),
    ("BreachObligation", "key"),
    ("BreachExemption", "key"),
    ("BreachRiskFactor", "key"),
    ("RecordProfile", "key"),
    ("RecordColumn", "key"),
    ("Organisation", "id"),
    ("DpfCertification", "id"),
    ("System", "id"),
    ("Storage", "id"),
    ("Safeguard", "id"),
    ("ProcessingActivity", "id"),
    ("Policy", "key"),
    ("PolicyClaim", "id"),
    ("ApiKey", "id"),
    ("KeyRevocations", "key"),
    ("AuditEvent", "id"),
    ("LineageNamespace", "id"),
    ("Dataset", "id"),
    ("LineageEvent", "id"),
    ("Field", "id"),
)

RELATIONSHIP_KEYS: tuple[tuple[LiteralString, LiteralString], ...] = (
    ("FLOWS_TO", "id"),
    ("ENGAGES", "id"),
)

INDEXES: tuple[LiteralString, ...] = (
    "CREATE INDEX system_name IF NOT EXISTS FOR (n:System) ON (n.name)",
    "CREATE INDEX organisation_name IF NOT EXISTS FOR (n:Organisation) ON (n.legal_name)",
    "CREATE INDEX organisation_country IF NOT EXISTS FOR (n:Organisation) ON (n.country)",
    "CREATE INDEX audit_event_at IF NOT EXISTS FOR (n:AuditEvent) ON (n.at)",
    "CREATE INDEX audit_event_entity IF NOT EXISTS FOR (n:AuditEvent) ON (n.entity_id)",
)


def statements() -> list[LiteralString]:
    node = [
        "CREATE CONSTRAINT " + label.lower() + "_" + key + " IF NOT EXISTS "
        "FOR (n:" + label + ") REQUIRE n." + key + " IS UNIQUE"
        for label, key in NODE_KEYS
    ]
    relationship = [
        "CREATE CONSTRAINT " + rel_type.lower() + "_" + key + " IF NOT EXISTS "
        "FOR ()-[r:" + rel_type + "]-() REQUIRE r." + key + " IS UNIQUE"
        for rel_type, key in RELATIONSHIP_KEYS
    ]
    return [*node, *relationship, *INDEXES, *sort_names.indexes()]


ALREADY_EXISTS = "Neo.ClientError.Schema.EquivalentSchemaRuleAlreadyExists"


async def migrate(db: Database) -> None:
    """Apply every constraint and index; each statement is a no-op when it already exists. Safe
    when several processes migrate at once (workers starting together on an empty database):
    each statement is its own managed transaction, retried on the deadlocks concurrent schema
    changes meet, and a rule another process created meanwhile counts as applied."""
    for statement in statements():
        try:
            await db.write(statement)
        except ClientError as error:
            if error.code != ALREADY_EXISTS:
                raise
    for label in sort_names.NAMED_BY:
        await db.write(sort_names.refreshed(label))
