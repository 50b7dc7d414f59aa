"""Global ids for `node(id)`: base64 of `Kind:key`, such as `System:crm`."""

import base64
import binascii

from resolvers.errors import BadUserInput


def encode(kind: str, key: str) -> str:
    return base64.urlsafe_b64encode(f"{kind}:{key}".encode()).decode()


def decode(global_id: str, kinds: frozenset[str], *, field: str = "id") -> tuple[str, str]:
    """The `(kind, key)` a global id names; BAD_USER_INPUT when it is not one of `kinds`."""
    try:
        text = base64.urlsafe_b64decode(global_id.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise BadUserInput("not a global id", field=field) from None
    kind, separator, key = text.partition(":")
    if not separator or not key or kind not in kinds:
        raise BadUserInput("not a global id", field=field)
    return kind, key
