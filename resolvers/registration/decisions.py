"""The transfer decisions a registration creates or changes: the transfer engine's paths, read
after the write has committed, that pass through the registered entity. Each regime's map is
assessed at most once per request, however many entities a bulk registration returns."""

import asyncio
from dataclasses import dataclass
from datetime import date

from graph.database import Database
from resolvers.errors import NotFound
from resolvers.transfer.decisions import VERDICT_ORDER, Channel, PathDecision
from resolvers.transfer.service import Scope, assess

REGIMES = ("EU", "UK", "CH")


@dataclass(frozen=True)
class Subject:
    """The registered entity a payload reports on: give at most one of these (none: nothing)."""

    system_id: str | None = None
    organisation_id: str | None = None
    flow_id: str | None = None
    parties: tuple[str, str] | None = None

    def touches(self, path: PathDecision) -> bool:
        if self == Subject():
            return False
        if self.flow_id is not None:
            return any(
                d.hop.channel == Channel.FLOW
                and (d.hop.id == self.flow_id or d.hop.id.startswith(f"{self.flow_id}@"))
                for d in path.hops
            )
        if self.parties is not None:
            return any((d.hop.exporter.id, d.hop.importer.id) == self.parties for d in path.hops)
        return Scope(system_id=self.system_id, organisation_id=self.organisation_id).touches(path)


@dataclass(frozen=True)
class RegimePath:
    regime: str
    path: PathDecision


class TransferDecisions:
    """The committed map's transfer paths per regime on `as_of`, assessed on first use."""

    def __init__(self, db: Database, as_of: date) -> None:
        self.db = db
        self.as_of = as_of
        self._paths: dict[str, list[PathDecision]] = {}
        self._lock = asyncio.Lock()

    async def regime_paths(self, regime: str) -> list[PathDecision]:
        async with self._lock:
            if regime not in self._paths:
                try:
                    self._paths[regime] = await assess(self.db, regime=regime, as_of=self.as_of)
                except NotFound:  # no reference data for the regime: nothing to decide with
                    self._paths[regime] = []
            return self._paths[regime]

    async def of(self, subject: Subject) -> list[RegimePath]:
        """The paths through `subject`, every regime's, worst first."""
        found = [
            RegimePath(regime, path)
            for regime in REGIMES
            for path in await self.regime_paths(regime)
            if subject.touches(path)
        ]
        return sorted(found, key=lambda item: -VERDICT_ORDER.index(item.path.verdict))
