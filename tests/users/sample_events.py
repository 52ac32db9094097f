"""The sample events in events/users/, built with `bookstore.events.http_api_event`.

Regenerate after changing them: `uv run python -m tests.users.sample_events`. Values in angle
brackets (`<access-token>`, `<admin-access-token>`, `<refresh-token>`, `<user-id>`) are
placeholders: replace them with real values before `sam local invoke -e`.
"""

from __future__ import annotations

import json
from typing import Any

from bookstore.events import http_api_event
from tests.support.sample_events import EVENTS_DIR as SAMPLE_EVENTS_DIR

EVENTS_DIR = SAMPLE_EVENTS_DIR / "users"
SAMPLE_PASSWORD = "correct horse battery staple"
CUSTOMER_EMAIL = "reader@example.org"
ACCESS_TOKEN = "<access-token>"
ADMIN_ACCESS_TOKEN = "<admin-access-token>"
REFRESH_TOKEN = "<refresh-token>"
USER_ID = "<user-id>"


def _http(
    method: str,
    path: str,
    *,
    body: dict[str, Any] | None = None,
    token: str | None = None,
    route: str | None = None,
    query: dict[str, str] | None = None,
    path_parameters: dict[str, str] | None = None,
) -> dict[str, Any]:
    headers = {"user-agent": "sample-event"}
    if body is not None:
        headers["content-type"] = "application/json"
    if token is not None:
        headers["authorization"] = f"Bearer {token}"
    event = http_api_event(
        method,
        path,
        query=query,
        headers=headers,
        body=None if body is None else json.dumps(body),
        route_key=f"{method} {route or path}",
        path_parameters=path_parameters,
    )
    # Fixed ids and times, so regenerating changes nothing unless the events do.
    event["requestContext"].update(
        requestId="00000000-0000-4000-8000-000000000000",
        time="22/Nov/2026:07:00:00 +0000",
        timeEpoch=1795330800000,
    )
    return event


def sample_events() -> dict[str, dict[str, Any]]:
    return {
        "auth-register": _http(
            "POST",
            "/auth/register",
            body={
                "email": "new.reader@example.org",
                "password": SAMPLE_PASSWORD,
                "full_name": "New Reader",
            },
        ),
        "auth-login": _http(
            "POST", "/auth/login", body={"email": CUSTOMER_EMAIL, "password": SAMPLE_PASSWORD}
        ),
        "auth-refresh": _http("POST", "/auth/refresh", body={"refresh_token": REFRESH_TOKEN}),
        "auth-logout": _http("POST", "/auth/logout", body={"refresh_token": REFRESH_TOKEN}),
        "users-me-get": _http("GET", "/users/me", token=ACCESS_TOKEN),
        "users-me-patch": _http(
            "PATCH", "/users/me", token=ACCESS_TOKEN, body={"full_name": "Renamed Reader"}
        ),
        "users-list": _http("GET", "/users", token=ADMIN_ACCESS_TOKEN, query={"limit": "20"}),
        "users-patch-role": _http(
            "PATCH",
            f"/users/{USER_ID}",
            token=ADMIN_ACCESS_TOKEN,
            body={"role": "admin"},
            route="/users/{user_id}",
            path_parameters={"user_id": USER_ID},
        ),
        # Not an API Gateway event: the operator's direct invocation (aws lambda invoke).
        "promote-admin": {"action": "promote-admin", "email": CUSTOMER_EMAIL},
    }


def write() -> None:
    EVENTS_DIR.mkdir(parents=True, exist_ok=True)
    for name, event in sample_events().items():
        (EVENTS_DIR / f"{name}.json").write_text(json.dumps(event, indent=2) + "\n")


if __name__ == "__main__":
    write()
