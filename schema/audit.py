"""The audit trail, for analysts and admins."""

import datetime
from typing import Annotated

import strawberry
from strawberry.types import Info

from graph.queries import audit as queries
from resolvers import global_id
from resolvers.auth.principal import Role
from resolvers.errors import BadUserInput, Forbidden
from schema.auth import actor
from schema.context import Context
from schema.vocabulary import EntityType

ADMIN_ONLY_ENTITY = EntityType.ApiKey
"""The API-key inventory (ids, roles, labels, who created and revoked them) is the admins'."""


@strawberry.input(description="Which audit events to return; every given condition must hold.")
class AuditFilter:
    actor_key_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only events by this API key id."
    )
    operation: str | None = strawberry.field(
        default=None, description="Only this operation, such as `registerSystem`."
    )
    entity_type: EntityType | None = strawberry.field(
        default=None, description="Only this kind of entity, such as `System`."
    )
    entity_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="Only this entity (one retired or removed since included). Accepts the "
        "global id (`id`) or the key (`key`).",
    )
    since: datetime.datetime | None = strawberry.field(
        default=None, description="Only events at or after this time."
    )
    until: datetime.datetime | None = strawberry.field(
        default=None, description="Only events before this time."
    )


def entity_key(value: str) -> str:
    """The key an entity id names: a global id of any kind decoded, else the key itself (the
    entity may be gone, so the graph is not asked)."""
    try:
        return global_id.decode(value.strip(), None, field="filter.entityId")[1]
    except BadUserInput:
        return value.strip()


@strawberry.type(
    description="One change a mutation made, written in the same transaction. Events about API "
    "keys are shown to admins only."
)
class AuditEvent:
    id: strawberry.ID = strawberry.field(description="The event's id.")
    at: datetime.datetime = strawberry.field(description="When it happened.")
    actor_key_id: strawberry.ID = strawberry.field(description="The API key id that did it.")
    operation: str = strawberry.field(description="The mutation, such as `registerSystem`.")
    entity_type: EntityType = strawberry.field(description="The kind of entity changed.")
    entity_id: strawberry.ID = strawberry.field(description="The entity changed.")
    before: str | None = strawberry.field(
        description="The entity before, as JSON; null when it was new."
    )
    after: str | None = strawberry.field(description="The entity after, as JSON.")


@strawberry.type
class AuditQuery:
    @strawberry.field(description="Audit events, newest first.")
    async def audit_log(
        self,
        info: Info[Context, None],
        filter: Annotated[
            AuditFilter | None, strawberry.argument(description="Which events to return.")
        ] = None,
        limit: Annotated[
            int, strawberry.argument(description="At most this many events (capped).")
        ] = 100,
    ) -> list[AuditEvent]:
        cap = info.context.settings.audit_log_max
        if not 1 <= limit <= cap:
            raise BadUserInput(f"limit must be between 1 and {cap}", field="limit")
        given = filter or AuditFilter()
        hidden = [] if actor(info).role.allows(Role.ADMIN) else [ADMIN_ONLY_ENTITY.value]
        if given.entity_type in hidden:
            raise Forbidden(
                f"events about {given.entity_type} need the admin role", field="filter.entityType"
            )
        rows = await queries.search(
            info.context.db,
            actor=given.actor_key_id,
            operation=given.operation,
            entity_type=None if given.entity_type is None else given.entity_type.value,
            entity_id=None if given.entity_id is None else entity_key(given.entity_id),
            since=given.since,
            until=given.until,
            limit=limit,
            hidden_types=hidden,
        )
        return [
            AuditEvent(
                id=strawberry.ID(row["id"]),
                at=datetime.datetime.fromtimestamp(row["at_ms"] / 1000, tz=datetime.UTC),
                actor_key_id=strawberry.ID(row["actor"]),
                operation=row["operation"],
                entity_type=EntityType(row["entity_type"]),
                entity_id=strawberry.ID(row["entity_id"]),
                before=row["before"],
                after=row["after"],
            )
            for row in rows
        ]
