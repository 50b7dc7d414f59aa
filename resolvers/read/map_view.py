"""The data map in parts (graph/queries/map_view.py): groups of systems and the flows between
them, one group opened, one node's neighbourhood; for a client that cannot draw the whole map."""

from collections.abc import Mapping
from dataclasses import dataclass

from graph.database import Database, Record
from graph.queries import filters as filter_queries
from graph.queries import map_view as queries
from resolvers import global_id
from resolvers.errors import NotFound
from resolvers.limits import bounded
from resolvers.read.datamap import DataMap, shape_map
from resolvers.read.filters import as_keys, check_applicable, check_known
from resolvers.references import country_code, key_of, resolve

UNGROUPED: Mapping[str, str] = {
    "OWNER_TEAM": "no owner team",
    "ORGANISATION": "no operator",
    "COUNTRY": "no hosting country",
}
"""The label of the group of systems that have no owner team, operator or hosting country."""

NEIGHBOURHOOD_KINDS = ("System", "Organisation", "Country")
"""What a neighbourhood is around; a key both a system and an organisation have names the
system, as in `lineage(from:)`."""


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
    return cap if max_nodes is None else bounded(max_nodes, cap, field="maxNodes")


def group_key(group_by: str, key: str) -> str:
    """A group's key as `mapGroup(key:)` takes it: an organisation's global id or key, a country
    code in any case, an owner team as it is."""
    if group_by == "ORGANISATION":
        return key_of(key, "Organisation", field="key")
    if group_by == "COUNTRY":
        return country_code(key_of(key, "Country", field="key"))
    return key


def map_part(rows: Record, total: int) -> MapPart:
    groups = {
        global_id.encode("System", row["node"]["id"]): row["group"]
        for row in rows["nodes"]
        if row["group"] is not None
    }
    return MapPart(map=shape_map(rows["nodes"], rows["edges"], total), groups=groups)


async def overview(db: Database, group_by: str, values: Mapping[str, object]) -> Overview:
    check_applicable(values, filter_queries.SYSTEM, "mapOverview")
    values = as_keys(values)
    rows = await queries.overview(db, group_by, values)
    await check_known(db, rows["unknown"], values)
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
    values = as_keys(values)
    key = group_key(group_by, key)
    rows = await queries.group(db, group_by, key, values, max_nodes=kept)
    await check_known(db, rows["unknown"], values)
    if rows["total"] == 0:
        raise NotFound(f"no selected system is in the group {key!r}", field="key")
    extra = len(rows["nodes"]) - rows["kept"]
    return map_part(rows, rows["total"] + extra)


async def neighbourhood(
    db: Database, group_by: str, node_id: str, *, max_nodes: int | None, cap: int
) -> MapPart:
    """The system, organisation or country and what is one edge away (at most `max_nodes`)."""
    kept = check_cap(max_nodes, cap)
    node = await resolve(db, node_id, NEIGHBOURHOOD_KINDS, field="id")
    rows = await queries.neighbourhood(db, group_by, node.kind, node.key, max_nodes=kept)
    if rows is None:
        raise NotFound(f"no {node.kind} {node.key!r}", field="id")
    return map_part(rows, rows["total"] + 1)
