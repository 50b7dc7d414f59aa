"""The cache of API key records: what it keeps, what evicts it, and the lookup that raced a
revocation."""

from resolvers.auth.key_cache import KeyCache

RECORD = {"id": "k1", "role": "viewer", "hash": "h", "revoked_at": None}


def test_it_keeps_a_record_until_evicted() -> None:
    cache = KeyCache(ttl_s=60)
    cache.put("k1", RECORD, cache.generation)
    assert cache.get("k1") == RECORD
    cache.evict("k1")
    assert cache.get("k1") is None


def test_a_lookup_that_started_before_an_eviction_is_not_cached() -> None:
    cache = KeyCache(ttl_s=60)
    generation = cache.generation
    cache.evict("k1")
    cache.put("k1", RECORD, generation)
    assert cache.get("k1") is None


def test_zero_seconds_keeps_nothing() -> None:
    cache = KeyCache(ttl_s=0)
    cache.put("k1", RECORD, cache.generation)
    assert cache.get("k1") is None


def test_another_keys_eviction_does_not_refuse_a_lookup() -> None:
    cache = KeyCache(ttl_s=60)
    generation = cache.generation
    cache.evict("k2")
    cache.put("k1", RECORD, generation)
    assert cache.get("k1") == RECORD
    cache.evict("k1")
    cache.put("k1", RECORD, generation)
    assert cache.get("k1") is None


def test_it_keeps_that_an_id_is_unknown_apart_from_the_records() -> None:
    cache = KeyCache(ttl_s=60)
    cache.put("nobody", None, cache.generation)
    assert cache.is_unknown("nobody")
    assert cache.get("nobody") is None
    assert not cache.is_unknown("k1")
    assert not KeyCache(ttl_s=0).is_unknown("nobody")


def test_a_lookup_that_started_before_a_clear_is_not_cached() -> None:
    cache = KeyCache(ttl_s=60)
    cache.put("k1", RECORD, cache.generation)
    generation = cache.generation
    cache.clear()
    assert cache.get("k1") is None
    cache.put("k2", {**RECORD, "id": "k2"}, generation)
    assert cache.get("k2") is None
    cache.put("k2", {**RECORD, "id": "k2"}, cache.generation)
    assert cache.get("k2") is not None
