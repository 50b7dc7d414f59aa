import json
from typing import Any

from cross_web import HTTPException
from fastapi import Request
from fastapi.responses import HTMLResponse
from starlette.responses import JSONResponse
from strawberry.fastapi import GraphQLRouter
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData, process_result
from strawberry.types import ExecutionResult
from strawberry.types.unset import UNSET

from app.pages import graphiql_page
from schema.errors import coded, new_request_id


def refusal(message: str, **extensions: object) -> dict[str, Any]:
    """A response body that refuses the whole request with one coded error."""
    return {"data": None, "errors": [{"message": message, "extensions": extensions}]}


def reads_only(request_data: GraphQLRequestData | list[GraphQLRequestData]) -> bool:
    """Whether the request's documents can hold only queries, served over plain HTTP: a mutation
    or subscription operation is written with its keyword, so a text without either has none."""
    batch = request_data if isinstance(request_data, list) else [request_data]
    return all(
        data.protocol == "http"
        and data.query is not None
        and "mutation" not in data.query
        and "subscription" not in data.query
        for data in batch
    )


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

    async def execute_operation(
        self,
        request: Any,
        request_adapter: Any,
        request_data: Any,
        context: Any,
        root_value: Any,
        sub_response: Any,
    ) -> Any:
        """Runs the operations once the request's principal is confirmed for any that may
        write (a mutation or subscription is named in its text), and answers once it is for all:
        a read may run while the revocation check does, but nothing leaves for a revoked key
        (Unauthenticated: 401)."""
        confirm = getattr(context, "confirm", None)
        if confirm is not None and not reads_only(request_data):
            await confirm()
        result = await super().execute_operation(
            request, request_adapter, request_data, context, root_value, sub_response
        )
        if confirm is not None:
            await confirm()
        return result

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
