"""The limits resolvers read, as a protocol that `app.settings.Settings` satisfies."""

from typing import Protocol

from resolvers.errors import BadUserInput


def bounded(value: int, maximum: int, *, field: str, minimum: int = 1) -> int:
    """The one rule for a size or depth argument over its limit (`first`, `maxHops`,
    `maxNodes`): refused with BAD_USER_INPUT naming it and the limit, never clamped."""
    if not minimum <= value <= maximum:
        raise BadUserInput(f"{field} must be between {minimum} and {maximum}", field=field)
    return value


class LineageLimits(Protocol):
    """How far lineage (and the access plan's reach) walks, and how much it returns."""

    @property
    def lineage_default_hops(self) -> int: ...
    @property
    def lineage_max_hops(self) -> int: ...
    @property
    def lineage_max_nodes(self) -> int: ...
    @property
    def lineage_max_paths_per_node(self) -> int: ...
