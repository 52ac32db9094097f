"""API Gateway events as Lambda receives them: HTTP API payload 2.0 and REST API payload 1.0.

Used by the local runner to call the real handlers, and by the tests to replay requests.
"""

from __future__ import annotations

import base64
import time
import uuid
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode

ACCOUNT_ID = "123456789012"
API_ID = "local"


def http_api_event(
    method: str,
    path: str,
    *,
    query: str | dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
    body: bytes | str | None = None,
    route_key: str = "$default",
    path_parameters: dict[str, str] | None = None,
    source_ip: str = "127.0.0.1",
) -> dict[str, Any]:
    """A payload-2.0 event, the shape `sam local start-api` and API Gateway HTTP APIs send."""
    raw_query = query if isinstance(query, str) else urlencode(query or {})
    lowered = {name.lower(): value for name, value in (headers or {}).items()}
    lowered.setdefault("host", "127.0.0.1")
    cookies = [c.strip() for c in lowered.pop("cookie", "").split(";") if c.strip()]
    now = datetime.now(UTC)
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": route_key,
        "rawPath": path,
        "rawQueryString": raw_query,
        "headers": lowered,
        "requestContext": {
            "accountId": ACCOUNT_ID,
            "apiId": API_ID,
            "domainName": lowered["host"],
            "domainPrefix": lowered["host"].split(".")[0],
            "http": {
                "method": method.upper(),
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": source_ip,
                "userAgent": lowered.get("user-agent", ""),
            },
            "requestId": str(uuid.uuid4()),
            "routeKey": route_key,
            "stage": "$default",
            "time": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
            "timeEpoch": int(time.time() * 1000),
        },
        "isBase64Encoded": False,
    }
    if cookies:
        event["cookies"] = cookies
    if raw_query:
        event["queryStringParameters"] = _joined_query(raw_query)
    if path_parameters:
        event["pathParameters"] = path_parameters
    _attach_body(event, body)
    return event


def rest_api_event(
    method: str,
    path: str,
    *,
    query: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
    body: bytes | str | None = None,
    resource: str = "/{proxy+}",
    stage: str = "prod",
) -> dict[str, Any]:
    """A payload-1.0 event, the shape a REST API (`AWS_PROXY` integration) sends."""
    headers = dict(headers or {})
    headers.setdefault("Host", "127.0.0.1")
    query = query or None
    event: dict[str, Any] = {
        "resource": resource,
        "path": path,
        "httpMethod": method.upper(),
        "headers": headers,
        "multiValueHeaders": {name: [value] for name, value in headers.items()},
        "queryStringParameters": query,
        "multiValueQueryStringParameters": (
            {name: [value] for name, value in query.items()} if query else None
        ),
        "pathParameters": {"proxy": path.lstrip("/")},
        "stageVariables": None,
        "requestContext": {
            "accountId": ACCOUNT_ID,
            "apiId": API_ID,
            "resourcePath": resource,
            "httpMethod": method.upper(),
            "path": f"/{stage}{path}",
            "protocol": "HTTP/1.1",
            "requestId": str(uuid.uuid4()),
            "stage": stage,
            "identity": {"sourceIp": "127.0.0.1", "userAgent": headers.get("User-Agent", "")},
            "requestTimeEpoch": int(time.time() * 1000),
        },
        "isBase64Encoded": False,
    }
    _attach_body(event, body)
    return event


def _attach_body(event: dict[str, Any], body: bytes | str | None) -> None:
    if body is None:
        if "httpMethod" in event:
            event["body"] = None
        return
    if isinstance(body, str):
        event["body"] = body
        return
    try:
        event["body"] = body.decode()
    except UnicodeDecodeError:
        event["body"] = base64.b64encode(body).decode()
        event["isBase64Encoded"] = True


def _joined_query(raw_query: str) -> dict[str, str]:
    # HTTP APIs join repeated parameters with commas.
    joined: dict[str, str] = {}
    for name, value in parse_qsl(raw_query, keep_blank_values=True):
        joined[name] = f"{joined[name]},{value}" if name in joined else value
    return joined


def scheduled_event(rule_name: str = "local-schedule") -> dict[str, Any]:
    """An EventBridge rule's scheduled event, the shape `Type: Schedule` in template.yaml sends
    (and `sam local generate-event cloudwatch scheduled-event` prints)."""
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": ACCOUNT_ID,
        "time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": "us-east-1",
        "resources": [f"arn:aws:events:us-east-1:{ACCOUNT_ID}:rule/{rule_name}"],
        "detail": {},
    }
