from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from strawberry.fastapi import BaseContext

from graph.database import Database
from resolvers.auth.key_cache import KeyCache
from resolvers.auth.principal import Principal
from schema.settings import SchemaSettings


@dataclass
class Context(BaseContext):
    """What every resolver can reach: the database, the settings, the process's cache of API key
    records, who asks (None only for the IDE page, which runs no operation), the confirmation
    of who asks when it was taken ahead of the revocation check (awaited before an operation
    that may write, and before the answer leaves), and per-request loaders."""

    db: Database
    settings: SchemaSettings
    key_cache: KeyCache
    principal: Principal | None = None
    confirm: Callable[[], Awaitable[None]] | None = None
    loaders: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        super().__init__()
