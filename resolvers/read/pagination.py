"""Relay cursor pagination over an ordered list: a cursor is the opaque base64 of an offset."""

import base64
import binascii
import re
from dataclasses import dataclass

from resolvers.errors import BadUserInput
from resolvers.limits import bounded

CURSOR_PREFIX = "offset:"
MAX_OFFSET = 10**9
"""No list holds this many rows: a larger offset is not a cursor the server handed out (and one
near 2^63 would overflow Neo4j's integers once the page size is added)."""
OFFSET = re.compile(r"[0-9]{1,10}")


def encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"{CURSOR_PREFIX}{offset}".encode()).decode()


def decode_cursor(cursor: str, *, field: str = "after") -> int:
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise BadUserInput("malformed cursor", field=field) from None
    number = text.removeprefix(CURSOR_PREFIX)
    if number == text or OFFSET.fullmatch(number) is None or int(number) > MAX_OFFSET:
        raise BadUserInput("malformed cursor", field=field)
    return int(number)


@dataclass(frozen=True)
class Window:
    """Which rows a page asks for: `limit` rows starting at `offset`."""

    offset: int
    limit: int


def window(first: int | None, after: str | None, max_page_size: int) -> Window:
    """The rows `first`/`after` ask for; at most `max_page_size`, which is also the default."""
    first = (
        max_page_size if first is None else bounded(first, max_page_size, field="first", minimum=0)
    )
    offset = 0 if after is None else decode_cursor(after) + 1
    return Window(offset=offset, limit=first)


@dataclass(frozen=True)
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


def page_info(window: Window, count: int, total: int) -> PageInfo:
    """Where a page of `count` rows at `window.offset` sits in a list of `total` rows."""
    return PageInfo(
        has_next_page=window.offset + count < total,
        has_previous_page=window.offset > 0,
        start_cursor=encode_cursor(window.offset) if count else None,
        end_cursor=encode_cursor(window.offset + count - 1) if count else None,
    )
