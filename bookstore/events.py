"""HTTP events as Lambda receives them: API Gateway HTTP API payload 2.0, REST API payload 1.0, and
Lambda function URLs (payload 2.0 with a function URL's own request context).

Used by the local runner to call the real handlers, and by the tests to replay requests.
"""

from __future__ import annotations

import base64
import time
import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode

ACCOUNT_ID = "123456789012"
API_ID = "local"
REGION = "us-east-1"
# A function URL's id: 32 lower-case letters and digits, also the first label of its host name.
FUNCTION_URL_ID = "abcdefghijklmnopqrstuvwxyz012345"

# A parameter given several times is a list of its values, in order.
Query = Mapping[str, str | Sequence[str]]


def http_api_event(
    method: str,
    path: str,
    *,
    query: str | Query | None = None,
    headers: dict[str, str] | None = None,
    body: bytes | str | None = None,
    route_key: str = "$default",
    path_parameters: dict[str, str] | None = None,
    source_ip: str = "127.0.0.1",
    base64_body: bool = False,
) -> dict[str, Any]:
    """A payload-2.0 event, the shape `sam local start-api` and API Gateway HTTP APIs send.

    `base64_body`: send the body base64-encoded (`isBase64Encoded`), as API Gateway does for a
    binary media type; a body that is not UTF-8 is always sent so."""
    raw_query = query if isinstance(query, str) else urlencode(query or {}, doseq=True)
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
    _attach_body(event, body, base64_body=base64_body)
    return event


def function_url_event(
    method: str,
    path: str,
    *,
    query: str | Query | None = None,
    headers: dict[str, str] | None = None,
    body: bytes | str | None = None,
    source_ip: str = "198.51.100.7",
    base64_body: bool | None = None,
) -> dict[str, Any]:
    """The event a Lambda function URL sends: payload 2.0, route `$default`, the URL's host
    `<url-id>.lambda-url.<region>.on.aws` as `domainName`, cookies in their own list, and the
    forwarding headers Lambda adds. No path parameters and no stage variables (both null).

    The body is base64-encoded unless its Content-Type is text (`text/*`, JSON, XML, JavaScript or
    a form), as function URLs do; `base64_body` forces either way."""
    host = f"{FUNCTION_URL_ID}.lambda-url.{REGION}.on.aws"
    lowered = {name.lower(): value for name, value in (headers or {}).items()}
    lowered.update(
        {
            "host": host,
            "x-forwarded-for": source_ip,
            "x-forwarded-port": "443",
            "x-forwarded-proto": "https",
            "x-amzn-trace-id": f"Root=1-{int(time.time()):08x}-{uuid.uuid4().hex[:24]}",
        }
    )
    event = http_api_event(
        method,
        path,
        query=query,
        headers=lowered,
        body=body,
        source_ip=source_ip,
        base64_body=_is_binary(lowered.get("content-type")) if base64_body is None else base64_body,
    )
    event["requestContext"].update(
        apiId=FUNCTION_URL_ID,
        domainName=host,
        domainPrefix=FUNCTION_URL_ID,
        authentication=None,
    )
    event["pathParameters"] = None
    event["stageVariables"] = None
    return event


def _is_binary(content_type: str | None) -> bool:
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    return not (
        media_type.startswith("text/")
        or media_type
        in {"application/json", "application/javascript", "application/x-www-form-urlencoded"}
        or media_type.endswith(("+json", "/xml", "+xml"))
    )


def rest_api_event(
    method: str,
    path: str,
    *,
    query: Query | None = None,
    headers: dict[str, str] | None = None,
    body: bytes | str | None = None,
    resource: str = "/{proxy+}",
    stage: str = "prod",
    base64_body: bool = False,
) -> dict[str, Any]:
    """A payload-1.0 event, the shape a REST API (`AWS_PROXY` integration) sends: a parameter given
    several times is all its values in `multiValueQueryStringParameters` and the last one in
    `queryStringParameters`; cookies stay in the `Cookie` header."""
    headers = dict(headers or {})
    headers.setdefault("Host", "127.0.0.1")
    multi_query = {
        name: [values] if isinstance(values, str) else list(values)
        for name, values in (query or {}).items()
    }
    event: dict[str, Any] = {
        "resource": resource,
        "path": path,
        "httpMethod": method.upper(),
        "headers": headers,
        "multiValueHeaders": {name: [value] for name, value in headers.items()},
        "queryStringParameters": (
            {name: values[-1] for name, values in multi_query.items()} if multi_query else None
        ),
        "multiValueQueryStringParameters": multi_query or None,
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
    _attach_body(event, body, base64_body=base64_body)
    return event


def _attach_body(event: dict[str, Any], body: bytes | str | None, *, base64_body: bool) -> None:
    if body is None:
        if "httpMethod" in event:
            event["body"] = None
        return
    if isinstance(body, str) and not base64_body:
        event["body"] = body
        return
    raw = body.encode() if isinstance(body, str) else body
    if not base64_body:
        try:
            event["body"] = raw.decode()
            return
        except UnicodeDecodeError:
            pass
    event["body"] = base64.b64encode(raw).decode()
    event["isBase64Encoded"] = True


def _joined_query(raw_query: str) -> dict[str, str]:
    # HTTP APIs join repeated parameters with commas.
    joined: dict[str, str] = {}
    for name, value in parse_qsl(raw_query, keep_blank_values=True):
        joined[name] = f"{joined[name]},{value}" if name in joined else value
    return joined
