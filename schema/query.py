import strawberry

from schema.about import AboutQuery
from schema.transfer import TransferQuery


@strawberry.type(description="Everything datamap answers.")
class Query(AboutQuery, TransferQuery):
    pass
