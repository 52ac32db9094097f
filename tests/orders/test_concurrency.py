"""Checkouts and cancellations racing each other from separate processes (Lambda environments).

Each race starts with every process's first request queued behind a row lock the test holds, so
they all really are inside their transactions at once when it is released.
"""

from __future__ import annotations

from multiprocessing.pool import Pool

from tests.orders import workers
from tests.orders.helpers import Shop, checkout
from tests.support.accounts import Account, make_account
from tests.support.lambda_client import LambdaClient
from tests.support.races import race

PROCESSES = 4


def test_concurrent_checkouts_for_more_copies_than_exist_sell_exactly_the_stock(
    process_pool: Pool, database_url: str, shop: Shop
) -> None:
    stock = 5
    book = shop.book(stock=stock)
    buyers = [make_account(database_url) for _ in range(3 * PROCESSES)]
    for buyer in buyers:
        shop.fill_cart(buyer, {book: 1})
    batches = [[buyer.token for buyer in buyers[i::PROCESSES]] for i in range(PROCESSES)]

    answers: list[list[tuple[int, bool]]] = race(
        database_url,
        hold=("SELECT 1 FROM books WHERE id = $1 FOR UPDATE", book),
        start=lambda: [
            process_pool.apply_async(workers.checkout_each, (database_url, batch, None))
            for batch in batches
        ],
        waiters=PROCESSES,
    )

    statuses = sorted(status for batch in answers for status, _ in batch)
    assert statuses == [201] * stock + [409] * (len(buyers) - stock)
    assert shop.stock(book) == 0
    assert shop.count("orders") == stock
    assert len(shop.events("OrderPlaced")) == stock


def test_concurrent_retries_with_one_key_make_one_order(
    process_pool: Pool, database_url: str, customer: Account, shop: Shop
) -> None:
    book = shop.book(stock=10)
    shop.fill_cart(customer, {book: 2})

    answers: list[list[tuple[int, bool]]] = race(
        database_url,
        hold=("SELECT 1 FROM cart_items WHERE user_id = $1 FOR UPDATE", customer.id),
        start=lambda: [
            process_pool.apply_async(
                workers.checkout_each, (database_url, [customer.token], "one-key")
            )
            for _ in range(PROCESSES)
        ],
        waiters=PROCESSES,
    )

    flat = [answer for batch in answers for answer in batch]
    assert sorted(flat) == [(201, False)] + [(201, True)] * (PROCESSES - 1)
    assert shop.count("orders") == 1
    assert shop.stock(book) == 8
    assert len(shop.events("OrderPlaced")) == 1


def test_an_order_cancelled_twice_at_once_returns_its_stock_exactly_once(
    process_pool: Pool, client: LambdaClient, database_url: str, customer: Account, shop: Shop
) -> None:
    book = shop.book(stock=10)
    shop.fill_cart(customer, {book: 4})
    order_id = checkout(client, customer).json()["id"]

    statuses: list[int] = race(
        database_url,
        hold=("SELECT 1 FROM orders WHERE id = $1 FOR UPDATE", order_id),
        start=lambda: [
            process_pool.apply_async(workers.cancel, (database_url, customer.token, order_id))
            for _ in range(2)
        ],
        waiters=2,
    )

    assert sorted(statuses) == [200, 409]
    assert shop.stock(book) == 10
    assert len(shop.events("OrderCancelled")) == 1


def test_a_line_put_in_the_cart_while_a_checkout_runs_stays_in_the_cart(
    process_pool: Pool, database_url: str, customer: Account, shop: Shop
) -> None:
    ordered, added_meanwhile = shop.book(stock=5), shop.book(stock=5)
    shop.fill_cart(customer, {ordered: 1})

    answers: list[list[tuple[int, bool]]] = race(
        database_url,
        hold=("SELECT 1 FROM books WHERE id = $1 FOR UPDATE", ordered),
        start=lambda: [
            process_pool.apply_async(workers.checkout_each, (database_url, [customer.token], None))
        ],
        waiters=1,
        meanwhile=lambda: shop.fill_cart(customer, {added_meanwhile: 2}),
    )

    assert answers == [[(201, False)]]
    assert shop.cart_of(customer) == {added_meanwhile: 2}
    assert shop.stock(added_meanwhile) == 5
