"""The log's one format, for datamap's own loggers and uvicorn's: every record is one line whatever
its message holds, because control characters from input (a newline, NUL, ESC) are escaped; a
traceback's own lines follow, each marked as a continuation, so no line can be forged."""

import logging
import re
from typing import Any

CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def escape(text: str) -> str:
    """`text` with every control character (and line or bidirectional override) as an escape."""
    return CONTROL.sub(lambda found: found.group().encode("unicode_escape").decode(), text)


class EscapingFormatter(logging.Formatter):
    def formatMessage(self, record: logging.LogRecord) -> str:
        return escape(super().formatMessage(record))

    def formatException(self, ei: Any) -> str:
        return "\n".join("  | " + escape(line) for line in super().formatException(ei).split("\n"))

    def formatStack(self, stack_info: str) -> str:
        return "\n".join("  | " + escape(line) for line in stack_info.split("\n"))


FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

LOG_CONFIG: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"escaped": {"()": EscapingFormatter, "format": FORMAT}},
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "formatter": "escaped",
            "stream": "ext://sys.stderr",
        }
    },
    "root": {"handlers": ["stderr"], "level": "INFO"},
    "loggers": {
        "uvicorn": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
        "uvicorn.error": {"level": "INFO"},
        "uvicorn.access": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
    },
}
"""`uvicorn.run(log_config=LOG_CONFIG)`: the same escaping handler for every logger."""
