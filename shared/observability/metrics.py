"""Metrics as log lines in CloudWatch's embedded metric format, written by hand: Powertools'
Metrics would import Powertools, and in Lambda botocore with it, at every cold start. The
namespace comes from POWERTOOLS_METRICS_NAMESPACE, the variable Powertools reads.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from collections.abc import Mapping
from typing import Any

from shared.observability.log import logger
from shared.settings import env_flag

SERVER_ERRORS_METRIC = "ServerErrors"
_NAMESPACE = os.environ.get("POWERTOOLS_METRICS_NAMESPACE", "Bookstore")
_ACCESS_LOGGER = logging.getLogger(logger.name)
# One encoder for every line: json.dumps with options builds a new one per call.
_LINE_JSON = json.JSONEncoder(separators=(",", ":"))


def log_request_served(
    *,
    method: str,
    path: str,
    status: int,
    duration_ms: float,
) -> None:
    """The request's one line: its access-log entry and its metrics in CloudWatch's embedded
    metric format, with the keys of the logger's own lines (`JsonLineFormatter.line`: the
    invocation's Lambda context among them), written straight to stdout as those are.

    ServerErrors is 1 for a 5xx and 0 otherwise (Sum counts errors, Average is the rate; Mangum
    turns exceptions into responses, so Lambda's own Errors metric never sees them); ColdStart is
    on an environment's first request (as the logger counts invocations). Built by hand rather
    than through a logger and a metrics flush, which cost several times as much on every request
    (bench/RESULTS.md). Metrics are written at any log level; the access fields from INFO.
    """
    metrics: list[dict[str, str]] = [{"Name": SERVER_ERRORS_METRIC, "Unit": "Count"}]
    now = time.time()
    measured: dict[str, Any] = {
        "_aws": _metric_directive(now, metrics),
        SERVER_ERRORS_METRIC: 1 if status >= 500 else 0,
    }
    if logger.in_cold_start:
        metrics.append({"Name": "ColdStart", "Unit": "Count"})
        measured["ColdStart"] = 1
    if not _ACCESS_LOGGER.isEnabledFor(logging.INFO):
        line = {"service": logger.name, **measured}
    else:
        # The correlation id, the request's, is the invocation's (set by the edge middleware).
        access = {
            "method": method,
            "path": path,
            "status": status,
            "duration_ms": round(duration_ms, 3),
        }
        line = logger.formatter.line("INFO", "request served", now, {**measured, **access})
    sys.stdout.write(_LINE_JSON.encode(line) + "\n")


def emit_metrics(
    values: Mapping[str, float],
    *,
    units: Mapping[str, str] | None = None,
    dimensions: Mapping[str, str] | None = None,
) -> None:
    """One line of metrics (unit Count unless `units` says otherwise) under the service
    dimension, plus `dimensions` when given, unless POWERTOOLS_METRICS_DISABLED (the local runner
    sets it: such lines mean nothing on a laptop). The request line above is the access log too,
    so it is written either way."""
    if env_flag("POWERTOOLS_METRICS_DISABLED"):
        return
    units = units or {}
    extra = dict(dimensions or {})
    metrics = [{"Name": name, "Unit": units.get(name, "Count")} for name in values]
    line = {
        "_aws": _metric_directive(time.time(), metrics, ["service", *extra]),
        "service": logger.name,
        **extra,
        **values,
    }
    sys.stdout.write(_LINE_JSON.encode(line) + "\n")


def _metric_directive(
    now: float, metrics: list[dict[str, str]], dimensions: list[str] | None = None
) -> dict[str, Any]:
    """The `_aws` member that makes a log line metrics in CloudWatch's embedded metric format."""
    return {
        "Timestamp": int(now * 1000),
        "CloudWatchMetrics": [
            {
                "Namespace": _NAMESPACE,
                "Dimensions": [dimensions or ["service"]],
                "Metrics": metrics,
            }
        ],
    }
