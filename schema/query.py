import strawberry

from schema.about import AboutQuery
from schema.audit import AuditQuery
from schema.deletion import DeletionQuery
from schema.keys import KeysQuery
from schema.read import ReadQuery
from schema.transfer import TransferQuery


@strawberry.type(description="Everything datamap answers.")
class Query(AboutQuery, AuditQuery, DeletionQuery, KeysQuery, ReadQuery, TransferQuery):
    pass
