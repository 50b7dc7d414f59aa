"""API key management, for admins."""

from typing import Annotated

import strawberry
from strawberry.types import Info

from graph.database import Record
from graph.queries import keys as queries
from resolvers.auth import keys
from resolvers.auth.principal import Role
from resolvers.registration.inputs import Text, validated_value
from schema.auth import actor
from schema.context import Context

strawberry.enum(
    Role, name="KeyRole", description="What a key may do; each role includes the ones before it."
)


@strawberry.type(description="An API key's record; the key itself is never stored.")
class ApiKey:
    id: strawberry.ID = strawberry.field(description="The key's id, the part after `dmk_`.")
    role: Role = strawberry.field(description="What the key may do.")
    name: str = strawberry.field(description="Who or what it is for.")
    created_at: str = strawberry.field(description="When it was created (ISO 8601).")
    revoked_at: str | None = strawberry.field(description="When it was revoked, if it was.")


@strawberry.type(description="A new API key, shown this once.")
class CreatedApiKey:
    api_key: ApiKey = strawberry.field(description="Its record.")
    key: str = strawberry.field(description="The key to send as `Authorization: Bearer`.")


def api_key(record: Record) -> ApiKey:
    return ApiKey(
        id=strawberry.ID(record["id"]),
        role=Role(record["role"]),
        name=record["name"],
        created_at=record["created_at"],
        revoked_at=record["revoked_at"],
    )


@strawberry.type
class KeysQuery:
    @strawberry.field(description="Every API key, revoked ones included.")
    async def api_keys(self, info: Info[Context, None]) -> list[ApiKey]:
        return [api_key(record) for record in await queries.list_keys(info.context.db)]


@strawberry.type
class KeysMutation:
    @strawberry.mutation(description="Create an API key; the key is in the answer only.")
    async def create_api_key(
        self,
        info: Info[Context, None],
        role: Annotated[Role, strawberry.argument(description="What the key may do.")],
        name: Annotated[str, strawberry.argument(description="Who or what it is for.")],
    ) -> CreatedApiKey:
        label = validated_value(Text, name, "name")
        created = await keys.create(info.context.db, role, label, actor(info))
        return CreatedApiKey(api_key=api_key(created.record), key=created.key)

    @strawberry.mutation(description="Revoke an API key; its record stays for the audit trail.")
    async def revoke_api_key(
        self,
        info: Info[Context, None],
        id: Annotated[strawberry.ID, strawberry.argument(description="The key's id.")],
    ) -> ApiKey:
        revoked = await keys.revoke(
            info.context.db, str(id), actor(info), evict_from=info.context.key_cache
        )
        return api_key(revoked)
