import strawberry

from schema.about import AboutQuery
from schema.read import ReadQuery


@strawberry.type(description="Everything datamap answers.")
class Query(AboutQuery, ReadQuery):
    pass
