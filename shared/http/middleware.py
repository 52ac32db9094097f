"""The edge of every request, one pure ASGI layer: its id and log line, refused text, the
invocation's deadline, and the last line of defence for errors.

One layer rather than one per concern: each ASGI layer is another call on the way in and another
wrapper around every message on the way out, and three of them cost a warm catalog page about a
tenth of its SQL. Each concern is still its own function (`request_id_of`, `refused_input` in
`shared.http.input_guard`, `read_within` in `shared.http.body_limit`, `log_request_served`,
`_answer_for_the_app`).
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from typing import Any

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.errors import AppError, ServiceUnavailableError, validation_error_body
from shared.http.body_limit import TOO_LARGE, declared_length, read_within, replaying
from shared.http.input_guard import refused_input
from shared.observability.log import logger
from shared.observability.metrics import log_request_served
from shared.runtime.deadline import seconds_left
from shared.settings import get_settings

REQUEST_ID_HEADER = "x-request-id"


def request_id_of(scope: Scope) -> str:
    """The API Gateway request id when running behind it, else a fresh one."""
    event = scope.get("aws.event") or {}
    request_id = (event.get("requestContext") or {}).get("requestId")
    return str(request_id) if request_id else str(uuid.uuid4())


class EdgeMiddleware:
    """In order, for every HTTP request:

    - tags every log line and the response (`x-request-id`) with the request id, and writes the
      request's line (access log and metrics) as its response starts;
    - answers 422 for text PostgreSQL cannot store, before any route sees it
      (`shared.http.input_guard`);
    - answers 413 for a body over `MAX_BODY_BYTES`, from its Content-Length or while reading it,
      before anything parses it (`shared.http.body_limit`);
    - answers for the app when it cannot: the generic 500 for an exception nothing handled, and a
      503 of our own for a request still running at the invocation's deadline (see
      `shared.runtime.deadline`), before Lambda's timeout would kill it mid-flight. Both are logged.

    Each database step keeps to its own budget; the deadline is the backstop for the sum of them
    (several slow statements in one request): the request is cancelled, and an open transaction
    rolls back with its connection, which is discarded. Exceptions are kept from Starlette's
    ServerErrorMiddleware, which would re-raise them.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        request_id = request_id_of(scope)
        logger.set_correlation_id(request_id)
        response_started = False

        async def send_with_request_id(message: Message) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
                MutableHeaders(scope=message)[REQUEST_ID_HEADER] = request_id
                log_request_served(
                    method=scope["method"],
                    path=scope["path"],
                    status=int(message["status"]),
                    duration_ms=(time.perf_counter() - started) * 1000,
                )
            await send(message)

        refusal = refused_input(scope)
        if refusal is not None:
            await _send_json(send_with_request_id, 422, validation_error_body([refusal]))
            return
        limit = get_settings().max_body_bytes
        declared = declared_length(scope)
        body = (
            None if declared is not None and declared > limit else await read_within(receive, limit)
        )
        if body is None:
            await _send_json(send_with_request_id, TOO_LARGE.status_code, TOO_LARGE.body())
            return
        left = seconds_left()
        budget = asyncio.timeout(None if left is None else max(left, 0))
        try:
            async with budget:
                await self.app(scope, replaying(body, receive), send_with_request_id)
        except Exception as error:
            out_of_time = isinstance(error, TimeoutError) and budget.expired()
            if out_of_time:
                logger.error("request cancelled at the invocation deadline", path=scope["path"])
            else:
                logger.exception("unhandled error")
            if response_started:
                raise
            await _answer_for_the_app(send_with_request_id, out_of_time=out_of_time)


async def _answer_for_the_app(send: Send, *, out_of_time: bool) -> None:
    if out_of_time:
        await _send_json(send, _OUT_OF_TIME.status_code, _OUT_OF_TIME.body(), _OUT_OF_TIME.headers)
    else:
        await _send_json(send, _INTERNAL_ERROR.status_code, _INTERNAL_ERROR.body())


_INTERNAL_ERROR = AppError()
_OUT_OF_TIME = ServiceUnavailableError(
    "The request ran out of time, try again shortly", code="SERVICE_UNAVAILABLE"
)


async def _send_json(
    send: Send, status: int, body: dict[str, Any], headers: dict[str, str] | None = None
) -> None:
    """A JSON answer on the bare ASGI `send`: the middleware answers where no route does."""
    payload = json.dumps(body).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(payload)).encode()),
                *(
                    (name.lower().encode(), value.encode())
                    for name, value in (headers or {}).items()
                ),
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})
