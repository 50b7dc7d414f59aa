"""The read side's root fields: lists, lookups, `node(id)` and `dataMap`."""

from collections.abc import Mapping
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from graph.queries import lists
from resolvers import global_id
from resolvers.read.service import data_map, list_page
from schema import datamap
from schema.connection import After, Connection, First, connection
from schema.context import Context
from schema.filters import MapFilter, filter_values
from schema.law import (
    Derogation,
    LegalBasis,
    LegalException,
    RetentionObligation,
    RightItem,
    SccModule,
    SecurityMeasure,
    SpecialCategoryCondition,
)
from schema.node import N, Node, by_key, from_properties
from schema.nodes import (
    AdequacyDecision,
    Country,
    DataCategory,
    DataSubject,
    DataUse,
    DpfCertification,
    Organisation,
    ProcessingActivity,
    Regime,
    Safeguard,
    Storage,
    System,
)

NODE_TYPES: dict[str, type[Node]] = {
    cls.LABEL: cls
    for cls in (
        AdequacyDecision,
        Country,
        DataCategory,
        DataSubject,
        DataUse,
        Derogation,
        DpfCertification,
        LegalBasis,
        LegalException,
        Organisation,
        ProcessingActivity,
        Regime,
        RetentionObligation,
        RightItem,
        Safeguard,
        SccModule,
        SecurityMeasure,
        SpecialCategoryCondition,
        Storage,
        System,
    )
}

FILTER = "Narrows the list; see MapFilter for what each filter means here."


async def page_of(
    info: Info[Context, None],
    listing: lists.Listing,
    cls: type[N],
    kind: str,
    given: MapFilter | None,
    first: int | None,
    after: str | None,
) -> Connection[N]:
    page = await list_page(
        info.context.db,
        listing,
        filter_values(given),
        first=first,
        after=after,
        max_page_size=info.context.settings.max_page_size,
        kind=kind,
    )

    def to_node(properties: Mapping[str, Any]) -> N:
        return from_properties(cls, properties)

    return connection(page, to_node)


@strawberry.type(description="Reading the data map.")
class ReadQuery:
    @strawberry.field(description="Systems, by name. Every filter applies.")
    async def systems(
        self,
        info: Info[Context, None],
        filter: Annotated[MapFilter | None, strawberry.argument(description=FILTER)] = None,
        first: First = None,
        after: After = None,
    ) -> Connection[System]:
        return await page_of(info, lists.SYSTEMS, System, "systems", filter, first, after)

    @strawberry.field(
        description="Organisations (Preemptly, its vendors, its customers), by legal name. "
        "Every filter applies."
    )
    async def processors(
        self,
        info: Info[Context, None],
        filter: Annotated[MapFilter | None, strawberry.argument(description=FILTER)] = None,
        first: First = None,
        after: After = None,
    ) -> Connection[Organisation]:
        return await page_of(
            info, lists.ORGANISATIONS, Organisation, "processors", filter, first, after
        )

    @strawberry.field(
        description="Data categories, by key. Filters: search, country, category, subject, "
        "organisation, specialCategories."
    )
    async def data_categories(
        self,
        info: Info[Context, None],
        filter: Annotated[MapFilter | None, strawberry.argument(description=FILTER)] = None,
        first: First = None,
        after: After = None,
    ) -> Connection[DataCategory]:
        return await page_of(
            info, lists.DATA_CATEGORIES, DataCategory, "dataCategories", filter, first, after
        )

    @strawberry.field(
        description="Data-subject kinds, by key. Filters: search, country, category, subject, "
        "organisation, specialCategories."
    )
    async def data_subjects(
        self,
        info: Info[Context, None],
        filter: Annotated[MapFilter | None, strawberry.argument(description=FILTER)] = None,
        first: First = None,
        after: After = None,
    ) -> Connection[DataSubject]:
        return await page_of(
            info, lists.DATA_SUBJECTS, DataSubject, "dataSubjects", filter, first, after
        )

    @strawberry.field(
        description="Processing activities, by name. Filters: search, country, category, "
        "subject, organisation, role, specialCategories."
    )
    async def processing_activities(
        self,
        info: Info[Context, None],
        filter: Annotated[MapFilter | None, strawberry.argument(description=FILTER)] = None,
        first: First = None,
        after: After = None,
    ) -> Connection[ProcessingActivity]:
        return await page_of(
            info,
            lists.PROCESSING_ACTIVITIES,
            ProcessingActivity,
            "processingActivities",
            filter,
            first,
            after,
        )

    @strawberry.field(description="Countries, by code. Filters: search, country, eea.")
    async def countries(
        self,
        info: Info[Context, None],
        filter: Annotated[MapFilter | None, strawberry.argument(description=FILTER)] = None,
        first: First = None,
        after: After = None,
    ) -> Connection[Country]:
        return await page_of(info, lists.COUNTRIES, Country, "countries", filter, first, after)

    @strawberry.field(description="The system with this id (`System.key`), or null.")
    async def system(
        self,
        info: Info[Context, None],
        id: Annotated[str, strawberry.argument(description="The system's id, such as `crm`.")],
    ) -> System | None:
        return await by_key(info, System, id)

    @strawberry.field(description="The organisation with this id (`Organisation.key`), or null.")
    async def processor(
        self,
        info: Info[Context, None],
        id: Annotated[str, strawberry.argument(description="The organisation's id.")],
    ) -> Organisation | None:
        return await by_key(info, Organisation, id)

    @strawberry.field(description="The country with this code, or null.")
    async def country(
        self,
        info: Info[Context, None],
        code: Annotated[str, strawberry.argument(description="An ISO 3166-1 alpha-2 code.")],
    ) -> Country | None:
        return await by_key(info, Country, code)

    @strawberry.field(description="The data category with this key, or null.")
    async def data_category(
        self,
        info: Info[Context, None],
        key: Annotated[str, strawberry.argument(description="A key such as `user.contact`.")],
    ) -> DataCategory | None:
        return await by_key(info, DataCategory, key)

    @strawberry.field(description="The node with this global id, or null when it names none.")
    async def node(
        self,
        info: Info[Context, None],
        id: Annotated[strawberry.ID, strawberry.argument(description="A global id (`Node.id`).")],
    ) -> Node | None:
        kind, key = global_id.decode(id, frozenset(NODE_TYPES))
        return await by_key(info, NODE_TYPES[kind], key)

    @strawberry.field(
        description="The map of the systems the filter selects, with their operators, countries, "
        "storages, categories, subjects and flows, as nodes and edges to draw."
    )
    async def data_map(
        self,
        info: Info[Context, None],
        filter: Annotated[
            MapFilter | None,
            strawberry.argument(description="Selects the systems; every filter applies."),
        ] = None,
        max_nodes: Annotated[
            int | None,
            strawberry.argument(
                description="The most nodes to return; at most the server's cap, the default."
            ),
        ] = None,
    ) -> datamap.DataMap:
        found = await data_map(
            info.context.db,
            filter_values(filter),
            max_nodes=max_nodes,
            cap=info.context.settings.datamap_max_nodes,
        )
        return datamap.to_graphql(found)
