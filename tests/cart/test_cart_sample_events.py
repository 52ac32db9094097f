"""Every file of events/cart/ replayed through the real handler, placeholders filled in."""

from __future__ import annotations

import pytest

from functions.cart.app import handler
from tests.cart import sample_events as samples
from tests.support.accounts import Account, make_book
from tests.support.databases import fetch, run
from tests.support.lambda_client import invoke
from tests.support.sample_events import filled_in, stale_events

EXPECTED_STATUS = {
    "get-cart": 200,
    "put-cart-item": 200,
    "delete-cart-item": 200,
    "clear-cart": 204,
}


def test_the_committed_events_are_the_generated_ones() -> None:
    stale = stale_events(samples.EVENTS_DIR, samples.sample_events())

    assert stale == [], "regenerate them: uv run python -m tests.cart.sample_events"
    assert set(samples.sample_events()) == set(EXPECTED_STATUS)


@pytest.mark.parametrize(("name", "status"), sorted(EXPECTED_STATUS.items()))
def test_each_sample_event_is_served_by_the_handler(
    customer: Account, database_url: str, name: str, status: int
) -> None:
    book = make_book(database_url, stock=5)
    run(fetch(database_url, "UPDATE books SET id = $1 WHERE id = $2", samples.BOOK_ID, book))
    run(
        fetch(
            database_url,
            "INSERT INTO cart_items (user_id, book_id, quantity) VALUES ($1, $2, 1)",
            customer.id,
            samples.BOOK_ID,
        )
    )
    event = filled_in(samples.EVENTS_DIR, name, {samples.ACCESS_TOKEN: customer.token})

    response = invoke(handler, event)

    assert response.status_code == status, response.body
