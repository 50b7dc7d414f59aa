"""The one async Neo4j driver of a process, and the managed transactions every query runs in."""

import asyncio
import itertools
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from contextvars import ContextVar
from typing import Any, Literal, LiteralString, NamedTuple, TypeVar

from neo4j import (
    AsyncBoltDriver,
    AsyncDriver,
    AsyncGraphDatabase,
    AsyncManagedTransaction,
    unit_of_work,
)
from neo4j.exceptions import (
    ConnectionAcquisitionTimeoutError,
    ServiceUnavailable,
    SessionExpired,
    TransientError,
)

from graph import riders
from graph.config import Neo4jConnection

T = TypeVar("T")
Record = dict[str, Any]
UNAVAILABLE_ERRORS = (
    ServiceUnavailable,
    SessionExpired,
    TransientError,
    OSError,
    ConnectionAcquisitionTimeoutError,
)
"""What Neo4j raises when it cannot serve now (down, restarting, shutting down) and the driver's
retries are spent, or when every connection of the pool stayed busy for the acquisition timeout
(a burst of more concurrent requests than the pool holds): the request may succeed if sent again
shortly. (The 200-client soak had 318 INTERNAL errors from the pool before this.)"""


AccessMode = Literal["READ", "WRITE"]
_access_mode: ContextVar[AccessMode | None] = ContextVar("access_mode", default=None)
_request: ContextVar[int] = ContextVar("request", default=0)
"""The number of the transaction a statement runs in, in the order the transactions were asked
for (which a loaded machine does not change, unlike the order they get a connection in)."""


class Statement(NamedTuple):
    """A statement as it was run: for the tests' snapshots and access-mode checks."""

    text: str
    params: dict[str, Any]
    mode: AccessMode | None
    transaction: int
    """The number of its transaction, in the order transactions were asked for: sorting by it
    gives a request's statements in an order that does not depend on the machine's load."""


