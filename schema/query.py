import strawberry

from schema.about import AboutQuery
from schema.access import AccessQuery
from schema.deletion import DeletionQuery
from schema.lineage import LineageQuery
from schema.read import ReadQuery


@strawberry.type(description="Everything datamap answers.")
class Query(AboutQuery, DeletionQuery, ReadQuery, LineageQuery, AccessQuery):
    pass
