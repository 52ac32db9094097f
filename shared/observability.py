"""Powertools Logger, Tracer and Metrics, shared by every module of a function.

The service name comes from POWERTOOLS_SERVICE_NAME (one per function in template.yaml), the log
level from POWERTOOLS_LOG_LEVEL, the metrics namespace from POWERTOOLS_METRICS_NAMESPACE.

The Tracer is built only when X-Ray SDK tracing is on (POWERTOOLS_TRACE_DISABLED not true):
importing the X-Ray SDK pulls in botocore and costs more cold start than the whole API.
Lambda's own active tracing (template.yaml) records each invocation without it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, cast

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit

_SERVICE = os.environ.get("POWERTOOLS_SERVICE_NAME", "bookstore")

logger = Logger(service=_SERVICE, use_rfc3339=True)
metrics = Metrics(
    service=_SERVICE, namespace=os.environ.get("POWERTOOLS_METRICS_NAMESPACE", "Bookstore")
)

SERVER_ERRORS_METRIC = "ServerErrors"


def record_response_status(status_code: int) -> None:
    """One data point per request, 1 for a 5xx and 0 otherwise: Sum counts errors, Average is the rate.

    Mangum turns exceptions into responses, so Lambda's own Errors metric never sees them.
    """
    metrics.add_metric(
        name=SERVER_ERRORS_METRIC, unit=MetricUnit.Count, value=1 if status_code >= 500 else 0
    )


def sdk_tracing_enabled() -> bool:
    return os.environ.get("POWERTOOLS_TRACE_DISABLED", "false").lower() not in {"1", "true"}


def traced[F: Callable[..., Any]](handler: F) -> F:
    """The handler inside a Powertools Tracer segment when SDK tracing is on, else unchanged."""
    if not sdk_tracing_enabled():
        return handler
    from aws_lambda_powertools import Tracer

    tracer = Tracer(service=_SERVICE)
    return cast(F, tracer.capture_lambda_handler(capture_response=False)(handler))
