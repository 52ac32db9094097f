"""Every file of events/wishlist/ replayed through the real handler, placeholders filled in."""

from __future__ import annotations

import pytest

from functions.wishlist.app import handler
from tests.support.accounts import Account, make_book
from tests.support.databases import fetch, run
from tests.support.lambda_client import invoke
from tests.support.sample_events import filled_in, stale_events
from tests.wishlist import sample_events as samples

# (status, whether the book is in the customer's wishlist before the event)
EXPECTED = {
    "get-wishlist": (200, True),
    "put-wishlist-item": (201, False),
    "delete-wishlist-item": (204, True),
}


def test_the_committed_events_are_the_generated_ones() -> None:
    stale = stale_events(samples.EVENTS_DIR, samples.sample_events())

    assert stale == [], "regenerate them: uv run python -m tests.wishlist.sample_events"
    assert set(samples.sample_events()) == set(EXPECTED)


@pytest.mark.parametrize(("name", "expected"), sorted(EXPECTED.items()))
def test_each_sample_event_is_served_by_the_handler(
    customer: Account, database_url: str, name: str, expected: tuple[int, bool]
) -> None:
    status, in_wishlist = expected
    book = make_book(database_url)
    run(fetch(database_url, "UPDATE books SET id = $1 WHERE id = $2", samples.BOOK_ID, book))
    if in_wishlist:
        run(
            fetch(
                database_url,
                "INSERT INTO wishlist_items (user_id, book_id) VALUES ($1, $2)",
                customer.id,
                samples.BOOK_ID,
            )
        )
    event = filled_in(samples.EVENTS_DIR, name, {samples.ACCESS_TOKEN: customer.token})

    response = invoke(handler, event)

    assert response.status_code == status, response.body
