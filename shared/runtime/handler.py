"""Turns a FastAPI app into a Lambda handler: Mangum, the log context, one event loop per process."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any, cast

from mangum import Mangum

from shared.errors import validation_error_body
from shared.observability.log import logger
from shared.observability.tracing import traced
from shared.runtime.deadline import invocation_deadline
from shared.runtime.snapstart import register_snapstart_hooks
from shared.settings import get_settings

LambdaHandler = Callable[[dict[str, Any], Any], dict[str, Any]]

_process_loop: asyncio.AbstractEventLoop | None = None


def process_event_loop() -> asyncio.AbstractEventLoop:
    """The one loop of this process. Pooled connections are bound to it, so every request must run
    on it; a second loop (asyncio.run) would fail with "attached to a different loop"."""
    global _process_loop
    if _process_loop is None or _process_loop.is_closed():
        _process_loop = asyncio.new_event_loop()
    asyncio.set_event_loop(_process_loop)
    return _process_loop


def create_handler(app: Any) -> LambdaHandler:
    # lifespan="off": Mangum would run startup and shutdown around every single invocation.
    process_event_loop()
    asgi_handler = Mangum(app, lifespan="off")

    @logger.inject_lambda_context(clear_state=True)
    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        # Something else in the process (a test, Alembic's asyncio.run) may have swapped the
        # current loop out; Mangum runs on whatever is current.
        process_event_loop()
        remaining = getattr(context, "get_remaining_time_in_millis", None)
        try:
            if remaining is None:
                return dict(asgi_handler(event, context))
            reserve = get_settings().invocation_reserve_seconds
            with invocation_deadline(remaining() / 1000, reserve):
                return dict(asgi_handler(event, context))
        except UnicodeEncodeError:
            # Text no HTTP request can carry (a lone surrogate in a header or the query string)
            # fails in Mangum, before the app could answer: the client's 422, not our 502.
            return _undecodable_request()

    traced_handler = traced(cast(LambdaHandler, handler))
    register_snapstart_hooks(traced_handler, run_on_process_loop)
    return traced_handler


def _undecodable_request() -> dict[str, Any]:
    body = validation_error_body(
        [{"type": "text", "loc": ["request"], "msg": "The request holds text that is not Unicode"}]
    )
    return {
        "statusCode": 422,
        "headers": {"content-type": "application/json"},
        "body": json.dumps(body),
        "isBase64Encoded": False,
    }


def run_on_process_loop[T](awaitable: Awaitable[T]) -> T:
    return process_event_loop().run_until_complete(awaitable)
