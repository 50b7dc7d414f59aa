import strawberry

from schema.about import AboutQuery
from schema.deletion import DeletionQuery
from schema.read import ReadQuery


@strawberry.type(description="Everything datamap answers.")
class Query(AboutQuery, DeletionQuery, ReadQuery):
    pass
