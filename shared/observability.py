"""Powertools Logger, Tracer and Metrics, shared by every module of a function.

The service name comes from POWERTOOLS_SERVICE_NAME (one per function in template.yaml), the log
level from POWERTOOLS_LOG_LEVEL, the metrics namespace from POWERTOOLS_METRICS_NAMESPACE.
"""

from __future__ import annotations

import os

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit

_SERVICE = os.environ.get("POWERTOOLS_SERVICE_NAME", "bookstore")

logger = Logger(service=_SERVICE, use_rfc3339=True)
tracer = Tracer(service=_SERVICE)
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
