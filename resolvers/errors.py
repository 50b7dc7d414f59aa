"""Errors a resolver raises on purpose. Each carries the stable code clients see in
`extensions.code`, and the offending argument or field where there is one."""

MAX_MESSAGE = 1000
"""The longest error message a client gets: one that echoes input (60,000 unknown keys, a 1 MB
search) is cut, saying how much was left out."""


def capped(message: str) -> str:
    if len(message) <= MAX_MESSAGE:
        return message
    return f"{message[:MAX_MESSAGE]}... ({len(message) - MAX_MESSAGE} more characters)"


class DatamapError(Exception):
    code = "INTERNAL"

    def __init__(
        self, message: str, *, field: str | None = None, suggestions: list[str] | None = None
    ) -> None:
        super().__init__(capped(message))
        self.message = capped(message)
        self.field = field
        self.suggestions = suggestions


class BadUserInput(DatamapError):
    code = "BAD_USER_INPUT"


class NotFound(DatamapError):
    code = "NOT_FOUND"


class Unauthenticated(DatamapError):
    code = "UNAUTHENTICATED"


class Forbidden(DatamapError):
    code = "FORBIDDEN"


class Timeout(DatamapError):
    code = "TIMEOUT"


class Unavailable(DatamapError):
    code = "UNAVAILABLE"


class MissingReferenceData(DatamapError):
    """The graph lacks a reference fact a decision cites: the reference seeds are not loaded."""

    code = "INTERNAL"
