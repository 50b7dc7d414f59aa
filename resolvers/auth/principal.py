"""API keys and roles. A key is `dmk_<id>_<secret>`: the id finds the stored record, and only the
SHA-256 of the whole key is stored, compared in constant time. The secret has 256 bits of entropy,
so a fast hash is enough; nothing can be guessed from the digest."""

import asyncio
import enum
import hashlib
import hmac
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from graph.database import UNAVAILABLE_ERRORS, Database, Record
from graph.queries import keys as queries
from resolvers.auth.key_cache import KeyCache
from resolvers.auth.revocations import Revocations
from resolvers.errors import Unauthenticated, Unavailable

KEY_PREFIX = "dmk"
DEV_KEY_ID = "development"


class Role(enum.Enum):
    """Each role may do everything the roles before it may."""

    VIEWER = "viewer"
    ANALYST = "analyst"
    INTEGRATION = "integration"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return list(Role).index(self)

    def allows(self, required: "Role") -> bool:
        return self.rank >= required.rank


@dataclass(frozen=True)
class Principal:
    """Who sends a request: the id of the key (never the key) and its role."""

    key_id: str
    role: Role


@dataclass(frozen=True)
class NewKey:
    id: str
    key: str
    hash: str


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def new_key() -> NewKey:
    key_id = secrets.token_hex(6)
    key = f"{KEY_PREFIX}_{key_id}_{secrets.token_urlsafe(32)}"
    return NewKey(id=key_id, key=key, hash=digest(key))


def key_id_of(key: str) -> str | None:
    """The id part of a well-formed key, or None."""
    parts = key.split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX or not parts[1] or not parts[2]:
        return None
    return parts[1]


def bearer_token(authorization: str | None) -> str | None:
    if authorization is None:
        return None
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


UNKNOWN_HASH = "0" * 64


def matches(key: str, stored_hash: str) -> bool:
    return hmac.compare_digest(digest(key), stored_hash)


async def key_record(db: Database, cache: KeyCache, key_id: str) -> Record | None:
    """The stored record of `key_id`: from `cache` when it holds it, else read and cached. That
    no key has the id is cached as well, so an unknown id costs no more than a known one."""
    record = cache.get(key_id)
    if record is not None or cache.is_unknown(key_id):
        return record
    generation = cache.generation
    try:
        record = await queries.find_key(db, key_id)
    except UNAVAILABLE_ERRORS:
        raise Unavailable("the graph database is unavailable; try again shortly") from None
    cache.put(key_id, record, generation)
    return record


async def authenticate(
    db: Database,
    cache: KeyCache,
    authorization: str | None,
    revocations: Revocations | None = None,
) -> Principal:
    """The principal an `Authorization: Bearer` header proves, or Unauthenticated. The key's
    record comes from `cache` when it has it, once `revocations` has cleared the cache of what a
    revocation anywhere made stale; the key is checked against its hash every time."""
    key = bearer_token(authorization)
    if key is None:
        raise Unauthenticated("send an API key as `Authorization: Bearer <key>`")
    key_id = key_id_of(key)
    if revocations is not None:
        await revocations.check()
    record = await key_record(db, cache, key_id) if key_id is not None else None
    return proven(key, record)


def proven(key: str, record: Record | None) -> Principal:
    """The principal `key` proves with its stored `record`, or Unauthenticated."""
    # An unknown key is hashed and compared too, so it takes as long to refuse as a wrong one.
    valid = matches(key, UNKNOWN_HASH if record is None else record["hash"])
    if record is None or record["revoked_at"] is not None or not valid:
        raise Unauthenticated("the API key is unknown or revoked")
    return Principal(key_id=record["id"], role=Role(record["role"]))


Confirm = Callable[[], Awaitable[None]]
"""Returns once the principal found ahead of the revocation check stands; Unauthenticated when
a revocation took it back, Unavailable when the graph cannot say."""


async def authenticate_ahead(
    db: Database, cache: KeyCache, authorization: str | None, revocations: Revocations
) -> tuple[Principal, Confirm | None]:
    """As `authenticate`, but a key whose record is cached is taken at once, ahead of the
    revocation check: the principal, and `confirm`, which the caller must await before the
    request writes anything and before it answers. On one server the request's first statement
    that can carry the check does (`Revocations.for_request`); otherwise, or when another
    transaction comes first, the epoch is read beside it. Nothing leaves for a key revoked
    meanwhile. None for `confirm` when the principal was proven the usual way."""
    key = bearer_token(authorization)
    key_id = None if key is None else key_id_of(key)
    record = None if key_id is None else cache.get(key_id)
    if key is None or key_id is None or record is None:
        return await authenticate(db, cache, authorization, revocations), None
    generation = cache.generation
    check = revocations.for_request(db)
    confirmation: asyncio.Future[None] | None = None

    async def confirmed() -> None:
        await check.done()
        if cache.cleared_at >= generation or cache.evicted_at.get(key_id, -1) >= generation:
            await authenticate(db, cache, authorization, revocations)

    def confirm() -> Awaitable[None]:
        nonlocal confirmation
        if confirmation is None:
            confirmation = asyncio.ensure_future(confirmed())
            confirmation.add_done_callback(lambda task: task.cancelled() or task.exception())
        return asyncio.shield(confirmation)

    return proven(key, record), confirm
