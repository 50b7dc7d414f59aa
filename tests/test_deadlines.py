"""Request deadlines over plain periods, without a server."""

from datetime import date

from resolvers.access.decisions import Law
from resolvers.deadlines import Period, add_months, due


def test_one_month_is_the_corresponding_date_or_the_last_day_of_that_month() -> None:
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)
    assert add_months(date(2026, 11, 15), 3) == date(2027, 2, 15)


def test_each_regime_counts_its_own_deadline_and_extension() -> None:
    received = date(2026, 1, 31)
    gdpr = due(Law(key="EU", response_months=1, extension_months=2).response_period, received)
    assert (gdpr.due_on, gdpr.extended_to) == (date(2026, 2, 28), date(2026, 4, 30))
    fadp = due(Law(key="CH", response_days=30).response_period, received)
    assert (fadp.due_on, fadp.extended_to) == (date(2026, 3, 2), None)
    ccpa = due(Period(days=45, extension_days=45), received)
    assert (ccpa.due_on, ccpa.extended_to) == (date(2026, 3, 17), date(2026, 5, 1))


def test_a_period_the_owner_chose_says_it_is_not_the_law() -> None:
    chosen = due(Period(days=30, rule="by analogy", statutory=False), date(2026, 1, 31))
    assert (chosen.due_on, chosen.statutory, chosen.rule) == (date(2026, 3, 2), False, "by analogy")
