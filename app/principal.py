from fastapi import Request

from app.settings import Settings
from graph.database import Database
from resolvers.auth.key_cache import KeyCache
from resolvers.auth.principal import DEV_KEY_ID, Principal, Role, authenticate


async def request_principal(request: Request, settings: Settings) -> Principal:
    """Who sends `request`: its API key's principal (Unauthenticated when it has none), or an
    admin when authentication is disabled for development."""
    if settings.auth_disabled:
        return Principal(key_id=DEV_KEY_ID, role=Role.ADMIN)
    db: Database = request.app.state.db
    cache: KeyCache = request.app.state.key_cache
    return await authenticate(db, cache, request.headers.get("authorization"))
