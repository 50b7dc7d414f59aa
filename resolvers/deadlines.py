"""When a data subject's request is due: a regime's period for answering one kind of request (as
its Regime node holds it), counted from the day the request was received."""

import calendar
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any


@dataclass(frozen=True)
class Period:
    """A response period in days or months, its one extension (counted from receipt too), the
    rule it comes from, and whether the law sets it or the map owner chose it for want of one."""

    days: int | None = None
    months: int | None = None
    extension_days: int | None = None
    extension_months: int | None = None
    rule: str = ""
    statutory: bool = True

    @classmethod
    def of(cls, regime: Mapping[str, Any], request: str = "") -> "Period":
        """The period a Regime node's properties hold for one kind of request: `erasure_` for
        erasure requests, none for access requests (`response_days`, `deadline_rule`, ...)."""
        return cls(
            days=regime.get(f"{request}response_days"),
            months=regime.get(f"{request}response_months"),
            extension_days=regime.get(f"{request}extension_days"),
            extension_months=regime.get(f"{request}extension_months"),
            rule=regime.get(f"{request}deadline_rule") or "",
            statutory=regime.get(f"{request}deadline_statutory") is not False,
        )

    @property
    def recorded(self) -> bool:
        return self.days is not None or self.months is not None


@dataclass(frozen=True)
class Deadline:
    received_on: date
    due_on: date
    extended_to: date | None
    rule: str
    statutory: bool = True


def add_months(day: date, months: int) -> date:
    """The corresponding calendar date `months` later, or the last day of that month when it has
    none (the ICO's arithmetic for "one month": 31 January + 1 month = 28/29 February)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _after(day: date, days: int, months: int) -> date:
    return add_months(day, months) + timedelta(days=days)


def due(period: Period, received_on: date) -> Deadline:
    """When the answer is due under `period`, counted from `received_on`, and how far its one
    extension reaches, from the same start (one month + two is three months from receipt, 45 days
    + 45 is 90)."""
    days, months = period.days or 0, period.months or 0
    extended = None
    if period.extension_days is not None or period.extension_months is not None:
        extended = _after(
            received_on,
            days + (period.extension_days or 0),
            months + (period.extension_months or 0),
        )
    return Deadline(
        received_on, _after(received_on, days, months), extended, period.rule, period.statutory
    )
