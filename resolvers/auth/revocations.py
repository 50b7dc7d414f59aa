"""Key revocation in every process at once. Each revocation adds one to an epoch in the graph
(`(:KeyRevocations {key: 'all'}).epoch`, in the revoking transaction); for each request whose key is
taken from the cache, the process reads the epoch, and when it moved since the cache was filled,
the cache is cleared and the key read again. So a key revoked by any worker, on any machine, or by
`datamap keys revoke` is refused on every process's next request.

The read is one small statement on an index, and requests that arrive while no read has been sent
yet share the next one: a read serves every request that arrived before it was sent, so a burst of
concurrent requests pays one read, not one each. On one server a request does not even send one:
its first list or lookup statement reads the epoch too (`RequestCheck`, a `graph.riders` rider),
and only a request whose first transaction cannot carry it reads it on its own.

    revocations = Revocations(db.sibling(), cache)
    await revocations.check()  # before `cache.get`
"""

import asyncio
import itertools
from typing import Any

from graph import riders
from graph.database import UNAVAILABLE_ERRORS, Database
from graph.queries import keys as queries
from graph.riders import Rider
from resolvers.auth.key_cache import KeyCache
from resolvers.errors import Unavailable


class Revocations:
    """Keeps `cache` no older than the newest revocation committed before each `check` began.
    `db` should be a handle of its own (`Database.sibling`), so the epoch reads do not count
    among a request's statements."""

    def __init__(self, db: Database, cache: KeyCache) -> None:
        self.db = db
        self.cache = cache
        self.epoch: int | None = None
        """The epoch the cache's records were read under (None before the first read)."""
        self.next: asyncio.Task[None] | None = None
        """The read that has not been sent yet, which a request arriving now may share."""
        self.reads = itertools.count(1)
        self.applied = 0
        """The number of the latest read whose epoch was applied: an older read answering late
        changes nothing."""

    async def check(self) -> None:
        """Clear the cache when a key was revoked anywhere since it was filled; Unavailable when
        the graph cannot say."""
        if self.cache.records is None:
            return  # nothing is cached: every request reads its key anyway
        read = self.next
        if read is None:
            read = self.next = asyncio.ensure_future(self._read(next(self.reads)))
            read.add_done_callback(lambda task: task.cancelled() or task.exception())
        await asyncio.shield(read)

    async def _read(self, number: int) -> None:
        self.next = None  # sent from here on: a request arriving now waits for a later read
        try:
            epoch = await queries.revocation_epoch(self.db)
        except UNAVAILABLE_ERRORS:
            raise Unavailable("the graph database is unavailable; try again shortly") from None
        self.apply(number, epoch)

    def apply(self, number: int, epoch: int) -> None:
        """Take the epoch read `number` found: the cache is cleared when it moved."""
        if number < self.applied:
            return
        self.applied = number
        if epoch != self.epoch:
            if self.epoch is not None:
                self.cache.clear()
            self.epoch = epoch

    def for_request(self, db: Database) -> "RequestCheck":
        """The check of one request arriving now, carried by its first statement that can carry
        it when `db` is one server (`graph.riders`), or else read as `check` reads it."""
        request = RequestCheck(self)
        if db.direct:
            riders.ride(request)
        else:
            request.alone()
        return request


class RequestCheck(Rider):
    """One request's revocation check: the epoch read by a statement of the request that began
    after the request arrived (a rider), or by `Revocations.check`."""

    subquery = queries.EPOCH_SUBQUERY
    column = "epoch"

    def __init__(self, revocations: Revocations) -> None:
        super().__init__()
        self.revocations = revocations
        self.number = next(revocations.reads)
        """Numbered as a read sent now: the statement that carries it begins later, so a newer
        read that it does not override is newer than the request too."""
        self.carried_epoch = False
        self.read: asyncio.Future[None] | None = None

    def carried(self, value: Any) -> None:
        self.revocations.apply(self.number, queries.epoch_of(value))
        self.carried_epoch = True

    def alone(self) -> None:
        self._read_alone()

    def _read_alone(self) -> "asyncio.Future[None]":
        self.boarded = True
        if self.read is None:
            self.read = asyncio.ensure_future(self.revocations.check())
            self.read.add_done_callback(lambda task: task.cancelled() or task.exception())
        return self.read

    async def done(self) -> None:
        """Returns once the cache is no older than the newest revocation committed before the
        request arrived; Unavailable when the graph cannot say."""
        if not self.carried_epoch:
            await asyncio.shield(self._read_alone())
