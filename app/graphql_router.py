from typing import Any

from fastapi import Request
from strawberry.fastapi import GraphQLRouter
from strawberry.http import GraphQLHTTPResponse, process_result
from strawberry.types import ExecutionResult

from schema.errors import coded, new_request_id


class CodedGraphQLRouter(GraphQLRouter[Any, None]):
    """The GraphQL endpoint; every error it returns, parse errors included, carries a code."""

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
