import strawberry

from schema.about import AboutQuery
from schema.deletion import DeletionQuery


@strawberry.type(description="Everything datamap answers.")
class Query(AboutQuery, DeletionQuery):
    pass
