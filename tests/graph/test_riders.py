"""A request's rider is carried by one statement at most, and sent alone when a transaction
that cannot carry it starts first."""

import asyncio
import contextvars
from typing import Any

from graph import riders


class Recorded(riders.Rider):
    subquery = "CALL () { RETURN 1 AS one }"
    column = "one"

    def __init__(self) -> None:
        super().__init__()
        self.values: list[Any] = []
        self.sent_alone = 0

    def carried(self, value: Any) -> None:
        self.values.append(value)

    def alone(self) -> None:
        self.sent_alone += 1


def in_new_context() -> Recorded:
    rider = Recorded()
    riders.ride(rider)
    return rider


def test_the_first_statement_boards_the_rider_and_no_other() -> None:
    context = contextvars.copy_context()
    rider = context.run(in_new_context)
    assert context.run(riders.board) is rider
    assert context.run(riders.board) is None
    context.run(riders.passing)
    assert rider.sent_alone == 0


def test_a_transaction_that_starts_first_sends_the_rider_alone_once() -> None:
    context = contextvars.copy_context()
    rider = context.run(in_new_context)
    context.run(riders.passing)
    context.run(riders.passing)
    assert rider.sent_alone == 1
    assert context.run(riders.board) is None


def test_no_rider_outside_a_request() -> None:
    assert contextvars.copy_context().run(riders.board) is None


async def test_the_tasks_a_request_starts_share_its_rider() -> None:
    """graphql-core resolves sibling fields in tasks of their own: whichever starts first takes
    the rider, the others see it taken."""

    async def request() -> tuple[Recorded, list[riders.Rider | None]]:
        rider = in_new_context()
        tasks = [asyncio.ensure_future(board_later()) for _ in range(3)]
        return rider, list(await asyncio.gather(*tasks))

    async def board_later() -> riders.Rider | None:
        await asyncio.sleep(0)
        return riders.board()

    rider, boarded = await asyncio.create_task(request())
    assert [taken for taken in boarded if taken is not None] == [rider]


def test_a_carried_row_hands_the_rider_its_value_and_no_row_sends_it_alone() -> None:
    carried, missed = Recorded(), Recorded()
    riders.handed(carried, {"one": 1, "other": 2})
    riders.handed(missed, None)
    riders.handed(None, {"one": 1})
    assert (carried.values, carried.sent_alone) == ([1], 0)
    assert (missed.values, missed.sent_alone) == ([], 1)


def test_a_statement_carries_the_rider_between_its_reads_and_its_return() -> None:
    rider = Recorded()
    assert riders.carrying(None, "MATCH (n) ", "RETURN n") == "MATCH (n) RETURN n"
    assert (
        riders.carrying(rider, "MATCH (n) ", "RETURN n")
        == "MATCH (n) CALL () { RETURN 1 AS one } RETURN n, one"
    )
