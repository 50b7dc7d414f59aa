"""The data map in parts (graph/queries/map_view.py): groups of systems and the flows between
them, one group opened, one node's neighbourhood; for a client that cannot draw the whole map."""

from collections.abc import Mapping
from dataclasses import dataclass

from graph.database import Database, Record
from graph.queries import filters as filter_queries
from graph.queries import map_view as queries
from resolvers import global_id
from resolvers.errors import BadUserInput, NotFound
from resolvers.read.datamap import DataMap, shape_map
from resolvers.read.filters import check_applicable, check_known

UNGROUPED: Mapping[str, str] = {
    "OWNER_TEAM": "no owner team",
    "ORGANISATION": "no operator",
    "COUNTRY": "no hosting country",
}
"""The label of the group of systems that have no owner team, operator or hosting country."""

NEIGHBOURHOOD_KINDS = frozenset({"System", "Organisation", "Country"})


@dataclass(frozen=True)
class MapGroup:
    key: str
    label: str
    systems: int


@dataclass(frozen=True)
class GroupFlow:
    source: str
    target: str
    flows: int


@dataclass(frozen=True)
class Overview:
    group_by: str
    groups: list[MapGroup]
    flows: list[GroupFlow]

    @property
    def systems(self) -> int:
        return sum(group.systems for group in self.groups)


@dataclass(frozen=True)
class MapPart:
    """Part of the map, with the group of each system node (by node id)."""

    map: DataMap
    groups: dict[str, str]


def check_cap(max_nodes: int | None, cap: int) -> int:
    if max_nodes is None:
        return cap
    if not 1 <= max_nodes <= cap:
        raise BadUserInput(f"maxNodes must be between 1 and {cap}", field="maxNodes")
    return max_nodes


def map_part(rows: Record, total: int) -> MapPart:
    groups = {
        global_id.encode("System", row["node"]["id"]): row["group"]
        for row in rows["nodes"]
        if row["group"] is not None
    }
    return MapPart(map=shape_map(rows["nodes"], rows["edges"], total), groups=groups)


async def overview(db: Database, group_by: str, values: Mapping[str, object]) -> Overview:
    check_applicable(values, filter_queries.SYSTEM, "mapOverview")
    rows = await queries.overview(db, group_by, values)
    check_known(rows["unknown"], values)
    return Overview(
        group_by=group_by,
        groups=[
            MapGroup(
                key=row["key"], label=row["label"] or UNGROUPED[group_by], systems=row["systems"]
            )
            for row in rows["groups"]
        ],
        flows=[GroupFlow(row["source"], row["target"], row["flows"]) for row in rows["flows"]],
    )


async def group(
    db: Database,
    group_by: str,
    key: str,
    values: Mapping[str, object],
    *,
    max_nodes: int | None,
    cap: int,
) -> MapPart:
    """The group's systems (at most `max_nodes`) with their operators, countries and flows."""
    kept = check_cap(max_nodes, cap)
    check_applicable(values, filter_queries.SYSTEM, "mapGroup")
    rows = await queries.group(db, group_by, key, values, max_nodes=kept)
    check_known(rows["unknown"], values)
    if rows["total"] == 0:
        raise NotFound(f"no selected system is in the group {key!r}", field="key")
    extra = len(rows["nodes"]) - rows["kept"]
    return map_part(rows, rows["total"] + extra)


async def neighbourhood(
    db: Database, group_by: str, node_id: str, *, max_nodes: int | None, cap: int
) -> MapPart:
    """The system, organisation or country and what is one edge away (at most `max_nodes`)."""
    kept = check_cap(max_nodes, cap)
    kind, key = global_id.decode(node_id, NEIGHBOURHOOD_KINDS)
    rows = await queries.neighbourhood(db, group_by, kind, key, max_nodes=kept)
    if rows is None:
        raise NotFound(f"no {kind} {key!r}", field="id")
    return map_part(rows, rows["total"] + 1)
