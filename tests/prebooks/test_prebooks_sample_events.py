"""Every file of events/prebooks/ replayed through the real handler, placeholders filled in."""

from __future__ import annotations

import pytest

from bookstore.lambda_context import LocalLambdaContext
from functions.prebooks.app import handler
from tests.prebooks import sample_events as samples
from tests.prebooks.helpers import Shelf
from tests.support.accounts import Account
from tests.support.lambda_client import invoke
from tests.support.sample_events import filled_in, stale_events

EXPECTED_STATUS = {"create-prebook": 201, "list-prebooks": 200, "cancel-prebook": 204}


def test_the_committed_events_are_the_generated_ones() -> None:
    stale = stale_events(samples.EVENTS_DIR, samples.sample_events())

    assert stale == [], "regenerate them: uv run python -m tests.prebooks.sample_events"
    assert set(samples.sample_events()) == {*EXPECTED_STATUS, "release-prebooks"}


@pytest.mark.parametrize(("name", "status"), sorted(EXPECTED_STATUS.items()))
def test_each_sample_http_event_is_served_by_the_handler(
    shelf: Shelf, customer: Account, name: str, status: int
) -> None:
    existing = shelf.prebook(customer, shelf.upcoming())
    event = filled_in(
        samples.EVENTS_DIR,
        name,
        {
            samples.ACCESS_TOKEN: customer.token,
            samples.BOOK_ID: shelf.upcoming(),
            samples.PREBOOK_ID: existing["id"],
        },
    )

    response = invoke(handler, event)

    assert response.status_code == status, response.body


def test_the_sample_schedule_input_runs_the_release_job(shelf: Shelf, customer: Account) -> None:
    book = shelf.upcoming()
    shelf.prebook(customer, book)
    shelf.release_today(book)
    event = filled_in(samples.EVENTS_DIR, "release-prebooks", {})

    result = handler(event, LocalLambdaContext())

    assert (result["ok"], result["fulfilled"]) == (True, 1)
