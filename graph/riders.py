"""Riders: a small read a request needs once, carried by the request's first statement that can
take it (a root list or lookup, `shared.compose`; a decision's first statement, `carrying`)
instead of by a transaction of its own.

A request sets its rider (`ride`) before it runs anything. The statement that is about to run
and can carry one asks for it (`board`), adds the rider's subquery and hands its row back
(`handed`). When a transaction that carries no rider starts first, the rider is sent on its
own beside it (`Rider.alone`), so the request waits no longer than it did before riders. Only on
one server (`Database.direct`): there every transaction sees each write committed before it
began, where a cluster's reader may lag behind its leader."""

from collections.abc import Mapping
from contextvars import ContextVar
from typing import Any, LiteralString


class Rider:
    """A subquery that returns one row with `column`, and what to do with the value it read."""

    subquery: LiteralString
    column: LiteralString

    def __init__(self) -> None:
        self.boarded = False
        """Taken by a statement, or sent alone: no other statement carries it."""

    def carried(self, value: Any) -> None:
        """The value a statement that carried the rider read."""

    def alone(self) -> None:
        """A transaction that carries no rider starts first: read it on its own."""


def carrying(rider: Rider | None, reads: LiteralString, returns: LiteralString) -> LiteralString:
    """The statement `reads` then `returns` (its final RETURN, with nothing after the returned
    items), carrying `rider`: its subquery runs between them, its column is returned last."""
    if rider is None:
        return reads + returns
    return reads + rider.subquery + " " + returns + ", " + rider.column


def handed(rider: Rider | None, row: Mapping[str, Any] | None) -> None:
    """Hand `rider` the row of the statement that carried it; with no row (a start that names
    nothing, say) its value was not read, so it is read on its own. Nothing without a rider."""
    if rider is None:
        return
    if row is None:
        rider.alone()
    else:
        rider.carried(row[rider.column])


_current: ContextVar[Rider | None] = ContextVar("rider", default=None)


def ride(rider: Rider) -> None:
    """Make `rider` the current request's (the context's, and the tasks it starts)."""
    _current.set(rider)


def board() -> Rider | None:
    """The current request's rider for the statement about to run to carry, or None when there
    is none or another statement took it."""
    rider = _current.get()
    if rider is None or rider.boarded:
        return None
    rider.boarded = True
    return rider


def passing() -> None:
    """A transaction that carries no rider starts: a rider still waiting goes alone, beside it."""
    rider = _current.get()
    if rider is not None and not rider.boarded:
        rider.boarded = True
        rider.alone()
