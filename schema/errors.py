"""Every error leaves with a stable `extensions.code`; an unexpected one is masked, logged with a
request id, and the client gets that id instead of a stack trace or Cypher."""

import logging
import uuid

from graphql.error import GraphQLError
from neo4j.exceptions import ClientError, ServiceUnavailable, SessionExpired, TransientError
from strawberry.extensions import MaskErrors

from resolvers.errors import DatamapError, Timeout, Unavailable

logger = logging.getLogger("datamap.errors")

TIMEOUT_CODES = frozenset(
    {
        "Neo.ClientError.Transaction.TransactionTimedOut",
        "Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration",
        "Neo.TransientError.Transaction.LockClientStopped",
    }
)


def domain_error(original: BaseException | None) -> DatamapError | None:
    """The coded error an exception stands for, or None when it is unexpected."""
    if isinstance(original, DatamapError):
        return original
    if isinstance(original, ClientError | TransientError) and original.code in TIMEOUT_CODES:
        return Timeout("the query took longer than the configured transaction timeout")
    if isinstance(original, ServiceUnavailable | SessionExpired | ConnectionError):
        return Unavailable("the graph database is unavailable; try again shortly")
    return None


class CodedErrors(MaskErrors):
    def __init__(self) -> None:
        super().__init__(error_message="Internal error.")

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        return [self._coded(error) for error in errors]

    def _coded(self, error: GraphQLError) -> GraphQLError:
        if error.original_error is None:
            return self._with(error, error.message, {"code": "BAD_USER_INPUT"})
        known = domain_error(error.original_error)
        if known is not None:
            extensions: dict[str, object] = {"code": known.code}
            if known.field is not None:
                extensions["field"] = known.field
            return self._with(error, known.message, extensions)
        request_id = uuid.uuid4().hex
        logger.error("internal error, request id %s", request_id, exc_info=error.original_error)
        return self._with(error, self.error_message, {"code": "INTERNAL", "requestId": request_id})

    @staticmethod
    def _with(error: GraphQLError, message: str, extensions: dict[str, object]) -> GraphQLError:
        return GraphQLError(
            message=message,
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            original_error=None,
            extensions={**(error.extensions or {}), **extensions},
        )
