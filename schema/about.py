from importlib.metadata import version

import strawberry
from strawberry.types import Info

from graph.queries import about as queries
from resolvers.auth.principal import Role
from schema.auth import actor
from schema.context import Context

LABEL_ROLES = {
    "ApiKey": Role.ADMIN,
    "AuditEvent": Role.ANALYST,
    "KeyRevocations": Role.ADMIN,
    "SeedLoad": Role.ADMIN,
}
"""The labels of the service's own records, and the role that may count them."""


@strawberry.type(description="A count of the nodes that carry one label.")
class NodeCount:
    label: str = strawberry.field(description="The node label, such as `System`.")
    count: int = strawberry.field(description="How many nodes carry it.")


@strawberry.type(description="The service and the Neo4j server behind it.")
class About:
    version: str = strawberry.field(description="The datamap version.")
    neo4j_version: str = strawberry.field(description="The Neo4j server version, read from it.")
    neo4j_edition: str = strawberry.field(description="The Neo4j edition, read from it.")

    @strawberry.field(
        description="The role of the API key that sent this request: what else it may ask."
    )
    def key_role(self, info: Info[Context, None]) -> Role | None:
        principal = info.context.principal
        return None if principal is None else principal.role

    @strawberry.field(
        description="How many nodes of each kind the graph holds; the service's own records "
        "(API keys, audit events) only for the roles that may read them."
    )
    async def node_counts(self, info: Info[Context, None]) -> list[NodeCount]:
        role = actor(info).role
        rows = await queries.node_counts(info.context.db)
        return [
            NodeCount(label=row["label"], count=row["count"])
            for row in rows
            if role.allows(LABEL_ROLES.get(row["label"], Role.VIEWER))
        ]


async def resolve_about(info: Info[Context, None]) -> About:
    server = await queries.server_version(info.context.db)
    return About(
        version=version("datamap"), neo4j_version=server["version"], neo4j_edition=server["edition"]
    )


@strawberry.type(description="The service itself.")
class AboutQuery:
    about: About = strawberry.field(
        resolver=resolve_about, description="The service, its version and its Neo4j server."
    )
