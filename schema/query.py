import strawberry

from schema.about import AboutQuery
from schema.audit import AuditQuery
from schema.deletion import DeletionQuery
from schema.keys import KeysQuery


@strawberry.type(description="Everything datamap answers.")
class Query(AboutQuery, AuditQuery, DeletionQuery, KeysQuery):
    pass
