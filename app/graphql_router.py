from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from strawberry.fastapi import GraphQLRouter
from strawberry.http import GraphQLHTTPResponse, process_result
from strawberry.types import ExecutionResult

from app.pages import graphiql_page
from schema.errors import coded, new_request_id


class CodedGraphQLRouter(GraphQLRouter[Any, None]):
    """The GraphQL endpoint; every error it returns, parse errors included, carries a code. Its
    GraphiQL page loads the IDE from this service (app/static), not from a CDN."""

    def __init__(self, *args: Any, hide_suggestions: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.hide_suggestions = hide_suggestions

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        if result.errors:
            request_id = new_request_id()
            result.errors = [
                coded(error, hide_suggestions=self.hide_suggestions, request_id=request_id)
                for error in result.errors
            ]
        return process_result(result)

    async def render_graphql_ide(self, request: Request) -> HTMLResponse:
        return graphiql_page()
