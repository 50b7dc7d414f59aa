"""The log: one line per record whatever input it quotes, and refusals as one line at INFO or
WARNING without a traceback."""

import logging
import sys

import pytest

from app.log import LOG_CONFIG, EscapingFormatter
from resolvers.auth.principal import Role
from tests.conftest import GraphQL

FORGED = 'x\n127.0.0.1:1 - "GET /admin HTTP/1.1" 200\x00\x07\x1b[31m\u202e'


def formatted(message: str, *args: object, exc_info: bool = False) -> str:
    formatter = EscapingFormatter(LOG_CONFIG["formatters"]["escaped"]["format"])
    record = logging.LogRecord(
        "datamap", logging.INFO, __file__, 1, message, args, sys.exc_info() if exc_info else None
    )
    return formatter.format(record)


def test_control_characters_from_input_are_escaped_to_one_line() -> None:
    line = formatted("no system %s", FORGED)
    assert "\n" not in line and "\x00" not in line and "\x1b" not in line and "\u202e" not in line
    assert "\\n127.0.0.1:1" in line and "\\x00\\x07\\x1b" in line and "\\u202e" in line


def test_a_traceback_s_lines_are_marked_as_continuations() -> None:
    try:
        raise ValueError(FORGED)
    except ValueError:
        text = formatted("internal error", exc_info=True)
    head, *rest = text.split("\n")
    assert head.endswith("internal error")
    assert rest and all(line.startswith("  | ") for line in rest)


async def test_refusals_are_one_line_at_info_or_warning(
    graphql: GraphQL, api_keys: dict[Role, str], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):
        forbidden = await graphql(
            'mutation { revokeApiKey(id: "x") { id } }', key=api_keys[Role.VIEWER]
        )
        bad = await graphql('{ system(id: "t-none") { nope } }')
    assert forbidden["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert bad["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    refusals = [record for record in caplog.records if record.name.startswith("datamap")]
    levels = {record.getMessage().split()[0]: record.levelno for record in refusals}
    assert levels == {"FORBIDDEN": logging.WARNING, "BAD_USER_INPUT": logging.INFO}
    assert all(record.exc_info is None for record in caplog.records)
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]
