"""The sample events in events/orders/. Regenerate: `uv run python -m tests.orders.sample_events`.

`<access-token>` and `<admin-access-token>` are placeholders for a customer's and an admin's
access tokens, `<order-id>` for one of the customer's orders.
"""

from __future__ import annotations

from typing import Any

from tests.support.sample_events import EVENTS_DIR as SAMPLE_EVENTS_DIR
from tests.support.sample_events import sample_http_event, write_events

EVENTS_DIR = SAMPLE_EVENTS_DIR / "orders"
ACCESS_TOKEN = "<access-token>"
ADMIN_ACCESS_TOKEN = "<admin-access-token>"
ORDER_ID = "<order-id>"
IDEMPOTENCY_KEY = "7d0c3f52-6a8e-4c1b-9a4e-2f51f0a9b001"


def sample_events() -> dict[str, dict[str, Any]]:
    order = f"/orders/{ORDER_ID}"
    order_id = {"order_id": ORDER_ID}
    return {
        "place-order": sample_http_event(
            "POST", "/orders", token=ACCESS_TOKEN, headers={"idempotency-key": IDEMPOTENCY_KEY}
        ),
        "list-orders": sample_http_event(
            "GET", "/orders", token=ACCESS_TOKEN, query={"limit": "20"}
        ),
        "get-order": sample_http_event(
            "GET", order, token=ACCESS_TOKEN, route="/orders/{order_id}", path_parameters=order_id
        ),
        "cancel-order": sample_http_event(
            "POST",
            f"{order}/cancel",
            token=ACCESS_TOKEN,
            route="/orders/{order_id}/cancel",
            path_parameters=order_id,
        ),
        "patch-order-status": sample_http_event(
            "PATCH",
            order,
            token=ADMIN_ACCESS_TOKEN,
            body={"status": "paid"},
            route="/orders/{order_id}",
            path_parameters=order_id,
        ),
        # Not API Gateway events: what the schedules in template.yaml send.
        "drain-outbox": {"action": "drain-outbox"},
        "purge-expired-idempotency-keys": {"action": "purge-expired-idempotency-keys"},
    }


if __name__ == "__main__":
    write_events(EVENTS_DIR, sample_events())
