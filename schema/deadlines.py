"""When a data subject's request is due: the answer type access and deletion plans share."""

import datetime

import strawberry

from resolvers.deadlines import Deadline
from schema.mirror import mirror


@strawberry.type(description="When the answer to a request is due, from the day it was received.")
class RequestDeadline:
    received_on: datetime.date = strawberry.field(description="When the request was received.")
    due_on: datetime.date = strawberry.field(description="When the answer is due.")
    extended_to: datetime.date | None = strawberry.field(
        description="The latest date with the regime's one extension; null where it has none."
    )
    rule: str = strawberry.field(description="The regime's rule, with its extension.")
    statutory: bool = strawberry.field(
        description="Whether the law sets the period; false where it sets none and the period "
        "is the map owner's choice (the FADP's deletion requests, by analogy with access)."
    )

    @classmethod
    def of(cls, due: Deadline | None) -> "RequestDeadline | None":
        if due is None:
            return None
        return mirror(cls, due)
