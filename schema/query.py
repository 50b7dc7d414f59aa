import strawberry

from schema.about import About, resolve_about


@strawberry.type(description="Everything datamap answers.")
class Query:
    about: About = strawberry.field(
        resolver=resolve_about, description="The service, its version and its Neo4j server."
    )
