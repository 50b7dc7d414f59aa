"""The access plan's flow search over plain data: per-start category filter, nearest start,
shortest path flows."""

from resolvers.access.reach import FlowEdge, nearest


def edge(source: str, target: str, *categories: str) -> FlowEdge:
    return FlowEdge(source, target, "System", f"{source}>{target}", categories)


def test_each_node_once_at_its_nearest_start_with_the_flows_of_a_shortest_path() -> None:
    edges = [
        edge("a", "x", "user"),
        edge("x", "y", "user.contact"),
        edge("b", "y", "user.contact.email"),
        edge("y", "z", "user.contact"),
    ]
    starts = [
        {"id": "b", "categories": ["user.contact.email"]},
        {"id": "a", "categories": ["user.contact.email"]},
    ]
    reached = {row["id"]: row for row in nearest(starts, edges, hops=3)}
    assert {key: (row["start"], row["degree"]) for key, row in reached.items()} == {
        "x": ("a", 1),
        "y": ("b", 1),
        "z": ("b", 2),
    }
    assert [flow_id for flow_id, _, _ in reached["z"]["flows"]] == ["b>y", "y>z"]


def test_a_flow_is_followed_only_for_a_start_whose_categories_it_carries() -> None:
    edges = [edge("a", "x", "user.device"), edge("a", "y", "user"), edge("y", "z", "user.name")]
    starts = [{"id": "a", "categories": ["user.contact"]}]
    assert {row["id"] for row in nearest(starts, edges, hops=5)} == {"y"}


def test_a_tie_goes_to_the_first_start_id_and_hops_bound_the_search() -> None:
    edges = [edge("b", "x", "user"), edge("a", "x", "user"), edge("x", "y", "user")]
    starts = [{"id": "b", "categories": ["user"]}, {"id": "a", "categories": ["user"]}]
    reached = {row["id"]: row for row in nearest(starts, edges, hops=1)}
    assert reached == {
        "x": {
            "start": "a",
            "degree": 1,
            "kind": "System",
            "id": "x",
            "flows": [["a>x", ["user"], None]],
        }
    }