class Database:
    """A driver bound to one named database. Reads and writes go through managed transactions,
    which the driver retries on transient faults, so the work passed in must be idempotent."""

    def __init__(self, driver: AsyncDriver, name: str, timeout_s: float) -> None:
        self.driver = driver
        self.direct = isinstance(driver, AsyncBoltDriver)
        """Connected to one server (a `bolt://` URI), not routed over a cluster: every
        transaction sees each write committed before it began, so a request's own read may
        carry what must be read where the writes commit (`graph.riders`)."""
        self.name = name
        self.timeout_s = timeout_s
        self.import_timeout_s = timeout_s
        """The timeout of one import's transaction (`write_tx(..., timeout_s=)`), which writes
        much more than a request's."""
        self.statements = 0
        self.recorded: list[Statement] | None = None
        """When a list, every statement run is appended with its parameters and the access mode
        of its transaction (for the tests' snapshots of the Cypher each field sends)."""
        self.bookmarks = AsyncGraphDatabase.bookmark_manager()
        """One bookmark manager for every session of the process: a read that follows a write
        of this process sees it, also on a cluster member that routes reads elsewhere."""
        self.running: set[asyncio.Task[Any]] = set()
        self.transactions = itertools.count(1)

    @classmethod
    def connect(cls, settings: Neo4jConnection) -> "Database":
        driver = AsyncGraphDatabase.driver(
            settings.bolt_uri,
            auth=(settings.neo4j_user, settings.neo4j_password.get_secret_value()),
            connection_timeout=settings.neo4j_connection_timeout_s,
            connection_acquisition_timeout=settings.neo4j_connection_timeout_s * 2,
            max_transaction_retry_time=settings.neo4j_retry_time_s,
            notifications_min_severity="OFF",
        )
        database = cls(driver, settings.neo4j_database, settings.neo4j_transaction_timeout_s)
        database.import_timeout_s = settings.neo4j_import_timeout_s
        return database

    def sibling(self) -> "Database":
        """Another handle on the same driver, with statement counts and recording of its own:
        for background work that must not show in a request's."""
        sibling = Database(self.driver, self.name, self.timeout_s)
        sibling.import_timeout_s = self.import_timeout_s
        sibling.running = self.running  # closing this handle waits for the sibling's work too
        return sibling

    async def close(self) -> None:
        if self.running:
            await asyncio.wait(self.running)
        await self.driver.close()

    async def verify(self) -> None:
        await self.driver.verify_connectivity()

    async def read(
        self, text: LiteralString, params: Mapping[str, Any] | None = None
    ) -> list[Record]:
        return await self.read_tx(lambda tx: fetch(tx, self, text, params))

    async def read_latest(
        self, text: LiteralString, params: Mapping[str, Any] | None = None
    ) -> list[Record]:
        """Run a read statement where the writes commit (the cluster's leader; on one server,
        the server): for the few reads that must see every write committed anywhere, which a
        reader without this process's bookmarks may not have yet (the key revocation epoch)."""
        return await self.write_tx(lambda tx: fetch(tx, self, text, params))

    async def write(
        self, text: LiteralString, params: Mapping[str, Any] | None = None
    ) -> list[Record]:
        return await self.write_tx(lambda tx: fetch(tx, self, text, params))

    async def read_tx(self, work: Callable[[AsyncManagedTransaction], Awaitable[T]]) -> T:
        """Run `work` in a read transaction, which a cluster routes to a reader."""
        return await self.shielded(self._read_tx(work))

    async def write_tx(
        self,
        work: Callable[[AsyncManagedTransaction], Awaitable[T]],
        *,
        timeout_s: float | None = None,
    ) -> T:
        """Run `work` in a write transaction, within `timeout_s` (the settings' transaction
        timeout unless given)."""
        return await self.shielded(self._write_tx(work, timeout_s or self.timeout_s))

    async def _read_tx(self, work: Callable[[AsyncManagedTransaction], Awaitable[T]]) -> T:
        token = _access_mode.set("READ")
        try:
            async with self.driver.session(
                database=self.name, bookmark_manager=self.bookmarks
            ) as session:
                return await session.execute_read(unit_of_work(timeout=self.timeout_s)(work))
        finally:
            _access_mode.reset(token)

    async def _write_tx(
        self, work: Callable[[AsyncManagedTransaction], Awaitable[T]], timeout_s: float
    ) -> T:
        token = _access_mode.set("WRITE")
        try:
            async with self.driver.session(
                database=self.name, bookmark_manager=self.bookmarks
            ) as session:
                return await session.execute_write(unit_of_work(timeout=timeout_s)(work))
        finally:
            _access_mode.reset(token)

    async def shielded(self, call: Coroutine[Any, Any, T]) -> T:
        """Run `call` in a task a cancellation of the caller does not reach: graphql-core cancels
        a field's siblings when one of them fails, and a cancellation that reaches the driver
        while it opens a connection leaks the socket (neo4j 6.4 closes a half-opened one only on
        an Exception, which CancelledError is not). The call finishes and hands its connection
        back to the pool; the cancelled caller goes on at once. The task is kept until it ends
        (the event loop holds tasks weakly), and its outcome is read, so an error nobody awaits
        any more is not reported as never retrieved. A rider of the request that no statement
        carries is sent beside it (`riders.passing`)."""
        riders.passing()
        token = _request.set(next(self.transactions))
        try:
            task = asyncio.ensure_future(call)  # the task keeps the context it was created in
        finally:
            _request.reset(token)
        self.running.add(task)
        task.add_done_callback(self._finished)
        return await asyncio.shield(task)

    def _finished(self, task: "asyncio.Task[Any]") -> None:
        self.running.discard(task)
        if not task.cancelled():
            task.exception()


def counted(db: Database, text: str, params: Mapping[str, Any] | None) -> dict[str, Any]:
    """The parameters of a statement about to run, counted (and recorded when asked)."""
    db.statements += 1
    values = dict(params or {})
    if db.recorded is not None:
        db.recorded.append(Statement(text, values, _access_mode.get(), _request.get()))
    return values


async def fetch(
    tx: AsyncManagedTransaction,
    db: Database,
    text: LiteralString,
    params: Mapping[str, Any] | None = None,
) -> list[Record]:
    """Run one statement in `tx` and return its records as dicts of the values as the driver
    decoded them. No statement returns nodes or relationships (they project maps), so the
    driver's recursive `Record.data()` conversion, costly on large nested lists, is not needed."""
    result = await tx.run(text, counted(db, text, params))
    return [dict(zip(record.keys(), record.values(), strict=True)) async for record in result]


async def fetch_optional(
    tx: AsyncManagedTransaction,
    db: Database,
    text: LiteralString,
    params: Mapping[str, Any] | None = None,
) -> Record | None:
    """Run one statement that returns at most one row, and return its values as the driver
    decoded them: no recursive conversion, which is what costs time on large collected lists."""
    result = await tx.run(text, counted(db, text, params))
    record = await result.single(strict=False)
    return None if record is None else dict(zip(record.keys(), record.values(), strict=True))


async def fetch_single(
    tx: AsyncManagedTransaction,
    db: Database,
    text: LiteralString,
    params: Mapping[str, Any] | None = None,
) -> Record:
    """`fetch_optional` for a statement that returns exactly one row."""
    record = await fetch_optional(tx, db, text, params)
    if record is None:
        raise ValueError("the statement returned no row")
    return record
