"""Text PostgreSQL cannot store, refused at the edge with a 422 before any route, dependency or query
sees it: a NUL character anywhere (PostgreSQL text cannot hold one) and a lone surrogate (no UTF-8
spells one).

`InputGuardMiddleware` checks the path, the query string and the header values of every request;
`shared.json_body` checks every string and key of a JSON body with `text_refusal`. Percent-escapes
are decoded as the app decodes them, so `%00` is a NUL; bytes that are no UTF-8 decode to U+FFFD,
which is valid text and passes.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Receive, Scope, Send

from shared.errors import validation_error_body
from shared.middleware import send_json

NUL_MESSAGE = "Text may not contain NUL characters"
SURROGATE_MESSAGE = "Text must be valid Unicode"


def text_refusal(text: str) -> str | None:
    """Why `text` cannot be stored, or None when it can."""
    if "\x00" in text:
        return NUL_MESSAGE
    if text.isascii():
        return None
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return SURROGATE_MESSAGE
    return None


def text_error(location: tuple[str | int, ...], reason: str) -> dict[str, Any]:
    """The Pydantic-style error for refused text at `location` (which never holds the text)."""
    return {"type": "text", "loc": location, "msg": reason}


class InputGuardMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and (error := _refused_input(scope)) is not None:
            await send_json(send, 422, validation_error_body([error]))
            return
        await self.app(scope, receive, send)


def _refused_input(scope: Scope) -> dict[str, Any] | None:
    if reason := text_refusal(scope["path"]):
        return text_error(("path",), reason)
    query: bytes = scope.get("query_string") or b""
    # Only a NUL can come out of a query string: undecodable bytes become U+FFFD.
    if b"\x00" in query or b"%00" in query:
        for name, value in parse_qsl(query.decode("latin-1"), keep_blank_values=True):
            if reason := text_refusal(name):
                return text_error(("query",), reason)
            if reason := text_refusal(value):
                return text_error(("query", name), reason)
    for name, value in scope["headers"]:
        if b"\x00" in value:
            return text_error(("header", name.decode("latin-1")), NUL_MESSAGE)
    return None
