"""The read side's root fields: lists, lookups, `node(id)` and `dataMap`."""

from collections.abc import Mapping
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from graph.queries import lists, shared
from resolvers import global_id
from resolvers.errors import NotFound
from resolvers.read.service import data_map, list_page, read_node
from resolvers.references import country_code, key_of, refuse
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
    Engagement,
    Flow,
    Organisation,
    ProcessingActivity,
    Regime,
    Safeguard,
    Storage,
    System,
)
from schema.shared_reads import connection_plan, node_plan

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
        Engagement,
        Flow,
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

LOOKUP = "The global id (`id`) or the key (`key`)."
FILTER = "Narrows the list; see MapFilter for what each filter means here."


async def lookup(info: Info[Context, None], cls: type[N], argument: str, field: str) -> N:
    """The `cls` node an argument names (references.py's rule); NOT_FOUND naming `field`, with
    the nearest keys, when there is none."""
    key = key_of(argument, cls.LABEL, field=field)
    if cls.LABEL in shared.LABELS:
        branches = node_plan(info, cls.LABEL)
        await read_node(info.context.db, info.context.loaders, cls.LABEL, key, branches)
    found = await by_key(info, cls, key)
    if found is None:
        await refuse(info.context.db, (cls.LABEL,), key, field=field, error=NotFound)
    return found


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
        loaders=info.context.loaders,
        branches=connection_plan(info),
    )

    def to_node(properties: Mapping[str, Any]) -> N:
        return from_properties(cls, properties)

    return connection(page, to_node)


def list_field(listing: lists.Listing, cls: type[N], kind: str, description: str) -> Any:
    """A root list of `cls` nodes: the map filter, `first` and `after`, paged by `listing`."""

    async def resolve(
        info: Info[Context, None],
        filter: Annotated[MapFilter | None, strawberry.argument(description=FILTER)] = None,
        first: First = None,
        after: After = None,
    ) -> Connection[N]:
        return await page_of(info, listing, cls, kind, filter, first, after)

    resolve.__annotations__["return"] = Connection[cls]  # type: ignore[valid-type]
    return strawberry.field(resolver=resolve, description=description)


@strawberry.type(description="Reading the data map.")
class ReadQuery:
    systems: Connection[System] = list_field(
        lists.SYSTEMS, System, "systems", "Systems, by name. Every filter applies."
    )
    organisations: Connection[Organisation] = list_field(
        lists.ORGANISATIONS,
        Organisation,
        "organisations",
        "Every organisation (Preemptly, its vendors, its customers), by legal name. "
        "Every filter applies; `role` and `kind` narrow by role and kind.",
    )
    processors: Connection[Organisation] = list_field(
        lists.PROCESSORS,
        Organisation,
        "processors",
        "The map's processors and sub-processors: organisations other than the map's "
        "owner engaged, or operating a system, as PROCESSOR or SUB_PROCESSOR; by legal name. "
        "Every filter applies.",
    )
    data_categories: Connection[DataCategory] = list_field(
        lists.DATA_CATEGORIES,
        DataCategory,
        "dataCategories",
        "Data categories, by key. Filters: search, country, category, subject, "
        "organisation, specialCategories.",
    )
    data_subjects: Connection[DataSubject] = list_field(
        lists.DATA_SUBJECTS,
        DataSubject,
        "dataSubjects",
        "Data-subject kinds, by key. Filters: search, country, category, subject, "
        "organisation, specialCategories.",
    )
    processing_activities: Connection[ProcessingActivity] = list_field(
        lists.PROCESSING_ACTIVITIES,
        ProcessingActivity,
        "processingActivities",
        "Processing activities, by name. Filters: search, country, category, "
        "subject, organisation, role, specialCategories.",
    )
    countries: Connection[Country] = list_field(
        lists.COUNTRIES, Country, "countries", "Countries, by code. Filters: search, country, eea."
    )

    @strawberry.field(description="The system; NOT_FOUND when it names none.")
    async def system(
        self,
        info: Info[Context, None],
        id: Annotated[strawberry.ID, strawberry.argument(description=LOOKUP)],
    ) -> System:
        return await lookup(info, System, id, "id")

    @strawberry.field(description="The organisation; NOT_FOUND when it names none.")
    async def organisation(
        self,
        info: Info[Context, None],
        id: Annotated[strawberry.ID, strawberry.argument(description=LOOKUP)],
    ) -> Organisation:
        return await lookup(info, Organisation, id, "id")

    @strawberry.field(description="The country; NOT_FOUND when it names none.")
    async def country(
        self,
        info: Info[Context, None],
        code: Annotated[
            str,
            strawberry.argument(
                description="An ISO 3166-1 alpha-2 code in any case, or the country's global id."
            ),
        ],
    ) -> Country:
        return await lookup(
            info, Country, country_code(key_of(code, "Country", field="code")), "code"
        )

    @strawberry.field(description="The data category; NOT_FOUND when it names none.")
    async def data_category(
        self,
        info: Info[Context, None],
        key: Annotated[
            str,
            strawberry.argument(description="A key such as `user.contact`, or the global id."),
        ],
    ) -> DataCategory:
        return await lookup(info, DataCategory, key, "key")

    @strawberry.field(
        description="The data subject kind, such as `customer`; NOT_FOUND when it names none."
    )
    async def data_subject(
        self,
        info: Info[Context, None],
        key: Annotated[str, strawberry.argument(description=LOOKUP)],
    ) -> DataSubject:
        return await lookup(info, DataSubject, key, "key")

    @strawberry.field(
        description="The node with this global id (any `Node`, flows and engagements included); "
        "NOT_FOUND when it names none."
    )
    async def node(
        self,
        info: Info[Context, None],
        id: Annotated[strawberry.ID, strawberry.argument(description="A global id (`Node.id`).")],
    ) -> Node:
        kind, _ = global_id.decode(id, frozenset(NODE_TYPES))
        return await lookup(info, NODE_TYPES[kind], id, "id")

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
