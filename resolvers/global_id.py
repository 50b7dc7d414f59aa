"""Global ids for `node(id)`: base64 of `Kind:key`, such as `System:crm`."""

import base64
import binascii
import re

from resolvers.errors import BadUserInput


def encode(kind: str, key: str) -> str:
    return base64.urlsafe_b64encode(f"{kind}:{key}".encode()).decode()


ENCODED = re.compile(r"[A-Za-z0-9_=-]+")
"""What a global id is made of (URL-safe base64)."""


def encoded(text: str) -> bool:
    """Whether `text` could be a global id: a key with `:` or `.` (`<source>:<id>`) cannot."""
    return ENCODED.fullmatch(text) is not None


def decode(global_id: str, kinds: frozenset[str] | None, *, field: str = "id") -> tuple[str, str]:
    """The `(kind, key)` a global id names; BAD_USER_INPUT when it is not a global id, or (given
    `kinds`) not one of theirs."""
    try:
        text = base64.urlsafe_b64decode(global_id.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise BadUserInput("not a global id", field=field) from None
    kind, separator, key = text.partition(":")
    if not separator or not key or not kind.isidentifier() or not kind[:1].isupper():
        raise BadUserInput("not a global id", field=field)
    if kinds is not None and kind not in kinds:
        raise BadUserInput("not a global id", field=field)
    return kind, key


EDGE_KINDS: dict[str, str] = {"FLOWS_TO": "Flow", "ENGAGES": "Engagement"}
"""The relationships that are nodes of the API (`Flow`, `Engagement`), keyed by their `id`."""


def edge_id(
    relationship: str, key: str | None, source: tuple[str, str], target: tuple[str, str]
) -> str:
    """The id of an edge, the same in `dataMap`, `lineage`, transfer hops and register payloads:
    a flow's or an engagement's global id (`node(id)` resolves it); for another relationship
    `TYPE:<source global id>-><target global id>`, `source` and `target` being `(kind, key)` of
    its start and end node."""
    kind = EDGE_KINDS.get(relationship)
    if kind is not None and key is not None:
        return encode(kind, key)
    return f"{relationship}:{encode(*source)}->{encode(*target)}"
