"""Every file of events/orders/ replayed through the real handler, placeholders filled in."""

from __future__ import annotations

import pytest

from bookstore.lambda_context import LocalLambdaContext
from functions.orders.app import handler
from tests.orders import sample_events as samples
from tests.orders.helpers import Shop, checkout
from tests.support.accounts import Account
from tests.support.lambda_client import LambdaClient, invoke
from tests.support.sample_events import filled_in, stale_events

EXPECTED_STATUS = {
    "place-order": 201,
    "list-orders": 200,
    "get-order": 200,
    "cancel-order": 200,
    "patch-order-status": 200,
}
ACTIONS = {"drain-outbox", "purge-expired-idempotency-keys"}


def test_the_committed_events_are_the_generated_ones() -> None:
    stale = stale_events(samples.EVENTS_DIR, samples.sample_events())

    assert stale == [], "regenerate them: uv run python -m tests.orders.sample_events"
    assert set(samples.sample_events()) == set(EXPECTED_STATUS) | ACTIONS


@pytest.mark.parametrize("name", sorted(set(EXPECTED_STATUS) | ACTIONS))
def test_each_sample_event_is_served_by_the_handler(
    client: LambdaClient, customer: Account, admin: Account, shop: Shop, name: str
) -> None:
    shop.fill_cart(customer, {shop.book(): 1})
    order_id = checkout(client, customer).json()["id"]
    shop.fill_cart(customer, {shop.book(): 1})
    event = filled_in(
        samples.EVENTS_DIR,
        name,
        {
            samples.ACCESS_TOKEN: customer.token,
            samples.ADMIN_ACCESS_TOKEN: admin.token,
            samples.ORDER_ID: order_id,
        },
    )

    if name in ACTIONS:
        assert handler(event, LocalLambdaContext())["ok"] is True
        return
    response = invoke(handler, event)
    assert response.status_code == EXPECTED_STATUS[name], response.body
