"""Pure ASGI middleware: request ids and log correlation, and the last line of defence for errors."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from typing import Any

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.deadline import seconds_left
from shared.errors import ServiceUnavailableError
from shared.observability import log_request_served, logger

REQUEST_ID_HEADER = "x-request-id"
INTERNAL_ERROR_BODY = {"detail": "Internal server error", "code": "INTERNAL_ERROR"}


def request_id_of(scope: Scope) -> str:
    """The API Gateway request id when running behind it, else a fresh one."""
    event = scope.get("aws.event") or {}
    request_id = (event.get("requestContext") or {}).get("requestId")
    return str(request_id) if request_id else str(uuid.uuid4())


class RequestContextMiddleware:
    """Tags every log line and the response with the request id, and writes the request's line
    (access log and metrics)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        request_id = request_id_of(scope)
        scope.setdefault("state", {})["request_id"] = request_id
        logger.set_correlation_id(request_id)

        async def send_with_request_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)[REQUEST_ID_HEADER] = request_id
                log_request_served(
                    method=scope["method"],
                    path=scope["path"],
                    status=int(message["status"]),
                    duration_ms=(time.perf_counter() - started) * 1000,
                    request_id=request_id,
                    lambda_context=scope.get("aws.context"),
                )
            await send(message)

        await self.app(scope, receive, send_with_request_id)


class FallbackResponseMiddleware:
    """Answers for the app when it cannot: the generic 500 for an exception nothing handled, and
    a 503 of our own for a request still running at the invocation's deadline (see
    `shared.deadline`), before Lambda's timeout would kill it mid-flight. Both are logged.

    Each database step keeps to its own budget; the deadline is the backstop for the sum of them
    (several slow statements in one request): the request is cancelled, and an open transaction
    rolls back with its connection, which is discarded. Sits inside the request-context
    middleware so these answers still get their request id and metrics, and keeps exceptions from
    Starlette's ServerErrorMiddleware, which would re-raise them.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        response_started = False

        async def tracking_send(message: Message) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        left = seconds_left()
        budget = asyncio.timeout(None if left is None else max(left, 0))
        try:
            async with budget:
                await self.app(scope, receive, tracking_send)
        except Exception as error:
            out_of_time = isinstance(error, TimeoutError) and budget.expired()
            if out_of_time:
                logger.error("request cancelled at the invocation deadline", path=scope["path"])
            else:
                logger.exception("unhandled error")
            if response_started:
                raise
            if out_of_time:
                await send_json(
                    send, _OUT_OF_TIME.status_code, _OUT_OF_TIME.body(), _OUT_OF_TIME.headers
                )
            else:
                await send_json(send, 500, INTERNAL_ERROR_BODY)


_OUT_OF_TIME = ServiceUnavailableError(
    "The request ran out of time, try again shortly", code="SERVICE_UNAVAILABLE"
)


async def send_json(
    send: Send, status: int, body: dict[str, Any], headers: dict[str, str] | None = None
) -> None:
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
