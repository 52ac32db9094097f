"""X-Ray tracing through Powertools' Tracer, only when SDK tracing is on.

The Tracer is built only when POWERTOOLS_TRACE_DISABLED is not true: importing the X-Ray SDK
pulls in botocore and costs more cold start than the whole API. Lambda's own active tracing
(template.yaml) records each invocation without it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from shared.observability.log import logger
from shared.settings import env_flag


def sdk_tracing_enabled() -> bool:
    return not env_flag("POWERTOOLS_TRACE_DISABLED")


def traced[F: Callable[..., Any]](handler: F) -> F:
    """The handler inside a Powertools Tracer segment when SDK tracing is on, else unchanged."""
    if not sdk_tracing_enabled():
        return handler
    from aws_lambda_powertools import Tracer

    tracer = Tracer(service=logger.name)
    return cast(F, tracer.capture_lambda_handler(capture_response=False)(handler))
