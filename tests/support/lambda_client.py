"""Calls a real Lambda handler with API Gateway or function URL events, the way they would."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any

from bookstore.events import Query, function_url_event, http_api_event, rest_api_event
from bookstore.lambda_context import LocalLambdaContext
from shared.runtime.handler import LambdaHandler

PAYLOAD_VERSIONS = ("2.0", "1.0", "function-url")


@dataclass
class LambdaResponse:
    status_code: int
    headers: dict[str, str]
    body: str

    def json(self) -> Any:
        return json.loads(self.body)


def invoke(
    handler: LambdaHandler, event: dict[str, Any], *, timeout_seconds: float | None = None
) -> LambdaResponse:
    context = (
        LocalLambdaContext()
        if timeout_seconds is None
        else LocalLambdaContext(timeout_seconds=timeout_seconds)
    )
    raw = handler(event, context)
    body = raw.get("body") or ""
    if raw.get("isBase64Encoded"):
        body = base64.b64decode(body).decode()
    headers = {name.lower(): value for name, value in (raw.get("headers") or {}).items()}
    for name, values in (raw.get("multiValueHeaders") or {}).items():
        headers[name.lower()] = ",".join(values)
    return LambdaResponse(status_code=raw["statusCode"], headers=headers, body=body)


class LambdaClient:
    def __init__(
        self,
        handler: LambdaHandler,
        *,
        payload_version: str = "2.0",
        timeout_seconds: float | None = None,
    ) -> None:
        """`payload_version`: "2.0" (HTTP API), "1.0" (REST API) or "function-url".
        `timeout_seconds`: the function timeout each invocation's context reports."""
        if payload_version not in PAYLOAD_VERSIONS:
            raise ValueError(f"payload_version must be one of {PAYLOAD_VERSIONS}")
        self.handler = handler
        self.payload_version = payload_version
        self.timeout_seconds = timeout_seconds

    def request(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        raw_body: str | None = None,
        query: Query | None = None,
        headers: dict[str, str] | None = None,
        token: str | None = None,
        base64_body: bool = False,
    ) -> LambdaResponse:
        """`query`: a list of values for a parameter given several times. `base64_body`: send the
        body base64-encoded (`isBase64Encoded`); a function URL also does so by itself for any
        body that is not sent as text."""
        headers = dict(headers or {})
        body = raw_body
        if json_body is not None:
            body = json.dumps(json_body)
            headers.setdefault("content-type", "application/json")
        if token is not None:
            headers["authorization"] = f"Bearer {token}"
        if self.payload_version == "1.0":
            event = rest_api_event(
                method, path, query=query, headers=headers, body=body, base64_body=base64_body
            )
        elif self.payload_version == "function-url":
            event = function_url_event(
                method,
                path,
                query=query,
                headers=headers,
                body=body,
                base64_body=base64_body or None,
            )
        else:
            event = http_api_event(
                method, path, query=query, headers=headers, body=body, base64_body=base64_body
            )
        return invoke(self.handler, event, timeout_seconds=self.timeout_seconds)

    def get(self, path: str, **kwargs: Any) -> LambdaResponse:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> LambdaResponse:
        return self.request("POST", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> LambdaResponse:
        return self.request("PUT", path, **kwargs)

    def patch(self, path: str, **kwargs: Any) -> LambdaResponse:
        return self.request("PATCH", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> LambdaResponse:
        return self.request("DELETE", path, **kwargs)
