import json
from typing import Any

from cross_web import HTTPException
from fastapi import Request
from fastapi.responses import HTMLResponse
from starlette.responses import JSONResponse
from strawberry.fastapi import GraphQLRouter
from strawberry.http import GraphQLHTTPResponse, process_result
from strawberry.types import ExecutionResult
from strawberry.types.unset import UNSET

from app.pages import graphiql_page
from schema.errors import coded, new_request_id


def refusal(message: str, **extensions: object) -> dict[str, Any]:
    """A response body that refuses the whole request with one coded error."""
    return {"data": None, "errors": [{"message": message, "extensions": extensions}]}


class CodedGraphQLRouter(GraphQLRouter[Any, None]):
    """The GraphQL endpoint; every error it returns carries a code: parse and validation errors,
    and the HTTP-level ones strawberry answers in plain text (a body that is not JSON, no query,
    too many batched operations, an unknown operationName, a mutation over GET, an unsupported
    content type). A response over `max_response_bytes` is replaced by an error naming the
    limit. Its GraphiQL page loads the IDE from this service (app/static), not from a CDN."""

    def __init__(
        self, *args: Any, hide_suggestions: bool, max_response_bytes: int, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.hide_suggestions = hide_suggestions
        self.max_response_bytes = max_response_bytes

    async def run(self, request: Any, context: Any = UNSET, root_value: Any = UNSET) -> Any:
        try:
            return await super().run(request, context=context, root_value=root_value)
        except HTTPException as error:
            return JSONResponse(
                refusal(error.reason, code="BAD_USER_INPUT", field="request"),
                status_code=error.status_code,
            )

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

    def encode_json(self, data: object) -> str:
        encoded = json.dumps(data, separators=(",", ":"))
        if len(encoded) <= self.max_response_bytes:
            return encoded
        return json.dumps(
            refusal(
                f"the response is over {self.max_response_bytes} bytes "
                "(DATAMAP_MAX_RESPONSE_BYTES); ask for fewer rows with `first`",
                code="BAD_USER_INPUT",
                limit="DATAMAP_MAX_RESPONSE_BYTES",
            )
        )
