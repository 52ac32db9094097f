"""Order events: written with the change, published to EventBridge (moto) once it committed,
never lost when the publish fails or the process dies, never sent for a change that rolled back."""

from __future__ import annotations

import multiprocessing

from bookstore.lambda_context import LocalLambdaContext
from functions.orders.app import handler
from tests.orders import workers
from tests.orders.helpers import Shop, checkout
from tests.support.accounts import Account
from tests.support.eventbridge import FakeBus, PutEventsSpy
from tests.support.lambda_client import LambdaClient


def drain() -> dict[str, object]:
    return handler({"action": "drain-outbox"}, LocalLambdaContext())


def test_a_placed_order_is_published_once_with_what_consumers_need(
    client: LambdaClient, customer: Account, shop: Shop, bus: FakeBus, spy: PutEventsSpy
) -> None:
    book = shop.book(title="Dune", price="9.50")
    shop.fill_cart(customer, {book: 2})

    order = checkout(client, customer).json()

    delivered = bus.delivered()
    assert len(delivered) == 1
    envelope = delivered[0]
    assert (envelope["source"], envelope["detail-type"]) == ("bookstore", "OrderPlaced")
    detail = envelope["detail"]
    assert detail["order_id"] == order["id"]
    assert detail["user_id"] == customer.id
    assert detail["status"] == "pending"
    assert detail["lines"] == [
        {
            "book_id": book,
            "title": "Dune",
            "unit_price": "9.50",
            "quantity": 2,
            "line_total": "19.00",
        }
    ]
    assert (detail["total"], detail["currency"]) == ("19.00", "USD")
    assert detail["occurred_at"] == order["created_at"].replace("Z", "+00:00")
    assert shop.events("OrderPlaced")[0]["event_id"] == detail["event_id"]
    assert shop.sql("SELECT published_at IS NOT NULL AS sent FROM outbox_events")[0]["sent"]
    assert drain()["sent"] == 0


def test_cancelling_and_advancing_publish_one_event_each_with_the_previous_status(
    client: LambdaClient,
    customer: Account,
    admin: Account,
    shop: Shop,
    bus: FakeBus,
    spy: PutEventsSpy,
) -> None:
    shop.fill_cart(customer, {shop.book(): 1})
    first = checkout(client, customer).json()["id"]
    shop.fill_cart(customer, {shop.book(): 1})
    second = checkout(client, customer).json()["id"]
    bus.delivered()

    client.patch(f"/orders/{first}", json_body={"status": "paid"}, token=admin.token)
    client.post(f"/orders/{second}/cancel", token=customer.token)
    client.post(f"/orders/{second}/cancel", token=customer.token)  # 409: no event

    delivered = [
        (
            envelope["detail-type"],
            envelope["detail"]["order_id"],
            envelope["detail"]["status"],
            envelope["detail"]["previous_status"],
        )
        for envelope in bus.delivered()
    ]
    assert delivered == [
        ("OrderStatusChanged", first, "paid", "pending"),
        ("OrderCancelled", second, "cancelled", "pending"),
    ]


def test_a_checkout_that_fails_publishes_nothing_and_leaves_no_event(
    client: LambdaClient, customer: Account, shop: Shop, bus: FakeBus, spy: PutEventsSpy
) -> None:
    book = shop.book(stock=3)
    shop.fill_cart(customer, {book: 3})
    shop.sql("UPDATE books SET stock = 1 WHERE id = $1", book)

    assert checkout(client, customer).status_code == 409

    assert spy.calls == []
    assert shop.count("outbox_events") == 0


def test_when_eventbridge_fails_the_order_still_succeeds_and_the_drain_publishes_it_once(
    client: LambdaClient, customer: Account, shop: Shop, bus: FakeBus, spy: PutEventsSpy
) -> None:
    shop.fill_cart(customer, {shop.book(): 1})
    spy.fail_every_call = True

    response = checkout(client, customer)

    assert response.status_code == 201
    assert bus.delivered() == []
    row = shop.sql("SELECT published_at, attempts, last_error FROM outbox_events")[0]
    assert (row["published_at"], row["attempts"]) == (None, 0)
    assert "ThrottlingException" in row["last_error"]

    spy.fail_every_call = False
    result = drain()

    assert (result["ok"], result["sent"]) == (True, 1)
    assert [envelope["detail"]["order_id"] for envelope in bus.delivered()] == [
        response.json()["id"]
    ]
    assert drain()["selected"] == 0


def test_an_order_whose_process_died_before_publishing_is_published_once_by_the_drain(
    customer: Account, shop: Shop, bus: FakeBus, database_url: str
) -> None:
    shop.fill_cart(customer, {shop.book(): 1})
    child = multiprocessing.get_context("spawn").Process(
        target=workers.checkout_then_die_before_publishing,
        args=(database_url, customer.token, bus.name),
    )
    child.start()
    child.join(timeout=120)

    assert child.exitcode == 1
    order_id = shop.sql("SELECT id FROM orders")[0]["id"]
    row = shop.sql("SELECT published_at, attempts FROM outbox_events")[0]
    assert (row["published_at"], row["attempts"]) == (None, 0)

    assert drain()["sent"] == 1
    assert [envelope["detail"]["order_id"] for envelope in bus.delivered()] == [str(order_id)]
    assert drain()["sent"] == 0
    assert bus.delivered() == []
