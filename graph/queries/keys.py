"""The API keys, as `ApiKey` nodes holding a hash, never the key."""

from collections.abc import Mapping
from typing import Any, LiteralString

from neo4j import AsyncManagedTransaction

from graph.database import Database, Record, fetch

KEY_FIELDS: LiteralString = (
    "k.id AS id, k.role AS role, k.name AS name, k.hash AS hash, "
    "toString(k.created_at) AS created_at, toString(k.revoked_at) AS revoked_at"
)


async def find_key(db: Database, key_id: str) -> Record | None:
    rows = await db.read("MATCH (k:ApiKey {id: $id}) RETURN " + KEY_FIELDS, {"id": key_id})
    return rows[0] if rows else None


EPOCH: LiteralString = "OPTIONAL MATCH (e:KeyRevocations {key: 'all'}) RETURN e.epoch AS epoch"
EPOCH_SUBQUERY: LiteralString = "CALL () { " + EPOCH + " }"
"""The epoch as `epoch`, in the one row of another statement (`graph.riders`)."""


def epoch_of(value: int | None) -> int:
    return int(value or 0)


async def revocation_epoch(db: Database) -> int:
    """How many revocations the graph has recorded (0 before the first): the one number every
    process compares with the one its key cache was filled under. Read from the leader, so a
    revocation committed anywhere is seen however far behind a cluster's readers are."""
    rows = await db.read_latest(EPOCH)
    return epoch_of(rows[0]["epoch"])


async def list_keys(db: Database) -> list[Record]:
    return await db.read("MATCH (k:ApiKey) RETURN " + KEY_FIELDS + " ORDER BY k.created_at, k.id")


async def count_active(db: Database) -> int:
    rows = await db.read("MATCH (k:ApiKey) WHERE k.revoked_at IS NULL RETURN count(k) AS n")
    return int(rows[0]["n"])


async def create_key(tx: AsyncManagedTransaction, db: Database, key: Mapping[str, Any]) -> Record:
    rows = await fetch(
        tx,
        db,
        "CREATE (k:ApiKey {id: $id, hash: $hash, role: $role, name: $name, "
        "created_at: datetime()}) RETURN " + KEY_FIELDS,
        key,
    )
    return rows[0]


async def lock_active_admins(tx: AsyncManagedTransaction, db: Database) -> list[str]:
    """The ids of the active admin keys, write-locked until the transaction ends, so that two
    revocations cannot each leave the other as the last admin and both go through."""
    rows = await fetch(
        tx,
        db,
        "MATCH (k:ApiKey {role: 'admin'}) WHERE k.revoked_at IS NULL "
        "SET k.revoked_at = null RETURN k.id AS id",
    )
    return [row["id"] for row in rows]


async def revoke_key(tx: AsyncManagedTransaction, db: Database, key_id: str) -> Record | None:
    """Mark a key revoked (it stays, for the audit trail) and count the revocation in the
    epoch every process checks its key cache against; None when there is no such key.
    `was_revoked_at` is its revocation time before."""
    rows = await fetch(
        tx,
        db,
        "MATCH (k:ApiKey {id: $id}) WITH k, toString(k.revoked_at) AS was_revoked_at "
        "SET k.revoked_at = coalesce(k.revoked_at, datetime()) "
        "MERGE (e:KeyRevocations {key: 'all'}) SET e.epoch = coalesce(e.epoch, 0) + 1 "
        "RETURN was_revoked_at, " + KEY_FIELDS,
        {"id": key_id},
    )
    return rows[0] if rows else None
