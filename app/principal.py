from fastapi import Request

from app.settings import Settings
from graph.database import Database
from resolvers.auth.key_cache import KeyCache
from resolvers.auth.principal import (
    DEV_KEY_ID,
    Confirm,
    Principal,
    Role,
    authenticate,
    authenticate_ahead,
)
from resolvers.auth.revocations import Revocations
from resolvers.errors import Forbidden


async def request_principal(request: Request, settings: Settings) -> Principal:
    """Who sends `request`: its API key's principal (Unauthenticated when it has none), or an
    admin when authentication is disabled for development."""
    if settings.auth_disabled:
        return Principal(key_id=DEV_KEY_ID, role=Role.ADMIN)
    db: Database = request.app.state.db
    cache: KeyCache = request.app.state.key_cache
    revocations: Revocations = request.app.state.revocations
    return await authenticate(db, cache, request.headers.get("authorization"), revocations)


async def request_principal_ahead(
    request: Request, settings: Settings
) -> tuple[Principal, Confirm | None]:
    """As `request_principal`, taking a cached key ahead of the revocation check
    (`authenticate_ahead`): the caller awaits `confirm` before writing or answering."""
    if settings.auth_disabled:
        return Principal(key_id=DEV_KEY_ID, role=Role.ADMIN), None
    return await authenticate_ahead(
        request.app.state.db,
        request.app.state.key_cache,
        request.headers.get("authorization"),
        request.app.state.revocations,
    )


async def request_principal_with(
    request: Request, settings: Settings, role: Role, what: str
) -> Principal:
    """The request's principal when its role allows `role`; FORBIDDEN naming `what` otherwise."""
    principal = await request_principal(request, settings)
    if not principal.role.allows(role):
        raise Forbidden(f"{what} needs the {role.value} role; this key has {principal.role.value}")
    return principal
