"""A country's standing under one regime, from its area and the adequacy decisions covering it."""

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date


class AdequacyStatus(enum.Enum):
    IN_AREA = "IN_AREA"
    ADEQUATE = "ADEQUATE"
    PARTIAL = "PARTIAL"
    NONE = "NONE"


@dataclass(frozen=True)
class Decision:
    scope: str | None
    valid_from: date | None
    valid_until: date | None

    def valid_on(self, day: date) -> bool:
        started = self.valid_from is None or self.valid_from <= day
        return started and (self.valid_until is None or day <= self.valid_until)


def adequacy_status(in_area: bool, decisions: Iterable[Decision], day: date) -> AdequacyStatus:
    """IN_AREA inside the regime's own area; ADEQUATE with a full decision valid on `day`;
    PARTIAL when the only valid decisions are limited in scope (to recipients subject to a law,
    to DPF-certified importers, ...); otherwise NONE."""
    if in_area:
        return AdequacyStatus.IN_AREA
    scopes = {decision.scope for decision in decisions if decision.valid_on(day)}
    if "FULL" in scopes:
        return AdequacyStatus.ADEQUATE
    return AdequacyStatus.PARTIAL if scopes else AdequacyStatus.NONE
