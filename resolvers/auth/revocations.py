"""Key revocation in every process at once. Each revocation adds one to an epoch in the graph
(`(:KeyRevocations {key: 'all'}).epoch`, in the revoking transaction); before a request's key is
taken from the cache, the process reads the epoch, and when it moved since the cache was filled,
the cache is cleared and the key read again. So a key revoked by any worker, on any machine, or by
`datamap keys revoke` is refused on every process's next request.

The read is one small statement on an index, and requests that arrive while no read has been sent
yet share the next one: a read serves every request that arrived before it was sent, so a burst of
concurrent requests pays one read, not one each.

    revocations = Revocations(db.sibling(), cache)
    await revocations.check()  # before `cache.get`
"""

import asyncio
import itertools

from graph.database import UNAVAILABLE_ERRORS, Database
from graph.queries import keys as queries
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
        if number < self.applied:
            return
        self.applied = number
        if epoch != self.epoch:
            if self.epoch is not None:
                self.cache.clear()
            self.epoch = epoch
