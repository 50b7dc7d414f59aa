"""The parse and validation caches keep short documents only. A document longer than
MAX_CACHED_QUERY_CHARS is parsed and validated on each request and then dropped, so distinct large
documents (a 900 KB comment costs no tokens) cannot fill the caches: they hold at most
DOCUMENT_CACHE_SIZE documents of at most that length each."""

from collections.abc import Iterator

from strawberry.extensions import ParserCache, ValidationCache

DOCUMENT_CACHE_SIZE = 256
MAX_CACHED_QUERY_CHARS = 8_000
"""Longer than any query a client of the service sends (the longest in tests and bench is some
1,500 characters)."""


def cached(query: str | None) -> bool:
    return query is not None and len(query) <= MAX_CACHED_QUERY_CHARS


class ShortParserCache(ParserCache):
    def __init__(self) -> None:
        super().__init__(maxsize=DOCUMENT_CACHE_SIZE)

    def on_parse(self) -> Iterator[None]:
        if cached(self.execution_context.query):
            yield from super().on_parse()
        else:
            yield  # strawberry parses it, uncached


class ShortValidationCache(ValidationCache):
    def __init__(self) -> None:
        super().__init__(maxsize=DOCUMENT_CACHE_SIZE)

    def on_validate(self) -> Iterator[None]:
        if cached(self.execution_context.query):
            yield from super().on_validate()
        else:
            yield  # strawberry validates it, uncached
