"""Creating and revoking API keys, each with its audit event in the same transaction."""

from dataclasses import dataclass

from neo4j import AsyncManagedTransaction

from graph.database import Database, Record
from graph.queries import audit as audit_queries
from graph.queries import keys as queries
from resolvers.auth.audit import EntityType, event
from resolvers.auth.key_cache import KeyCache
from resolvers.auth.principal import Principal, Role, new_key
from resolvers.errors import Forbidden, NotFound

SYSTEM_ACTOR = Principal(key_id="cli", role=Role.ADMIN)


@dataclass(frozen=True)
class CreatedKey:
    record: Record
    key: str


def public(record: Record) -> Record:
    return {name: value for name, value in record.items() if name != "hash"}


async def create(db: Database, role: Role, name: str, actor: Principal) -> CreatedKey:
    fresh = new_key()

    async def work(tx: AsyncManagedTransaction) -> Record:
        record = await queries.create_key(
            tx, db, {"id": fresh.id, "hash": fresh.hash, "role": role.value, "name": name}
        )
        await audit_queries.write_events(
            tx,
            db,
            [event(actor, "createApiKey", EntityType.ApiKey, fresh.id, None, public(record))],
        )
        return record

    return CreatedKey(record=public(await db.write_tx(work)), key=fresh.key)


async def revoke(
    db: Database, key_id: str, actor: Principal, *, evict_from: KeyCache | None = None
) -> Record:
    """Revoke a key and evict it from this process's `evict_from` cache; the revocation moves
    the epoch every process checks its cache against (`revocations.py`), so every process
    refuses the key on its next request."""

    async def work(tx: AsyncManagedTransaction) -> Record | None:
        if await queries.lock_active_admins(tx, db) == [key_id]:
            raise Forbidden(
                f"API key {key_id} is the last active admin key; create another admin key "
                "before revoking it",
                field="id",
            )
        row = await queries.revoke_key(tx, db, key_id)
        if row is None:
            return None
        record = public({k: v for k, v in row.items() if k != "was_revoked_at"})
        before = {**record, "revoked_at": row["was_revoked_at"]}
        await audit_queries.write_events(
            tx, db, [event(actor, "revokeApiKey", EntityType.ApiKey, key_id, before, record)]
        )
        return record

    record = await db.write_tx(work)
    if evict_from is not None:
        evict_from.evict(key_id)
    if record is None:
        raise NotFound(f"no API key {key_id}", field="id")
    return record
