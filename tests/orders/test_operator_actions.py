"""The Orders function's scheduled invocations, and its OpenAPI document."""

from __future__ import annotations

import pytest

from bookstore.lambda_context import LocalLambdaContext
from functions.orders.app import handler
from shared.runtime.operator_actions import ActionFailed
from tests.orders.helpers import Shop, checkout
from tests.support.accounts import Account
from tests.support.lambda_client import LambdaClient


def invoke_action(action: str) -> dict[str, object]:
    return handler({"action": action}, LocalLambdaContext())


def test_the_daily_purge_forgets_only_keys_older_than_24_hours(
    client: LambdaClient, customer: Account, shop: Shop
) -> None:
    for key in ("old", "fresh"):
        shop.fill_cart(customer, {shop.book(): 1})
        assert checkout(client, customer, key).status_code == 201
    shop.sql(
        "UPDATE idempotency_keys SET created_at = now() - interval '25 hours' WHERE key = 'old'"
    )

    result = invoke_action("purge-expired-idempotency-keys")

    assert result == {"ok": True, "deleted": 1}
    assert [row["key"] for row in shop.sql("SELECT key FROM idempotency_keys")] == ["fresh"]
    assert shop.count("orders") == 2


def test_an_unknown_action_fails_its_invocation_and_names_the_known_ones(database_url: str) -> None:
    with pytest.raises(ActionFailed) as failed:
        invoke_action("drop-everything")

    assert failed.value.code == "UNKNOWN_ACTION"
    assert "drain-outbox" in failed.value.detail


def test_the_openapi_document_describes_every_orders_route_and_its_errors(
    client: LambdaClient,
) -> None:
    document = client.get("/orders/openapi.json").json()

    operations = {
        (method.upper(), path): operation
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
    }
    assert set(operations) == {
        ("POST", "/orders"),
        ("GET", "/orders"),
        ("GET", "/orders/{order_id}"),
        ("POST", "/orders/{order_id}/cancel"),
        ("PATCH", "/orders/{order_id}"),
    }
    checkout_responses = operations[("POST", "/orders")]["responses"]
    assert {"201", "401", "409", "422"} <= set(checkout_responses)
    assert "Idempotency-Replayed" in checkout_responses["201"]["headers"]
    assert checkout_responses["201"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "OrderPublic"
    )
    assert {"403", "404", "409"} <= set(operations[("PATCH", "/orders/{order_id}")]["responses"])
    assert client.get("/orders/docs").status_code == 200
