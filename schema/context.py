from dataclasses import dataclass, field
from typing import Any

from strawberry.fastapi import BaseContext

from app.settings import Settings
from graph.database import Database


@dataclass
class Context(BaseContext):
    """What every resolver can reach: the database, the settings, and per-request loaders."""

    db: Database
    settings: Settings
    loaders: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        super().__init__()
