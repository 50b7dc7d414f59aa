"""The API key records this process has looked up, kept for a few seconds so a request does not
pay a lookup for its key. A revocation in this process evicts its key at once; one in another
process (another worker, another machine, the CLI) clears the cache on this process's next request,
which `revocations.Revocations` checks against the graph's revocation epoch first.

    cache = KeyCache(ttl_s=30)
    generation = cache.generation
    record = cache.get(key_id) or await find_key(db, key_id)  # unless cache.is_unknown(key_id)
    cache.put(key_id, record, generation)
"""

from cachetools import TTLCache

from graph.database import Record

MAX_KEYS = 1024
MAX_UNKNOWN = 4096


class KeyCache:
    """Key records by key id, each for `ttl_s` seconds after it was read; `ttl_s=0` keeps none.
    `put` is refused when that key was evicted since the caller's `generation`, so a lookup that
    raced its revocation cannot bring the old record back (other keys' evictions do not matter)."""

    def __init__(self, ttl_s: float) -> None:
        self.records: TTLCache[str, Record] | None = (
            TTLCache(maxsize=MAX_KEYS, ttl=ttl_s) if ttl_s > 0 else None
        )
        # Ids no key has, kept apart so that a flood of made-up ids cannot evict real records.
        self.unknown: TTLCache[str, bool] | None = (
            TTLCache(maxsize=MAX_UNKNOWN, ttl=ttl_s) if ttl_s > 0 else None
        )
        self.generation = 0
        self.evicted_at: dict[str, int] = {}
        """The generation of each key's latest eviction."""
        self.cleared_at = -1
        """The generation of the latest `clear`."""

    def get(self, key_id: str) -> Record | None:
        return None if self.records is None else self.records.get(key_id)

    def is_unknown(self, key_id: str) -> bool:
        """Whether a lookup found no key with this id within the time-to-live."""
        return self.unknown is not None and key_id in self.unknown

    def put(self, key_id: str, record: Record | None, generation: int) -> None:
        """Keep what a lookup found: the record, or (None) that there is no such key."""
        if self.evicted_at.get(key_id, -1) >= generation or self.cleared_at >= generation:
            return
        if record is None:
            if self.unknown is not None:
                self.unknown[key_id] = True
        elif self.records is not None:
            self.records[key_id] = record

    def evict(self, key_id: str) -> None:
        self.evicted_at[key_id] = self.generation
        self.generation += 1
        if self.records is not None:
            self.records.pop(key_id, None)

    def clear(self) -> None:
        """Forget every key record (a key was revoked somewhere, which one is not known here);
        that an id names no key is kept, since a revocation creates no key."""
        self.cleared_at = self.generation
        self.generation += 1
        if self.records is not None:
            self.records.clear()
