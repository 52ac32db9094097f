"""POST /orders through the real Orders handler: one transaction from cart to order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bookstore.statements_sent import statements_sent
from shared.db.engine import get_engine
from tests.orders.helpers import Shop, checkout
from tests.support.accounts import Account
from tests.support.lambda_client import LambdaClient


def test_checkout_creates_a_pending_order_of_the_cart_takes_the_stock_and_empties_the_cart(
    any_client: LambdaClient, customer: Account, shop: Shop
) -> None:
    first = shop.book(title="First", price="12.99", stock=5)
    second = shop.book(title="Second", price="3.00", stock=2)
    shop.fill_cart(customer, {first: 2, second: 2})

    response = checkout(any_client, customer)

    assert response.status_code == 201, response.body
    order = response.json()
    assert order["status"] == "pending"
    assert order["items"] == [
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
            "unit_price": "3.00",
            "quantity": 2,
            "line_total": "6.00",
        },
    ]
    assert order["total"] == "31.98"
    assert order["currency"] == "USD"
    assert order["created_at"] == order["updated_at"]
    assert (shop.stock(first), shop.stock(second)) == (3, 0)
    assert shop.cart_of(customer) == {}
    assert "idempotency-replayed" not in response.headers


def test_the_order_keeps_the_price_and_title_of_checkout_time_after_the_catalog_changes(
    client: LambdaClient, customer: Account, shop: Shop
) -> None:
    book = shop.book(title="Old title", price="10.00")
    shop.fill_cart(customer, {book: 1})
    order_id = checkout(client, customer).json()["id"]

    shop.sql("UPDATE books SET price = 99.00, title = 'New title' WHERE id = $1", book)

    item = client.get(f"/orders/{order_id}", token=customer.token).json()["items"][0]
    assert (item["title"], item["unit_price"], item["line_total"]) == (
        "Old title",
        "10.00",
        "10.00",
    )


def test_a_book_deleted_from_the_catalog_still_shows_in_the_orders_that_hold_it(
    client: LambdaClient, customer: Account, shop: Shop
) -> None:
    book = shop.book(title="Gone soon")
    shop.fill_cart(customer, {book: 1})
    order_id = checkout(client, customer).json()["id"]

    shop.sql("UPDATE books SET deleted_at = now() WHERE id = $1", book)

    response = client.get(f"/orders/{order_id}", token=customer.token)
    assert response.status_code == 200
    assert response.json()["items"][0]["title"] == "Gone soon"


def test_an_empty_cart_is_409_cart_empty_and_creates_nothing(
    client: LambdaClient, customer: Account, shop: Shop
) -> None:
    response = checkout(client, customer)

    assert response.status_code == 409
    assert response.json()["code"] == "CART_EMPTY"
    assert shop.count("orders") == 0
    assert shop.count("outbox_events") == 0


def test_every_line_short_of_stock_is_reported_and_nothing_is_taken(
    client: LambdaClient, customer: Account, shop: Shop
) -> None:
    plenty = shop.book(stock=10)
    short = shop.book(stock=3)
    gone = shop.book(stock=2)
    shop.fill_cart(customer, {plenty: 1, short: 3, gone: 2})
    # Others bought meanwhile: the cart's checks were true when the lines were put.
    shop.sql("UPDATE books SET stock = 1 WHERE id = $1", short)
    shop.sql("UPDATE books SET stock = 0 WHERE id = $1", gone)

    response = checkout(client, customer)

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "CART_OUT_OF_STOCK"
    assert body["field"] == short
    assert f"{short}: 3 wanted, 1 in stock" in body["detail"]
    assert f"{gone}: 2 wanted, 0 in stock" in body["detail"]
    assert plenty not in body["detail"]
    assert (shop.stock(plenty), shop.stock(short), shop.stock(gone)) == (10, 1, 0)
    assert shop.cart_of(customer) == {plenty: 1, short: 3, gone: 2}
    assert shop.count("orders") == 0
    assert shop.count("outbox_events") == 0


def test_a_book_whose_release_date_moved_into_the_future_cannot_be_ordered(
    client: LambdaClient, customer: Account, shop: Shop
) -> None:
    book = shop.book(stock=4)
    shop.fill_cart(customer, {book: 1})
    next_week = datetime.now(UTC).date() + timedelta(days=7)
    shop.sql("UPDATE books SET release_date = $2 WHERE id = $1", book, next_week)

    response = checkout(client, customer)

    assert response.status_code == 409
    assert response.json()["field"] == book
    assert "not released yet" in response.json()["detail"]
    assert shop.stock(book) == 4


def test_lines_of_books_deleted_from_the_catalog_are_left_out_of_the_order(
    client: LambdaClient, customer: Account, shop: Shop
) -> None:
    kept, deleted = shop.book(), shop.book()
    shop.fill_cart(customer, {kept: 1, deleted: 1})
    shop.sql("UPDATE books SET deleted_at = now() WHERE id = $1", deleted)

    response = checkout(client, customer)

    assert response.status_code == 201
    assert [item["book_id"] for item in response.json()["items"]] == [kept]
    assert shop.count("cart_items") == 0


def test_checkout_needs_a_token(client: LambdaClient) -> None:
    response = client.post("/orders")

    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


def test_a_token_of_an_account_that_no_longer_exists_cannot_check_out(
    client: LambdaClient, customer: Account, shop: Shop
) -> None:
    shop.fill_cart(customer, {shop.book(): 1})
    shop.sql("DELETE FROM users WHERE id = $1", customer.id)

    response = checkout(client, customer)

    assert response.status_code == 409
    assert response.json()["code"] == "CART_EMPTY"
    assert shop.count("orders") == 0


def test_the_books_are_locked_by_the_last_statement_of_a_checkout_before_its_commit(
    client: LambdaClient, customer: Account, shop: Shop
) -> None:
    # A hot book's checkouts queue behind that lock: it is held for this statement and COMMIT.
    shop.fill_cart(customer, {shop.book(stock=3): 1, shop.book(stock=3): 2})
    with statements_sent(get_engine()) as sent:
        response = checkout(client, customer, key="one")

    assert response.status_code == 201, response.body
    locking = [i for i, sql in enumerate(sent) if locks_books(sql)]
    assert locking == [len(sent) - 1], sent


def locks_books(sql: str) -> bool:
    """Writes rows of books, or selects them with a row lock (the cart's lock is of its own rows)."""
    return "UPDATE books" in sql or ("FROM books" in sql and " FOR " in sql and " OF " not in sql)
