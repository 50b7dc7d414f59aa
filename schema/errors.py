"""Every error leaves with a stable `extensions.code`. A user error (the caller's input) is logged
as one line with the request's id, its code and field; a fault of the server, a value of its own
data that its type cannot serialise included, is INTERNAL: masked, logged with its traceback, and
the client gets the request id (`extensions.requestId`) instead of a stack trace or Cypher."""

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
QUIET_CODES = frozenset({"BAD_USER_INPUT", "NOT_FOUND"})
"""Refusals of what the client sent: logged at INFO. Other coded refusals (FORBIDDEN,
UNAUTHENTICATED, TIMEOUT, UNAVAILABLE) at WARNING; only a server fault at ERROR, with its
traceback."""
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


def new_request_id() -> str:
    return uuid.uuid4().hex


def coded(
    error: GraphQLError, *, hide_suggestions: bool = False, request_id: str | None = None
) -> GraphQLError:
    """`error` as the client may see it, with its `extensions.code`; `request_id` is the one of
    the request, in every log line and in an INTERNAL error's extensions."""
    request_id = request_id or new_request_id()
    original = error.original_error
    if original is None or isinstance(original, GraphQLError):
        if error.path is not None:
            return _internal(error, request_id, original or error)
        return _logged(_bad_request(error, hide_suggestions), request_id)
    known = domain_error(original)
    if known is None:
        return _internal(error, request_id, original)
    extensions: dict[str, object] = {"code": known.code}
    if known.code == "INTERNAL":
        logger.error("INTERNAL request %s: %s", request_id, known.message, exc_info=original)
        return _with(error, known.message, {**extensions, "requestId": request_id})
    if known.field is not None:
        extensions["field"] = known.field
    if known.suggestions and not hide_suggestions:
        extensions["suggestions"] = known.suggestions
    return _logged(_with(error, known.message, extensions), request_id)


def _internal(error: GraphQLError, request_id: str, cause: BaseException) -> GraphQLError:
    """A fault of the server: an unexpected exception, or an execution error graphql-core raised
    itself (a value of the server's data its type cannot serialise, a null for a non-null)."""
    logger.error(
        "INTERNAL request %s path %s: %s",
        request_id,
        ".".join(str(part) for part in error.path or ()),
        error.message,
        exc_info=cause,
    )
    return _with(error, INTERNAL_MESSAGE, {"code": "INTERNAL", "requestId": request_id})


def _logged(error: GraphQLError, request_id: str) -> GraphQLError:
    """Log a coded user error as one line: the request id, the code, the field, the message
    (its first `MAX_LOGGED_MESSAGE` characters), at INFO or WARNING (`QUIET_CODES`)."""
    extensions = error.extensions or {}
    code = extensions.get("code")
    logger.log(
        logging.INFO if code in QUIET_CODES else logging.WARNING,
        "%s request %s field %s: %s",
        code,
        request_id,
        extensions.get("field", "-"),
        error.message[:MAX_LOGGED_MESSAGE],
    )
    return error


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
