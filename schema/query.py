import strawberry

from schema.about import AboutQuery
from schema.audit import AuditQuery
from schema.deletion import DeletionQuery
from schema.keys import KeysQuery
from schema.read import ReadQuery


@strawberry.type(description="Everything datamap answers.")
class Query(AboutQuery, AuditQuery, DeletionQuery, KeysQuery, ReadQuery):
    pass
