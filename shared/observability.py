"""Powertools Logger, Tracer and Metrics, shared by every module of a function.

The service name comes from POWERTOOLS_SERVICE_NAME (one per function in template.yaml), the log
level from POWERTOOLS_LOG_LEVEL, the metrics namespace from POWERTOOLS_METRICS_NAMESPACE.

The Tracer is built only when X-Ray SDK tracing is on (POWERTOOLS_TRACE_DISABLED not true):
importing the X-Ray SDK pulls in botocore and costs more cold start than the whole API.
Lambda's own active tracing (template.yaml) records each invocation without it.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, cast

from aws_lambda_powertools import Logger, Metrics

_SERVICE = os.environ.get("POWERTOOLS_SERVICE_NAME", "bookstore")

logger = Logger(service=_SERVICE, use_rfc3339=True)
metrics = Metrics(
    service=_SERVICE, namespace=os.environ.get("POWERTOOLS_METRICS_NAMESPACE", "Bookstore")
)

SERVER_ERRORS_METRIC = "ServerErrors"
_NAMESPACE = os.environ.get("POWERTOOLS_METRICS_NAMESPACE", "Bookstore")
_ACCESS_LOGGER = logging.getLogger(logger.name)
_cold_start = True


def count_next_request_as_cold_start() -> None:
    """After a SnapStart restore, the next request is this environment's first."""
    global _cold_start
    _cold_start = True


def log_request_served(
    *,
    method: str,
    path: str,
    status: int,
    duration_ms: float,
    request_id: str,
    lambda_context: Any,
) -> None:
    """The request's one line: its access-log entry and its metrics in CloudWatch's embedded
    metric format, written straight to stdout as Powertools' own lines are.

    ServerErrors is 1 for a 5xx and 0 otherwise (Sum counts errors, Average is the rate; Mangum
    turns exceptions into responses, so Lambda's own Errors metric never sees them); ColdStart is
    on an environment's first request. Built by hand rather than with Powertools' logger and
    metrics flush, which cost about ten times as much, on every request. Metrics are written at
    any log level; the access fields from INFO.
    """
    global _cold_start
    metrics: list[dict[str, str]] = [{"Name": SERVER_ERRORS_METRIC, "Unit": "Count"}]
    now = time.time()
    line: dict[str, Any] = {
        "_aws": {
            "Timestamp": int(now * 1000),
            "CloudWatchMetrics": [
                {"Namespace": _NAMESPACE, "Dimensions": [["service"]], "Metrics": metrics}
            ],
        },
        "service": _SERVICE,
        SERVER_ERRORS_METRIC: 1 if status >= 500 else 0,
    }
    if _cold_start:
        _cold_start = False
        metrics.append({"Name": "ColdStart", "Unit": "Count"})
        line["ColdStart"] = 1
    if _ACCESS_LOGGER.isEnabledFor(logging.INFO):
        line |= {
            "level": "INFO",
            "message": "request served",
            "timestamp": datetime.fromtimestamp(now, UTC).isoformat(timespec="milliseconds"),
            "correlation_id": request_id,
            "function_request_id": getattr(lambda_context, "aws_request_id", None),
            "method": method,
            "path": path,
            "status": status,
            "duration_ms": round(duration_ms, 3),
        }
    sys.stdout.write(json.dumps(line, separators=(",", ":")) + "\n")


def sdk_tracing_enabled() -> bool:
    return os.environ.get("POWERTOOLS_TRACE_DISABLED", "false").lower() not in {"1", "true"}


def traced[F: Callable[..., Any]](handler: F) -> F:
    """The handler inside a Powertools Tracer segment when SDK tracing is on, else unchanged."""
    if not sdk_tracing_enabled():
        return handler
    from aws_lambda_powertools import Tracer

    tracer = Tracer(service=_SERVICE)
    return cast(F, tracer.capture_lambda_handler(capture_response=False)(handler))
