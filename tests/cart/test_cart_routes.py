"""The cart through the real Cart handler: current prices, checks when a line changes, privacy."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tests.support.accounts import Account, make_account, make_book
from tests.support.databases import fetch, run
from tests.support.lambda_client import LambdaClient


def put(client: LambdaClient, who: Account, book_id: str, quantity: Any) -> Any:
    return client.put(f"/cart/items/{book_id}", json_body={"quantity": quantity}, token=who.token)


def test_an_empty_cart_has_no_items_and_a_zero_total(
    client: LambdaClient, customer: Account
) -> None:
    response = client.get("/cart", token=customer.token)

    assert response.status_code == 200
    assert response.json() == {"items": [], "item_count": 0, "total": "0.00", "currency": "USD"}


def test_putting_books_answers_the_cart_with_line_and_cart_totals(
    any_client: LambdaClient, customer: Account, database_url: str
) -> None:
    first = make_book(database_url, title="First", price="12.99", stock=5)
    second = make_book(database_url, title="Second", price="0.50", stock=9)

    put(any_client, customer, first, 2)
    response = put(any_client, customer, second, 3)

    assert response.status_code == 200, response.body
    assert response.json() == {
        "items": [
            {
                "book_id": first,
                "title": "First",
                "unit_price": "12.99",
                "quantity": 2,
                "line_total": "25.98",
            },
            {
                "book_id": second,
                "title": "Second",
                "unit_price": "0.50",
                "quantity": 3,
                "line_total": "1.50",
            },
        ],
        "item_count": 5,
        "total": "27.48",
        "currency": "USD",
    }
    assert any_client.get("/cart", token=customer.token).json() == response.json()


def test_putting_a_book_again_sets_its_quantity_rather_than_adding(
    client: LambdaClient, customer: Account, database_url: str
) -> None:
    book = make_book(database_url, stock=10)
    put(client, customer, book, 4)

    items = put(client, customer, book, 1).json()["items"]

    assert [(item["book_id"], item["quantity"]) for item in items] == [(book, 1)]


def test_the_cart_shows_the_current_price_after_a_price_change(
    client: LambdaClient, customer: Account, database_url: str
) -> None:
    book = make_book(database_url, price="10.00")
    put(client, customer, book, 2)
    run(fetch(database_url, "UPDATE books SET price = 7.25 WHERE id = $1", book))

    cart = client.get("/cart", token=customer.token).json()

    assert cart["items"][0]["unit_price"] == "7.25"
    assert cart["total"] == "14.50"


def test_an_unknown_book_is_404_book_not_found(client: LambdaClient, customer: Account) -> None:
    response = put(client, customer, "0190a6f8-0000-7000-8000-000000000000", 1)

    assert response.status_code == 404
    assert response.json() == {
        "detail": "Book not found",
        "code": "BOOK_NOT_FOUND",
        "field": "book_id",
    }


def test_a_book_deleted_from_the_catalog_cannot_be_put_and_drops_out_of_the_cart(
    client: LambdaClient, customer: Account, database_url: str
) -> None:
    kept, deleted = make_book(database_url), make_book(database_url)
    put(client, customer, kept, 1)
    put(client, customer, deleted, 1)
    run(fetch(database_url, "UPDATE books SET deleted_at = now() WHERE id = $1", deleted))

    assert put(client, customer, deleted, 2).status_code == 404
    cart = client.get("/cart", token=customer.token).json()
    assert [item["book_id"] for item in cart["items"]] == [kept]
    assert cart["item_count"] == 1


def test_an_upcoming_book_is_409_not_released(
    client: LambdaClient, customer: Account, database_url: str
) -> None:
    tomorrow = datetime.now(UTC).date() + timedelta(days=1)
    book = make_book(database_url, release_date=tomorrow, stock=5)

    response = put(client, customer, book, 1)

    assert response.status_code == 409
    assert response.json()["code"] == "BOOK_NOT_RELEASED"
    assert client.get("/cart", token=customer.token).json()["items"] == []


def test_a_book_released_today_can_be_put(
    client: LambdaClient, customer: Account, database_url: str
) -> None:
    book = make_book(database_url, release_date=datetime.now(UTC).date())

    assert put(client, customer, book, 1).status_code == 200


def test_more_than_the_stock_is_409_out_of_stock_on_the_quantity_and_changes_nothing(
    client: LambdaClient, customer: Account, database_url: str
) -> None:
    book = make_book(database_url, stock=3)
    put(client, customer, book, 2)

    response = put(client, customer, book, 4)

    assert response.status_code == 409
    assert response.json() == {
        "detail": "Only 3 in stock",
        "code": "CART_OUT_OF_STOCK",
        "field": "quantity",
    }
    assert client.get("/cart", token=customer.token).json()["items"][0]["quantity"] == 2


def test_a_book_with_no_stock_cannot_be_put(
    client: LambdaClient, customer: Account, database_url: str
) -> None:
    book = make_book(database_url, stock=0)

    assert put(client, customer, book, 1).json()["code"] == "CART_OUT_OF_STOCK"


def test_removing_a_line_answers_the_rest_of_the_cart(
    client: LambdaClient, customer: Account, database_url: str
) -> None:
    kept, removed = make_book(database_url), make_book(database_url)
    put(client, customer, kept, 1)
    put(client, customer, removed, 1)

    response = client.delete(f"/cart/items/{removed}", token=customer.token)

    assert response.status_code == 200
    assert [item["book_id"] for item in response.json()["items"]] == [kept]


def test_removing_a_book_that_is_not_in_the_cart_is_404_cart_item_not_found(
    client: LambdaClient, customer: Account, database_url: str
) -> None:
    book = make_book(database_url)

    response = client.delete(f"/cart/items/{book}", token=customer.token)

    assert response.status_code == 404
    assert response.json()["code"] == "CART_ITEM_NOT_FOUND"


def test_emptying_the_cart_is_204_and_leaves_it_empty(
    client: LambdaClient, customer: Account, database_url: str
) -> None:
    put(client, customer, make_book(database_url), 1)

    response = client.delete("/cart", token=customer.token)

    assert response.status_code == 204
    assert response.body == ""
    assert client.get("/cart", token=customer.token).json()["items"] == []


def test_each_user_sees_and_changes_only_their_own_cart(
    client: LambdaClient, customer: Account, database_url: str
) -> None:
    other = make_account(database_url)
    book = make_book(database_url)
    put(client, other, book, 3)

    assert client.get("/cart", token=customer.token).json()["items"] == []
    assert client.delete(f"/cart/items/{book}", token=customer.token).status_code == 404
    client.delete("/cart", token=customer.token)
    assert client.get("/cart", token=other.token).json()["items"][0]["quantity"] == 3


def test_every_cart_route_needs_a_token(client: LambdaClient, database_url: str) -> None:
    book = make_book(database_url)
    calls = [
        client.get("/cart"),
        client.put(f"/cart/items/{book}", json_body={"quantity": 1}),
        client.delete(f"/cart/items/{book}"),
        client.delete("/cart"),
    ]

    assert [call.status_code for call in calls] == [401] * 4
    assert all(call.headers["www-authenticate"] == "Bearer" for call in calls)


def test_a_valid_token_of_an_account_that_no_longer_exists_is_401_and_writes_nothing(
    client: LambdaClient, customer: Account, database_url: str
) -> None:
    book = make_book(database_url)
    run(fetch(database_url, "DELETE FROM users WHERE id = $1", customer.id))

    response = put(client, customer, book, 1)

    assert response.status_code == 401
    assert response.json()["code"] == "AUTH_INVALID_TOKEN"
    assert run(fetch(database_url, "SELECT count(*) AS n FROM cart_items"))[0]["n"] == 0
