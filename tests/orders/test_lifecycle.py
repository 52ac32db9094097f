"""Cancelling and advancing orders: the transition table, who may do what, and the stock."""

from __future__ import annotations

import pytest

from tests.orders.helpers import Shop, checkout
from tests.support.accounts import Account, make_account
from tests.support.lambda_client import LambdaClient


def placed(client: LambdaClient, who: Account, shop: Shop, copies: int = 2) -> tuple[str, str]:
    """An order of `copies` of a new book (stock 10); answers (order id, book id)."""
    book = shop.book(stock=10)
    shop.fill_cart(who, {book: copies})
    response = checkout(client, who)
    assert response.status_code == 201, response.body
    return response.json()["id"], book


def advance(client: LambdaClient, admin: Account, order_id: str, status: str) -> int:
    response = client.patch(f"/orders/{order_id}", json_body={"status": status}, token=admin.token)
    return response.status_code


def test_a_customer_cancels_their_pending_order_and_the_stock_comes_back(
    any_client: LambdaClient, customer: Account, shop: Shop
) -> None:
    order_id, book = placed(any_client, customer, shop, copies=3)

    response = any_client.post(f"/orders/{order_id}/cancel", token=customer.token)

    assert response.status_code == 200, response.body
    assert response.json()["status"] == "cancelled"
    assert response.json()["updated_at"] > response.json()["created_at"]
    assert shop.stock(book) == 10


def test_cancelling_a_cancelled_order_is_409_and_returns_nothing_more(
    client: LambdaClient, customer: Account, shop: Shop
) -> None:
    order_id, book = placed(client, customer, shop)
    client.post(f"/orders/{order_id}/cancel", token=customer.token)

    again = client.post(f"/orders/{order_id}/cancel", token=customer.token)

    assert again.status_code == 409
    assert again.json()["code"] == "ORDER_INVALID_TRANSITION"
    assert shop.stock(book) == 10


def test_a_paid_order_can_be_cancelled_but_a_shipped_one_cannot(
    client: LambdaClient, customer: Account, admin: Account, shop: Shop
) -> None:
    paid, paid_book = placed(client, customer, shop)
    shipped, shipped_book = placed(client, customer, shop)
    advance(client, admin, paid, "paid")
    for status in ("paid", "shipped"):
        advance(client, admin, shipped, status)

    assert client.post(f"/orders/{paid}/cancel", token=customer.token).status_code == 200
    assert client.post(f"/orders/{shipped}/cancel", token=customer.token).status_code == 409
    assert (shop.stock(paid_book), shop.stock(shipped_book)) == (10, 8)


def test_an_admin_moves_an_order_through_its_whole_lifecycle(
    client: LambdaClient, customer: Account, admin: Account, shop: Shop
) -> None:
    order_id, _ = placed(client, customer, shop)

    statuses = []
    for status in ("paid", "shipped", "delivered"):
        response = client.patch(
            f"/orders/{order_id}", json_body={"status": status}, token=admin.token
        )
        assert response.status_code == 200, response.body
        statuses.append(response.json()["status"])

    assert statuses == ["paid", "shipped", "delivered"]
    assert client.get(f"/orders/{order_id}", token=customer.token).json()["status"] == "delivered"


@pytest.mark.parametrize(
    ("path", "target"),
    [
        ([], "shipped"),
        ([], "delivered"),
        ([], "pending"),
        (["paid"], "paid"),
        (["paid"], "pending"),
        (["paid", "shipped"], "cancelled"),
        (["paid", "shipped", "delivered"], "cancelled"),
        (["cancelled"], "paid"),
    ],
)
def test_every_move_outside_the_lifecycle_is_409_and_changes_nothing(
    client: LambdaClient,
    customer: Account,
    admin: Account,
    shop: Shop,
    path: list[str],
    target: str,
) -> None:
    order_id, book = placed(client, customer, shop)
    for status in path:
        assert advance(client, admin, order_id, status) == 200
    before = client.get(f"/orders/{order_id}", token=admin.token).json()
    stock = shop.stock(book)

    response = client.patch(f"/orders/{order_id}", json_body={"status": target}, token=admin.token)

    assert response.status_code == 409
    assert response.json()["code"] == "ORDER_INVALID_TRANSITION"
    assert client.get(f"/orders/{order_id}", token=admin.token).json() == before
    assert shop.stock(book) == stock


def test_an_admin_cancelling_by_patch_returns_the_stock(
    client: LambdaClient, customer: Account, admin: Account, shop: Shop
) -> None:
    order_id, book = placed(client, customer, shop)

    assert advance(client, admin, order_id, "cancelled") == 200
    assert shop.stock(book) == 10


def test_an_admin_cancels_anyones_order(
    client: LambdaClient, customer: Account, admin: Account, shop: Shop
) -> None:
    order_id, _ = placed(client, customer, shop)

    response = client.post(f"/orders/{order_id}/cancel", token=admin.token)

    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"


def test_someone_elses_order_is_404_to_read_and_to_cancel(
    client: LambdaClient, customer: Account, shop: Shop
) -> None:
    order_id, book = placed(client, customer, shop)
    stranger = make_account(shop.database_url)

    read = client.get(f"/orders/{order_id}", token=stranger.token)
    cancel = client.post(f"/orders/{order_id}/cancel", token=stranger.token)

    assert (read.status_code, cancel.status_code) == (404, 404)
    assert read.json() == {
        "detail": "Order not found",
        "code": "ORDER_NOT_FOUND",
        "field": "order_id",
    }
    assert client.get(f"/orders/{order_id}", token=customer.token).json()["status"] == "pending"
    assert shop.stock(book) == 8


def test_a_customer_cannot_change_an_orders_status(
    client: LambdaClient, customer: Account, shop: Shop
) -> None:
    order_id, _ = placed(client, customer, shop)

    response = client.patch(
        f"/orders/{order_id}", json_body={"status": "paid"}, token=customer.token
    )

    assert response.status_code == 403
    assert response.json()["code"] == "AUTH_FORBIDDEN"


def test_an_unknown_order_is_404_for_every_route(client: LambdaClient, admin: Account) -> None:
    unknown = "0190a6f8-0000-7000-8000-000000000000"

    statuses = [
        client.get(f"/orders/{unknown}", token=admin.token).status_code,
        client.post(f"/orders/{unknown}/cancel", token=admin.token).status_code,
        advance(client, admin, unknown, "paid"),
    ]

    assert statuses == [404, 404, 404]


@pytest.mark.parametrize(
    "body",
    [{"status": "lost"}, {"status": None}, {"status": 1}, {}, {"status": "paid", "note": "x"}],
)
def test_a_bad_status_body_is_422(
    client: LambdaClient, customer: Account, admin: Account, shop: Shop, body: dict[str, object]
) -> None:
    order_id, _ = placed(client, customer, shop)

    response = client.patch(f"/orders/{order_id}", json_body=body, token=admin.token)

    assert response.status_code == 422
    assert response.json()["code"] == "VALIDATION_ERROR"


@pytest.mark.parametrize("order_id", ["not-a-uuid", "123", "0190a6f8-0000-7000-8000"])
def test_a_malformed_order_id_is_422_on_the_order_id(
    client: LambdaClient, customer: Account, order_id: str
) -> None:
    response = client.get(f"/orders/{order_id}", token=customer.token)

    assert response.status_code == 422
    assert response.json()["field"] == "order_id"
