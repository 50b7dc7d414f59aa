"""Every error leaves with a stable `extensions.code`; an unexpected one is masked, logged with a
request id, and the client gets that id instead of a stack trace or Cypher."""

import logging
import re
import uuid

from graphql.error import GraphQLError
from neo4j.exceptions import ClientError, TransientError

from graph.database import UNAVAILABLE_ERRORS
from resolvers.errors import DatamapError, Timeout, Unavailable, capped

logger = logging.getLogger("datamap.errors")

SUGGESTION = re.compile(r" Did you mean [^?]*\?")
INVALID_VARIABLE = re.compile(
    r"^Variable '\$(\w+)' has invalid value(?: at ((?:\.\w+|\[\d+\])+))?:"
)
INTERNAL_MESSAGE = "Internal error."
MAX_LOGGED_MESSAGE = 500
TIMEOUT_CODES = frozenset(
    {
        "Neo.ClientError.Transaction.TransactionTimedOut",
        "Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration",
        "Neo.TransientError.Transaction.LockClientStopped",
        "Neo.ClientError.Transaction.LockClientStopped",
    }
)


def domain_error(original: BaseException | None) -> DatamapError | None:
    """The coded error an exception stands for, or None when it is unexpected."""
    if isinstance(original, DatamapError):
        return original
    if isinstance(original, ClientError | TransientError) and original.code in TIMEOUT_CODES:
        return Timeout("the query took longer than the configured transaction timeout")
    if isinstance(original, UNAVAILABLE_ERRORS):
        return Unavailable("the graph database is unavailable; try again shortly")
    return None


QUIET_CODES = frozenset({"BAD_USER_INPUT", "NOT_FOUND"})
"""Refusals of what the client sent: logged at INFO. Other coded refusals (FORBIDDEN,
UNAUTHENTICATED, TIMEOUT, UNAVAILABLE) at WARNING; only an unexpected error at ERROR, by `coded`,
with its traceback and request id."""


def log_refusal(error: GraphQLError) -> None:
    """One line for an error the client gets a code for; nothing for an unexpected one, which
    `coded` logs with its traceback."""
    if error.original_error is None or isinstance(error.original_error, GraphQLError):
        code, field = "BAD_USER_INPUT", None
    else:
        known = domain_error(error.original_error)
        if known is None:
            return
        code, field = known.code, known.field
    path = ".".join(str(step) for step in error.path or ())
    logger.log(
        logging.INFO if code in QUIET_CODES else logging.WARNING,
        "refused %s%s%s: %s",
        code,
        f" field={field}" if field else "",
        f" path={path}" if path else "",
        error.message[:MAX_LOGGED_MESSAGE],
    )


def coded(error: GraphQLError, *, hide_suggestions: bool = False) -> GraphQLError:
    """`error` as the client may see it, with its `extensions.code`."""
    if error.original_error is None or isinstance(error.original_error, GraphQLError):
        return _bad_request(error, hide_suggestions)
    known = domain_error(error.original_error)
    if known is not None:
        extensions: dict[str, object] = {"code": known.code}
        if known.field is not None:
            extensions["field"] = known.field
        return _with(error, known.message, extensions)
    request_id = uuid.uuid4().hex
    logger.error("internal error, request id %s", request_id, exc_info=error.original_error)
    return _with(error, INTERNAL_MESSAGE, {"code": "INTERNAL", "requestId": request_id})


def _bad_request(error: GraphQLError, hide_suggestions: bool) -> GraphQLError:
    """A parse or validation error, or a variable value its type cannot take (graphql-core
    keeps the coercion error as the original; `field` is then the variable's path)."""
    message = SUGGESTION.sub("", error.message) if hide_suggestions else error.message
    extensions: dict[str, object] = {"code": "BAD_USER_INPUT"}
    invalid = INVALID_VARIABLE.match(error.message)
    if invalid is not None:
        extensions["field"] = invalid.group(1) + (invalid.group(2) or "")
    return _with(error, message, extensions)


def _with(error: GraphQLError, message: str, extensions: dict[str, object]) -> GraphQLError:
    return GraphQLError(
        message=capped(message),
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=None,
        extensions={**(error.extensions or {}), **extensions},
    )
