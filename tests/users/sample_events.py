"""The sample events in events/users/, built with `bookstore.events.http_api_event`.

Regenerate after changing them: `uv run python -m tests.users.sample_events`. Values in angle
brackets (`<access-token>`, `<admin-access-token>`, `<refresh-token>`, `<user-id>`) are
placeholders: replace them with real values before `sam local invoke -e`.
"""

from __future__ import annotations

from typing import Any

from tests.support.sample_events import EVENTS_DIR as SAMPLE_EVENTS_DIR
from tests.support.sample_events import sample_http_event, write_events

EVENTS_DIR = SAMPLE_EVENTS_DIR / "users"
SAMPLE_PASSWORD = "correct horse battery staple"
CUSTOMER_EMAIL = "reader@example.org"
ACCESS_TOKEN = "<access-token>"
ADMIN_ACCESS_TOKEN = "<admin-access-token>"
REFRESH_TOKEN = "<refresh-token>"
USER_ID = "<user-id>"


def sample_events() -> dict[str, dict[str, Any]]:
    return {
        "auth-register": sample_http_event(
            "POST",
            "/auth/register",
            body={
                "email": "new.reader@example.org",
                "password": SAMPLE_PASSWORD,
                "full_name": "New Reader",
            },
        ),
        "auth-login": sample_http_event(
            "POST", "/auth/login", body={"email": CUSTOMER_EMAIL, "password": SAMPLE_PASSWORD}
        ),
        "auth-refresh": sample_http_event(
            "POST", "/auth/refresh", body={"refresh_token": REFRESH_TOKEN}
        ),
        "auth-logout": sample_http_event(
            "POST", "/auth/logout", body={"refresh_token": REFRESH_TOKEN}
        ),
        "users-me-get": sample_http_event("GET", "/users/me", token=ACCESS_TOKEN),
        "users-me-patch": sample_http_event(
            "PATCH", "/users/me", token=ACCESS_TOKEN, body={"full_name": "Renamed Reader"}
        ),
        "users-list": sample_http_event(
            "GET", "/users", token=ADMIN_ACCESS_TOKEN, query={"limit": "20"}
        ),
        "users-patch-role": sample_http_event(
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
    write_events(EVENTS_DIR, sample_events())


if __name__ == "__main__":
    write()
