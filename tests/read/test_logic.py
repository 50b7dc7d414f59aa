"""The read side's pure decisions, on plain data."""

from datetime import date

import pytest

from resolvers import global_id
from resolvers.errors import BadUserInput
from resolvers.read.datamap import shape_map
from resolvers.read.filters import check_applicable, field_of
from resolvers.read.pagination import decode_cursor, encode_cursor, page_info, window
from resolvers.transfer.adequacy import AdequacyStatus, Decision, adequacy_status

DAY = date(2025, 6, 1)


def test_cursors_round_trip_and_reject_garbage() -> None:
    assert decode_cursor(encode_cursor(41)) == 41
    for bad in ("", "x", encode_cursor(1)[:-2] + "!!", "b2Zmc2V0Oi0x"):
        with pytest.raises(BadUserInput) as raised:
            decode_cursor(bad)
        assert raised.value.field == "after"


def test_window_defaults_to_and_caps_at_the_maximum_page_size() -> None:
    assert window(None, None, 100).limit == 100
    assert window(5, encode_cursor(9), 100).offset == 10
    with pytest.raises(BadUserInput) as raised:
        window(101, None, 100)
    assert raised.value.field == "first"


def test_page_info_of_a_middle_page() -> None:
    info = page_info(window(2, encode_cursor(1), 100), 2, 10)
    assert (info.has_previous_page, info.has_next_page) == (True, True)
    assert decode_cursor(info.start_cursor or "") == 2
    assert decode_cursor(info.end_cursor or "") == 3
    empty = page_info(window(2, None, 100), 0, 0)
    assert (empty.has_next_page, empty.start_cursor) == (False, None)


def test_global_ids_round_trip_and_name_the_argument() -> None:
    assert global_id.decode(global_id.encode("System", "a:b"), frozenset({"System"})) == (
        "System",
        "a:b",
    )
    with pytest.raises(BadUserInput) as raised:
        global_id.decode(global_id.encode("Secret", "x"), frozenset({"System"}))
    assert raised.value.field == "id"


@pytest.mark.parametrize(
    ("in_area", "decisions", "expected"),
    [
        (True, [], AdequacyStatus.IN_AREA),
        (False, [Decision("FULL", date(2020, 1, 1), None)], AdequacyStatus.ADEQUATE),
        (False, [Decision("DPF", date(2023, 7, 10), None)], AdequacyStatus.PARTIAL),
        (False, [Decision("FULL", date(2020, 1, 1), date(2025, 5, 31))], AdequacyStatus.NONE),
        (False, [Decision("FULL", date(2025, 6, 2), None)], AdequacyStatus.NONE),
        (False, [], AdequacyStatus.NONE),
    ],
)
def test_adequacy_status(
    in_area: bool, decisions: list[Decision], expected: AdequacyStatus
) -> None:
    assert adequacy_status(in_area, decisions, DAY) is expected


def test_filters_name_their_argument_path() -> None:
    assert field_of("special_categories") == "filter.specialCategories"
    check_applicable({"search": "x", "eea": None}, ["search"], "countries")
    with pytest.raises(BadUserInput) as raised:
        check_applicable({"search": "x", "eea": True}, ["search"], "countries")
    assert raised.value.field == "filter.eea"


def test_map_nodes_and_edges_carry_global_ids_and_picked_attributes() -> None:
    shaped = shape_map(
        [
            {"kind": "System", "node": {"id": "crm", "name": "CRM", "kind": "SAAS", "x": 1}},
            {"kind": "Country", "node": {"code": "US", "name": "United States", "eea": False}},
        ],
        [
            {
                "type": "HOSTED_IN",
                "source_kind": "System",
                "source": "crm",
                "target_kind": "Country",
                "target": "US",
                "rel": {},
            }
        ],
        total_nodes=5,
    )
    system, country = shaped.nodes
    assert (system.label, system.attributes) == ("CRM", {"kind": "SAAS"})
    assert global_id.decode(system.id, frozenset({"System"})) == ("System", "crm")
    assert country.attributes == {"eea": False}
    (edge,) = shaped.edges
    assert (edge.source, edge.target) == (system.id, country.id)
    assert shaped.truncated is True
