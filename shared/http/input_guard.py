"""Text PostgreSQL cannot store, refused at the edge with a 422 before any route, dependency or query
sees it: a NUL character anywhere (PostgreSQL text cannot hold one) and a lone surrogate (no UTF-8
spells one).

`refused_input` checks the path, the query string and the header values of every request (for
`shared.http.middleware.EdgeMiddleware`); `shared.http.json_body` checks every string and key of a JSON body
with `text_refusal`. Percent-escapes are decoded as the app decodes them, so `%00` is a NUL; bytes
that are no UTF-8 decode to U+FFFD, which is valid text and passes.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from starlette.types import Scope

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


def refused_input(scope: Scope) -> dict[str, Any] | None:
    """The error for text in the request's path, query string or headers that cannot be stored,
    else None."""
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
