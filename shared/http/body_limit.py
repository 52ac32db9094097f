"""The cap on request bodies (`MAX_BODY_BYTES`), applied at the edge before anything reads them.

A body is refused from its Content-Length when it declares one, else while it is read, so a
large body costs neither its parsing nor the walk over its strings. Behind API Gateway the whole
body is in the event already: reading it here and handing the same messages on costs nothing.
"""

from __future__ import annotations

from collections import deque
from typing import Any

from starlette.types import Message, Receive, Scope

from shared.errors import PayloadTooLargeError

TOO_LARGE = PayloadTooLargeError()


def declared_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def read_within(receive: Receive, limit: int) -> deque[Message] | None:
    """The request's messages up to the end of its body; None once the body passes `limit`."""
    messages: deque[Message] = deque()
    size = 0
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            return messages
        size += len(message.get("body", b""))
        if size > limit:
            return None
        if not message.get("more_body", False):
            return messages


def replaying(messages: deque[Message], receive: Receive) -> Receive:
    """A `receive` that answers `messages` first, then whatever comes after them."""

    async def replay() -> Message:
        return messages.popleft() if messages else await receive()

    return replay


PAYLOAD_TOO_LARGE_RESPONSE: dict[str, Any] = {
    "description": "The body is larger than the API accepts (`PAYLOAD_TOO_LARGE`)",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}},
}


def document_payload_too_large(openapi: dict[str, Any]) -> None:
    """Adds the 413 to every operation of an OpenAPI document that takes a body."""
    for path_item in openapi.get("paths", {}).values():
        for operation in path_item.values():
            if "requestBody" in operation:
                operation["responses"].setdefault("413", PAYLOAD_TOO_LARGE_RESPONSE)
