"""The process's logger: a structured JSON logger on the standard library's `logging`: one JSON object per line on
stdout, with the keys Powertools' Logger wrote, without importing Powertools (and, in Lambda,
botocore) at every cold start.

    logger.info("order placed", order_id=str(order.id))  # fields become top-level keys
    logger.set_correlation_id(request_id)

    @logger.inject_lambda_context(clear_state=True)
    def handler(event, context): ...
"""

from __future__ import annotations

import functools
import json
import logging
import os
import sys
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any, cast

_FIELDS = "structured_fields"
_COMPACT = (",", ":")


class StructuredLogger:
    """Keeps the keys of the current invocation (its Lambda context and correlation id) and logs
    through the standard logger named after the service."""

    def __init__(self, service: str, *, level: str | int = logging.INFO) -> None:
        self.name = service
        self._invocation: dict[str, Any] = {}
        self._cold_start = True
        self.formatter = JsonLineFormatter(service, self._invocation)
        self._logger = logging.getLogger(service)
        self._logger.setLevel(level.upper() if isinstance(level, str) else level)
        # Lambda's runtime has a handler of its own on the root logger: each line would be
        # written twice.
        self._logger.propagate = False
        if not any(isinstance(handler, StdoutHandler) for handler in self._logger.handlers):
            handler = StdoutHandler()
            handler.setFormatter(self.formatter)
            self._logger.addHandler(handler)

    def debug(self, message: str, **fields: Any) -> None:
        self._log(logging.DEBUG, message, fields)

    def info(self, message: str, **fields: Any) -> None:
        self._log(logging.INFO, message, fields)

    def warning(self, message: str, **fields: Any) -> None:
        self._log(logging.WARNING, message, fields)

    def error(self, message: str, **fields: Any) -> None:
        self._log(logging.ERROR, message, fields)

    def exception(self, message: str, **fields: Any) -> None:
        """An error with the exception being handled: its traceback and its class name."""
        self._log(logging.ERROR, message, fields, exc_info=True)

    def set_correlation_id(self, value: str | None) -> None:
        self._invocation["correlation_id"] = value

    @property
    def in_cold_start(self) -> bool:
        """Whether the current invocation is this environment's first."""
        return self._invocation.get("cold_start") is True

    def count_next_invocation_as_cold_start(self) -> None:
        """After a SnapStart restore, the next invocation is this environment's first."""
        self._cold_start = True

    def inject_lambda_context[H: Callable[..., Any]](
        self, *, clear_state: bool = False
    ) -> Callable[[H], H]:
        """A handler decorator: each line logged during the invocation carries its Lambda
        context. With `clear_state`, what the previous invocation set (a correlation id) is
        dropped first."""

        def decorate(handler: H) -> H:
            @functools.wraps(handler)
            def with_lambda_context(event: Any, context: Any, *args: Any, **kwargs: Any) -> Any:
                if clear_state:
                    self._invocation.clear()
                self._invocation.update(
                    cold_start=self._cold_start,
                    function_name=getattr(context, "function_name", None),
                    function_memory_size=getattr(context, "memory_limit_in_mb", None),
                    function_arn=getattr(context, "invoked_function_arn", None),
                    function_request_id=getattr(context, "aws_request_id", None),
                )
                self._cold_start = False
                return handler(event, context, *args, **kwargs)

            return cast(H, with_lambda_context)

        return decorate

    def _log(
        self, level: int, message: str, fields: dict[str, Any], *, exc_info: bool = False
    ) -> None:
        if self._logger.isEnabledFor(level):
            # stacklevel 3: the location is the caller of info() and the like, not this module.
            self._logger.log(
                level, message, exc_info=exc_info, extra={_FIELDS: fields}, stacklevel=3
            )


class JsonLineFormatter(logging.Formatter):
    """A record as one line of JSON, in the key order Powertools used; keys whose value is None
    are left out, as Powertools did."""

    def __init__(self, service: str, invocation: dict[str, Any]) -> None:
        super().__init__()
        self._service = service
        self._invocation = invocation

    def line(
        self,
        level: str,
        message: str,
        created: float,
        fields: Mapping[str, Any],
        *,
        location: str | None = None,
    ) -> dict[str, Any]:
        """The keys of every line, in order, then `fields`, without those whose value is None
        (as Powertools left them out): what a record is formatted into, and what a line written
        without the logging machinery (the request's access line) is."""
        line = {
            "level": level,
            "location": location,
            "message": message,
            "timestamp": datetime.fromtimestamp(created, UTC).isoformat(timespec="milliseconds"),
            "service": self._service,
            **self._invocation,
            "xray_trace_id": _xray_trace_id(),
            **fields,
        }
        return {key: value for key, value in line.items() if value is not None}

    def format(self, record: logging.LogRecord) -> str:
        line = self.line(
            record.levelname,
            record.getMessage(),
            record.created,
            getattr(record, _FIELDS, {}),
            location=f"{record.funcName}:{record.lineno}",
        )
        if record.exc_info and record.exc_info[0] is not None:
            line.setdefault("exception", self.formatException(record.exc_info))
            line.setdefault("exception_name", record.exc_info[0].__name__)
        try:
            return json.dumps(line, default=str, separators=_COMPACT)
        except (TypeError, ValueError):
            # A dict with keys JSON cannot hold, or a value that contains itself.
            return json.dumps(
                {key: _flat(value) for key, value in line.items()}, separators=_COMPACT
            )


class StdoutHandler(logging.Handler):
    """Writes to whatever `sys.stdout` is when a record comes (a test may have replaced it),
    which is where Lambda collects a function's log lines."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            stream = sys.stdout
            stream.write(self.format(record) + "\n")
            stream.flush()
        except Exception:
            self.handleError(record)


def _xray_trace_id() -> str | None:
    # Lambda sets the variable anew for every invocation.
    header = os.environ.get("_X_AMZN_TRACE_ID")
    return header.split(";")[0].removeprefix("Root=") if header else None


def _flat(value: Any) -> Any:
    return value if isinstance(value, str | int | float | bool) else str(value)


# The service name and level are the variables Powertools reads (one service per function in
# template.yaml), so a function that uses Powertools somewhere logs alike.
logger = StructuredLogger(
    os.environ.get("POWERTOOLS_SERVICE_NAME", "bookstore"),
    level=os.environ.get("POWERTOOLS_LOG_LEVEL", "INFO"),
)
