"""The data map in parts, for a client that cannot draw it whole (the explorer at 10,000
systems): systems counted per group with the flows between groups, one group opened, and one
node's neighbourhood."""

import enum
from typing import Annotated

import strawberry
from strawberry.types import Info

from resolvers.read import map_view
from resolvers.references import ID_DESCRIPTION
from schema import datamap
from schema.context import Context
from schema.filters import MapFilter, filter_values


@strawberry.enum(description="How systems are grouped; each system is in exactly one group.")
class MapGrouping(enum.Enum):
    OWNER_TEAM = strawberry.enum_value("OWNER_TEAM", description="By the system's owner team.")
    ORGANISATION = strawberry.enum_value(
        "ORGANISATION",
        description="By the organisation operating it (the lowest key when several do).",
    )
    COUNTRY = strawberry.enum_value(
        "COUNTRY", description="By the country hosting it (the lowest code when several do)."
    )


@strawberry.type(description="A group of systems.")
class MapGroup:
    key: str = strawberry.field(
        description='The owner team, organisation key or country code; `""` for the systems '
        "that have none (`mapGroup(key:)` takes it)."
    )
    label: str = strawberry.field(description="The team, the legal name or the country name.")
    systems: int = strawberry.field(description="How many selected systems it holds.")


@strawberry.type(description="The flows from the systems of one group to those of another.")
class MapGroupFlow:
    source: str = strawberry.field(description="The key of the group the flows leave.")
    target: str = strawberry.field(
        description="The key of the group they enter (the same for flows inside a group)."
    )
    flows: int = strawberry.field(description="How many flows.")


@strawberry.type(description="The selected systems counted per group, and the flows between.")
class MapOverview:
    group_by: MapGrouping = strawberry.field(description="The grouping asked for.")
    systems: int = strawberry.field(description="How many systems the filter selects.")
    groups: list[MapGroup] = strawberry.field(description="The groups, by key.")
    flows: list[MapGroupFlow] = strawberry.field(
        description="The flows between selected systems, counted per pair of groups."
    )


def part(found: map_view.MapPart) -> datamap.DataMap:
    return datamap.to_graphql(found.map, found.groups)


@strawberry.type
class MapViewQuery:
    @strawberry.field(
        description="The systems the filter selects, counted per group, with the flows between "
        "groups: the first view of a map too large to draw whole."
    )
    async def map_overview(
        self,
        info: Info[Context, None],
        group_by: Annotated[
            MapGrouping, strawberry.argument(description="How to group the systems.")
        ],
        filter: Annotated[
            MapFilter | None,
            strawberry.argument(description="Selects the systems, as for `dataMap`."),
        ] = None,
    ) -> MapOverview:
        found = await map_view.overview(info.context.db, group_by.name, filter_values(filter))
        return MapOverview(
            group_by=group_by,
            systems=found.systems,
            groups=[MapGroup(key=g.key, label=g.label, systems=g.systems) for g in found.groups],
            flows=[
                MapGroupFlow(source=f.source, target=f.target, flows=f.flows) for f in found.flows
            ],
        )

    @strawberry.field(
        description="One group opened: its selected systems (by name), their operators and "
        "countries, the selected systems and organisations their flows reach or come from, and "
        "those edges. Each system node names its group. NOT_FOUND when no selected system is in "
        "the group."
    )
    async def map_group(
        self,
        info: Info[Context, None],
        group_by: Annotated[MapGrouping, strawberry.argument(description="The grouping.")],
        key: Annotated[
            str,
            strawberry.argument(
                description="The group's key (`MapGroup.key`); for organisations their global "
                "id too, for countries a code in any case."
            ),
        ],
        filter: Annotated[
            MapFilter | None,
            strawberry.argument(description="Selects the systems, as for `dataMap`."),
        ] = None,
        max_nodes: Annotated[
            int | None,
            strawberry.argument(
                description="The most systems of the group to return; at most the server's "
                "`dataMap` cap, the default."
            ),
        ] = None,
    ) -> datamap.DataMap:
        found = await map_view.group(
            info.context.db,
            group_by.name,
            key,
            filter_values(filter),
            max_nodes=max_nodes,
            cap=info.context.settings.datamap_max_nodes,
        )
        return part(found)

    @strawberry.field(
        description="A system, organisation or country and the systems, organisations and "
        "countries one edge away (flows both ways, operators, hosting and access countries, "
        "engagements), with those edges. Each system node names its group."
    )
    async def map_neighbourhood(
        self,
        info: Info[Context, None],
        id: Annotated[
            strawberry.ID,
            strawberry.argument(
                description="The system, organisation or country. "
                + ID_DESCRIPTION
                + " A key a system and an organisation share names the system."
            ),
        ],
        group_by: Annotated[
            MapGrouping,
            strawberry.argument(description="The grouping whose groups the systems name."),
        ] = MapGrouping.OWNER_TEAM,
        max_nodes: Annotated[
            int | None,
            strawberry.argument(
                description="The most neighbours to return, by name; at most the server's "
                "`dataMap` cap, the default."
            ),
        ] = None,
    ) -> datamap.DataMap:
        found = await map_view.neighbourhood(
            info.context.db,
            group_by.name,
            id,
            max_nodes=max_nodes,
            cap=info.context.settings.datamap_max_nodes,
        )
        return part(found)
