"""JSON request bodies, read the same way by every function (wired in by `create_app`).

- A body without a Content-Type is read as JSON (SAM's generated events and many clients send none).
- A body with any other media type than JSON, on a route that reads a body, is a 415.
- A body Python's JSON decoder gives up on (not UTF-8, nested past the recursion limit, an integer
  past the digit limit) is the 422 `json_invalid` that any malformed JSON gets, not FastAPI's 400.
- A string or key anywhere in the body with a NUL or a lone surrogate (`\\u0000`, `\\ud800`: JSON
  escapes spell both, PostgreSQL stores neither) is a 422 naming where it is
  (`shared.http.input_guard`).
"""

from __future__ import annotations

from collections import deque
from typing import Any

from fastapi import Request
from fastapi.params import Form
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException

from shared.errors import InvalidInputError, UnsupportedMediaTypeError
from shared.http.input_guard import text_error, text_refusal

JSON_BODY_RULE = (
    "Request bodies are JSON in UTF-8. A body sent without a `Content-Type` header is read as "
    "JSON; a body sent with any other media type than `Content-Type: application/json` "
    "(parameters such as `charset` are allowed, and so is `application/*+json`) is refused with "
    "415 `UNSUPPORTED_MEDIA_TYPE`. No string or key of a body may hold a NUL character or a lone "
    "surrogate (422 `VALIDATION_ERROR`, naming the field)."
)
UNSUPPORTED_MEDIA_TYPE_RESPONSE: dict[str, Any] = {
    "description": "The body is not sent as `Content-Type: application/json`",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}},
}
# FastAPI's detail for any body-reading failure other than a JSONDecodeError.
_FASTAPI_BODY_PARSE_DETAIL = "There was an error parsing the body"


def is_json_media_type(content_type: str) -> bool:
    """`application/json` or `application/*+json`, in any case, with any parameters."""
    # Split by hand: this runs on every request with a body; email.message would parse it all.
    media_type = content_type.split(";", 1)[0].strip().lower()
    main_type, _, subtype = media_type.partition("/")
    return main_type == "application" and (subtype == "json" or subtype.endswith("+json"))


async def require_json_content_type(request: Request) -> None:
    """An app-wide dependency: it runs after FastAPI has read the body and before the body is
    validated, any other dependency runs or a session opens, so a refusal writes nothing.

    It also refuses text no column can store anywhere in the decoded body (see the module)."""
    if not (_reads_json_body(request) and await request.body()):
        return
    content_type = request.headers.get("content-type")
    if content_type and not is_json_media_type(content_type):
        raise UnsupportedMediaTypeError()
    # FastAPI decoded the body already: this is its cached result, not a second decoding.
    if (error := _unstorable_text(await request.json())) is not None:
        raise InvalidInputError.of([error])


def _unstorable_text(document: Any) -> dict[str, Any] | None:
    """The error for the first string or key that cannot be stored, or None. Iterative: a body
    nested nearly as deep as the decoder allows would overflow a recursive walk."""
    pending: deque[tuple[Any, tuple[str | int, ...]]] = deque([(document, ("body",))])
    while pending:
        value, location = pending.popleft()
        if isinstance(value, str):
            if reason := text_refusal(value):
                return text_error(location, reason)
        elif isinstance(value, dict):
            for key, item in value.items():
                if reason := text_refusal(key):
                    # The location never holds the key itself: it cannot be written out.
                    return text_error(location, reason)
                pending.append((item, (*location, key)))
        elif isinstance(value, list):
            pending.extend((item, (*location, index)) for index, item in enumerate(value))
    return None


def _reads_json_body(request: Request) -> bool:
    route = request.scope.get("route")
    return (
        isinstance(route, APIRoute)
        and route.body_field is not None
        and not isinstance(route.body_field.field_info, Form)
    )


def undecodable_body_error(error: HTTPException) -> InvalidInputError | None:
    """The 422 for FastAPI's 400 on a body that `json.loads` raised on with something other than
    a JSONDecodeError; None for every other HTTPException, which keeps its own status."""
    cause = error.__cause__
    if (
        error.status_code != 400
        or error.detail != _FASTAPI_BODY_PARSE_DETAIL
        or not isinstance(cause, ValueError | RecursionError)
    ):
        return None
    location: tuple[str, int] | tuple[str] = ("body",)
    reason = "The body cannot be decoded as JSON"
    if isinstance(cause, UnicodeDecodeError):
        location = ("body", cause.start)
        reason = "The body is not valid UTF-8"
    elif isinstance(cause, RecursionError):
        reason = "The body is nested too deeply"
    return InvalidInputError.of(
        [
            {
                "type": "json_invalid",
                "loc": location,
                "msg": "JSON decode error",
                "ctx": {"error": reason},
            }
        ]
    )


def document_unsupported_media_type(openapi: dict[str, Any]) -> None:
    """Adds the 415 to every operation of an OpenAPI document that takes a JSON body."""
    for path_item in openapi.get("paths", {}).values():
        for operation in path_item.values():
            content = operation.get("requestBody", {}).get("content", {})
            if "application/json" in content:
                operation["responses"].setdefault("415", UNSUPPORTED_MEDIA_TYPE_RESPONSE)
