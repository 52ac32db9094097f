"""Idempotency-Key on POST /orders: a retry never creates a second order."""

from __future__ import annotations

from tests.orders.helpers import Shop, checkout
from tests.support.accounts import Account, make_account
from tests.support.lambda_client import LambdaClient

KEY = "4f1c2a7e-checkout-1"


def test_a_retry_with_the_same_key_replays_the_first_answer_and_creates_nothing(
    any_client: LambdaClient, customer: Account, shop: Shop
) -> None:
    book = shop.book(stock=5)
    shop.fill_cart(customer, {book: 2})
    first = checkout(any_client, customer, KEY)

    retry = checkout(any_client, customer, KEY)

    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json()
    assert retry.headers["idempotency-replayed"] == "true"
    assert "idempotency-replayed" not in first.headers
    assert shop.count("orders") == 1
    assert shop.stock(book) == 3
    assert len(shop.events("OrderPlaced")) == 1


def test_a_retry_replays_the_first_body_even_after_the_order_changed(
    client: LambdaClient, customer: Account, shop: Shop
) -> None:
    shop.fill_cart(customer, {shop.book(): 1})
    first = checkout(client, customer, KEY).json()
    client.post(f"/orders/{first['id']}/cancel", token=customer.token)

    retry = checkout(client, customer, KEY)

    assert retry.json() == first
    assert retry.json()["status"] == "pending"


def test_a_retry_while_the_cart_holds_the_same_lines_again_replays_and_keeps_the_cart(
    client: LambdaClient, customer: Account, shop: Shop
) -> None:
    book = shop.book(stock=5)
    shop.fill_cart(customer, {book: 2})
    first = checkout(client, customer, KEY)
    shop.fill_cart(customer, {book: 2})

    retry = checkout(client, customer, KEY)

    assert retry.status_code == 201
    assert retry.json()["id"] == first.json()["id"]
    assert retry.headers["idempotency-replayed"] == "true"
    assert shop.cart_of(customer) == {book: 2}
    assert shop.stock(book) == 3


def test_the_same_key_while_the_cart_holds_other_lines_is_422_key_reused(
    client: LambdaClient, customer: Account, shop: Shop
) -> None:
    book, other = shop.book(stock=5), shop.book(stock=5)
    shop.fill_cart(customer, {book: 2})
    checkout(client, customer, KEY)
    shop.fill_cart(customer, {other: 1})

    response = checkout(client, customer, KEY)

    assert response.status_code == 422
    assert response.json()["code"] == "IDEMPOTENCY_KEY_REUSED"
    assert response.json()["field"] == "idempotency-key"
    assert shop.count("orders") == 1
    assert shop.cart_of(customer) == {other: 1}


def test_a_new_key_with_the_same_lines_is_a_new_order(
    client: LambdaClient, customer: Account, shop: Shop
) -> None:
    book = shop.book(stock=5)
    shop.fill_cart(customer, {book: 1})
    first = checkout(client, customer, KEY)
    shop.fill_cart(customer, {book: 1})

    second = checkout(client, customer, "another-key")

    assert second.status_code == 201
    assert second.json()["id"] != first.json()["id"]
    assert shop.stock(book) == 3


def test_keys_belong_to_their_user(client: LambdaClient, customer: Account, shop: Shop) -> None:
    other = make_account(shop.database_url)
    book = shop.book(stock=5)
    shop.fill_cart(customer, {book: 1})
    shop.fill_cart(other, {book: 1})

    mine, theirs = checkout(client, customer, KEY), checkout(client, other, KEY)

    assert mine.status_code == theirs.status_code == 201
    assert mine.json()["id"] != theirs.json()["id"]
    assert "idempotency-replayed" not in theirs.headers


def test_a_failed_checkout_remembers_nothing_so_its_retry_can_succeed(
    client: LambdaClient, customer: Account, shop: Shop
) -> None:
    book = shop.book(stock=5)
    shop.fill_cart(customer, {book: 3})
    shop.sql("UPDATE books SET stock = 1 WHERE id = $1", book)
    assert checkout(client, customer, KEY).status_code == 409

    shop.sql("UPDATE books SET stock = 5 WHERE id = $1", book)
    retry = checkout(client, customer, KEY)

    assert retry.status_code == 201
    assert "idempotency-replayed" not in retry.headers


def test_an_empty_cart_with_an_unknown_key_is_still_409_cart_empty(
    client: LambdaClient, customer: Account
) -> None:
    assert checkout(client, customer, KEY).json()["code"] == "CART_EMPTY"


def test_a_key_older_than_24_hours_is_forgotten_and_makes_a_new_order(
    client: LambdaClient, customer: Account, shop: Shop
) -> None:
    book = shop.book(stock=5)
    shop.fill_cart(customer, {book: 1})
    first = checkout(client, customer, KEY)
    shop.sql("UPDATE idempotency_keys SET created_at = now() - interval '25 hours'")
    shop.fill_cart(customer, {book: 1})

    again = checkout(client, customer, KEY)

    assert again.status_code == 201
    assert again.json()["id"] != first.json()["id"]
    assert "idempotency-replayed" not in again.headers
    assert shop.count("idempotency_keys") == 1


def test_a_key_of_255_characters_is_accepted_and_one_of_256_is_422(
    client: LambdaClient, customer: Account, shop: Shop
) -> None:
    shop.fill_cart(customer, {shop.book(): 1})

    too_long = checkout(client, customer, "k" * 256)
    longest = checkout(client, customer, "k" * 255)

    assert too_long.status_code == 422
    assert too_long.json()["field"] == "idempotency-key"
    assert longest.status_code == 201


def test_an_empty_key_is_422(client: LambdaClient, customer: Account, shop: Shop) -> None:
    shop.fill_cart(customer, {shop.book(): 1})

    response = checkout(client, customer, "")

    assert response.status_code == 422
    assert shop.count("orders") == 0
