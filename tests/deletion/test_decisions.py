import itertools
from datetime import date

from resolvers.deletion.decisions import Obligation, retention_end
from resolvers.deletion.order import deletion_order, strongly_connected


def test_components_of_a_long_chain_do_not_overflow() -> None:
    nodes = [f"s{i:05d}" for i in range(20_000)]
    edges = {a: {b} for a, b in itertools.pairwise(nodes)}
    assert deletion_order(nodes, edges) == [(n,) for n in nodes]


def test_a_cycle_with_a_tail_is_one_component() -> None:
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}}
    assert sorted(strongly_connected("abcd", edges)) == [("a", "b", "c"), ("d",)]
    assert deletion_order("abcd", edges) == [("a", "b", "c"), ("d",)]


def test_sources_come_first_whatever_their_names() -> None:
    edges = {"z": {"m"}, "m": {"a"}}
    assert deletion_order("amz", edges) == [("z",), ("m",), ("a",)]


def books(period: int | None, runs_from: str) -> Obligation:
    return Obligation("DE", "books", period, runs_from, "HGB §257")


def test_a_period_from_the_year_end_ends_on_december_31() -> None:
    assert retention_end(books(8, "END_OF_CALENDAR_YEAR"), date(2020, 1, 1)) == date(2028, 12, 31)
    assert retention_end(books(10, "END_OF_CALENDAR_YEAR"), date(2024, 12, 31)) == date(
        2034, 12, 31
    )


def test_a_period_from_the_record_date_keeps_the_day() -> None:
    assert retention_end(books(3, "RECORD_DATE"), date(2024, 2, 29)) == date(2027, 2, 28)


def test_an_indefinite_period_has_no_end() -> None:
    assert retention_end(books(None, "FILING_DATE"), date(2024, 1, 1)) is None
