"""Relay connections: a page of a list with its cursors, page info and total count."""

from collections.abc import Callable, Mapping
from typing import Annotated, Any, Generic, TypeVar

import strawberry

from resolvers.read import pagination
from resolvers.read.service import Page

T = TypeVar("T")

FIRST = "How many rows to return; at most the server's maximum page size, which is the default."
AFTER = "The cursor of the row to continue after (`pageInfo.endCursor`)."
First = Annotated[int | None, strawberry.argument(description=FIRST)]
After = Annotated[str | None, strawberry.argument(description=AFTER)]


@strawberry.type(description="Where a page sits in its list.")
class PageInfo:
    has_next_page: bool = strawberry.field(description="Whether rows follow this page.")
    has_previous_page: bool = strawberry.field(description="Whether rows precede this page.")
    start_cursor: str | None = strawberry.field(description="The cursor of the first row.")
    end_cursor: str | None = strawberry.field(
        description="The cursor of the last row; pass it as `after` for the next page."
    )


@strawberry.type(description="A row of a page and its cursor.")
class Edge(Generic[T]):
    cursor: str = strawberry.field(description="An opaque cursor to pass as `after`.")
    node: T = strawberry.field(description="The row.")


@strawberry.type(description="A page of a list (Relay cursor connection).")
class Connection(Generic[T]):
    edges: list[Edge[T]] = strawberry.field(description="The rows of the page with cursors.")
    page_info: PageInfo = strawberry.field(description="Where the page sits in the list.")
    total_count: int = strawberry.field(description="How many rows match, over all pages.")

    @strawberry.field(description="The rows of the page without cursors.")
    def nodes(self) -> list[T]:
        return [edge.node for edge in self.edges]


def connection(page: Page, to_node: Callable[[Mapping[str, Any]], T]) -> Connection[T]:
    offset = page.window.offset
    info = pagination.page_info(page.window, len(page.rows), page.total)
    return Connection(
        edges=[
            Edge(cursor=pagination.encode_cursor(offset + index), node=to_node(row))
            for index, row in enumerate(page.rows)
        ],
        page_info=PageInfo(
            has_next_page=info.has_next_page,
            has_previous_page=info.has_previous_page,
            start_cursor=info.start_cursor,
            end_cursor=info.end_cursor,
        ),
        total_count=page.total,
    )
