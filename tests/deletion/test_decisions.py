import itertools
from datetime import date

from resolvers.deletion.decisions import (
    ActivityUse,
    DeletionGraph,
    Flow,
    Holding,
    Obligation,
    System,
    inferred,
    retention_end,
    trace,
    unplanned_systems,
)
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


def test_a_copy_through_a_flow_naming_no_subject_says_it_is_inferred() -> None:
    graph = DeletionGraph(
        holdings=[Holding("st-a", "a", ("user.name",), retention_days=30)],
        systems={key: System(key, key, deletion_method="API") for key in "abc"},
        flows=[
            Flow("f-ab", "a", "b", ("user",), subjects=("s",)),
            Flow("f-bc", "b", "c", ("user",)),
        ],
        organisations={},
        engagements=[],
    )
    reached = trace(graph, graph.holdings, ("user.name",))
    assert reached.unnamed == {"a": (), "b": (), "c": ("f-bc",)}
    assert inferred(reached, "b") == ""
    assert "f-bc names no data subject" in inferred(reached, "c")


def test_an_activity_system_without_a_storage_is_explained_with_its_copies() -> None:
    graph = DeletionGraph(
        holdings=[Holding("st-a", "a", ("user.name",), retention_days=30)],
        systems={key: System(key, key, deletion_method="API") for key in "abcd"},
        flows=[Flow("f-cd", "c", "d", ("user.name",), subjects=("s",))],
        organisations={},
        engagements=[],
        activities=[ActivityUse("pa-1", "a", ("user.name",)), ActivityUse("pa-2", "c", ("user",))],
    )
    unplanned = {entry.system_id: entry for entry in unplanned_systems(graph, {"a"})}
    assert set(unplanned) == {"c", "d"}
    assert "activity pa-2 processes" in unplanned["c"].reasons[0].rule
    assert unplanned["d"].reasons[0].path == ("c", "d")
    assert unplanned["c"].cleared_by.startswith("registerStorage")
