"""The limits resolvers read, as a protocol that `app.settings.Settings` satisfies."""

from typing import Protocol


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
