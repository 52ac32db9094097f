"""A Lambda handler behind a WSGI interface, so that tools which speak WSGI (schemathesis'
in-process transport) reach the real handler with API Gateway HTTP API events, as API Gateway would.

Only the transport changes: each WSGI request becomes one payload-2.0 event (`bookstore.events`),
and the handler's answer becomes the WSGI response, headers and body untouched.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import Any

from bookstore.events import http_api_event
from bookstore.lambda_context import LocalLambdaContext
from shared.runtime.handler import LambdaHandler

StartResponse = Callable[[str, list[tuple[str, str]]], Any]

# WSGI keeps these two headers out of the HTTP_ keys.
_UNPREFIXED_HEADERS = {"CONTENT_TYPE": "content-type", "CONTENT_LENGTH": "content-length"}


class LambdaWsgiApp:
    def __init__(self, handler: LambdaHandler) -> None:
        self.handler = handler

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        event = http_api_event(
            environ["REQUEST_METHOD"],
            _wsgi_text(environ.get("PATH_INFO", "")) or "/",
            query=_wsgi_text(environ.get("QUERY_STRING", "")),
            headers=_request_headers(environ),
            body=_request_body(environ),
        )
        answer = self.handler(event, LocalLambdaContext())
        status = int(answer["statusCode"])
        start_response(f"{status} {_reason(status)}", _response_headers(answer))
        body = answer.get("body") or ""
        return [base64.b64decode(body) if answer.get("isBase64Encoded") else body.encode()]


def _wsgi_text(value: str) -> str:
    # WSGI hands over the bytes of the URL as latin-1 text; API Gateway hands over UTF-8 text.
    return value.encode("latin-1").decode("utf-8", "replace")


def _request_headers(environ: dict[str, Any]) -> dict[str, str]:
    headers: dict[str, str] = {}
    for key, value in environ.items():
        if key in _UNPREFIXED_HEADERS and value:
            headers[_UNPREFIXED_HEADERS[key]] = _wsgi_text(value)
        elif key.startswith("HTTP_"):
            headers[key.removeprefix("HTTP_").replace("_", "-").lower()] = _wsgi_text(value)
    return headers


def _request_body(environ: dict[str, Any]) -> bytes | None:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body: bytes = environ["wsgi.input"].read(length) if length else b""
    return body or None


def _response_headers(answer: dict[str, Any]) -> list[tuple[str, str]]:
    headers = [(name, str(value)) for name, value in (answer.get("headers") or {}).items()]
    for name, values in (answer.get("multiValueHeaders") or {}).items():
        headers.extend((name, str(value)) for value in values)
    headers.extend(("set-cookie", cookie) for cookie in answer.get("cookies") or [])
    return headers


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"
