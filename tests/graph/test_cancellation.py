"""A Neo4j call whose caller is cancelled (graphql-core cancels a field's siblings when one of
them fails) leaves no socket behind: the driver closes a half-opened connection only on an
Exception, and CancelledError is not one, so a cancellation that reached it while it connected
leaked the socket (`ResourceWarning: unclosed <socket ...>`, an error under the test settings)."""

import asyncio
import gc
import warnings

import pytest

from app.settings import Settings
from graph.database import Database


@pytest.mark.parametrize("steps", range(8))
async def test_a_cancelled_read_leaves_no_socket_open(neo4j_server: Settings, steps: int) -> None:
    db = Database.connect(neo4j_server)  # a pool of its own: the read opens a new connection
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ResourceWarning)
            read = asyncio.ensure_future(db.read("RETURN 1 AS one"))
            for _ in range(steps):
                await asyncio.sleep(0)
            read.cancel()
            with pytest.raises(asyncio.CancelledError):
                await read
            await asyncio.sleep(0.05)
            gc.collect()
        assert [str(w.message) for w in caught if w.category is ResourceWarning] == []
        assert await db.read("RETURN 1 AS one") == [{"one": 1}]
    finally:
        await db.close()
