"""Every file of events/users/ replayed through the real handler, placeholders filled in."""

from __future__ import annotations

import pytest

from bookstore.lambda_context import LocalLambdaContext
from functions.users.app import handler
from tests.support.lambda_client import LambdaClient, invoke
from tests.support.sample_events import filled_in, stale_events
from tests.users import sample_events as samples
from tests.users.helpers import login, register, signed_up_admin

EXPECTED_STATUS = {
    "auth-register": 201,
    "auth-login": 200,
    "auth-refresh": 200,
    "auth-logout": 204,
    "users-me-get": 200,
    "users-me-patch": 200,
    "users-list": 200,
    "users-patch-role": 200,
}
FILES = sorted(path.stem for path in samples.EVENTS_DIR.glob("*.json"))


def test_the_committed_events_are_the_generated_ones() -> None:
    stale = stale_events(samples.EVENTS_DIR, samples.sample_events())

    assert stale == [], "regenerate them: uv run python -m tests.users.sample_events"


@pytest.mark.parametrize("name", FILES)
def test_each_sample_event_is_served_by_the_handler(client: LambdaClient, name: str) -> None:
    customer = register(client, email=samples.CUSTOMER_EMAIL, password=samples.SAMPLE_PASSWORD)
    pair = login(client, email=samples.CUSTOMER_EMAIL, password=samples.SAMPLE_PASSWORD).json()
    admin = signed_up_admin(client)
    event = filled_in(
        samples.EVENTS_DIR,
        name,
        {
            samples.ACCESS_TOKEN: pair["access_token"],
            samples.ADMIN_ACCESS_TOKEN: admin["access_token"],
            samples.REFRESH_TOKEN: pair["refresh_token"],
            samples.USER_ID: customer.json()["id"],
        },
    )

    if name == "promote-admin":
        assert handler(event, LocalLambdaContext())["ok"] is True
        return
    assert event["version"] == "2.0"
    response = invoke(handler, event)
    assert response.status_code == EXPECTED_STATUS[name], response.body
