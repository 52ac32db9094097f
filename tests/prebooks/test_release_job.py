"""The release job through the real handler, from the EventBridge scheduled event its schedule
sends: oldest first, strictly; nothing fulfilled twice; the orders are ordinary orders."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from bookstore.cli import main
from functions.orders.app import handler as orders_handler
from functions.prebooks import release
from tests.prebooks.helpers import Shelf, release_job
from tests.support.accounts import Account, make_account
from tests.support.lambda_client import LambdaClient


def buyers(shelf: Shelf, count: int) -> list[Account]:
    return [make_account(shelf.database_url) for _ in range(count)]


def test_released_prebooks_become_orders_oldest_first_and_the_line_stops_at_the_first_misfit(
    shelf: Shelf,
) -> None:
    book = shelf.upcoming(stock=5)
    first, second, third = buyers(shelf, 3)
    wants_two = shelf.prebook(first, book, 2)
    wants_four = shelf.prebook(second, book, 4)
    wants_one = shelf.prebook(third, book, 1)
    shelf.release_today(book)

    summary = release_job()

    assert summary == {
        "ok": True,
        "books_seen": 1,
        "fulfilled": 1,
        "left_pending": 2,
        "out_of_time": False,
    }
    # The one copy left would fit the third, but the second is ahead of it in line.
    assert shelf.statuses(wants_two, wants_four, wants_one) == ["fulfilled", "pending", "pending"]
    assert shelf.stock(book) == 3


def test_new_stock_lets_the_line_move_on_at_the_next_run(shelf: Shelf) -> None:
    book = shelf.upcoming(stock=1)
    first, second = buyers(shelf, 2)
    big, small = shelf.prebook(first, book, 3), shelf.prebook(second, book, 1)
    shelf.release_today(book)
    release_job()
    shelf.sql("UPDATE books SET stock = 10 WHERE id = $1", book)

    summary = release_job()

    assert (summary["fulfilled"], summary["left_pending"]) == (2, 0)
    assert shelf.statuses(big, small) == ["fulfilled", "fulfilled"]
    assert shelf.stock(book) == 6


def test_the_order_is_an_ordinary_order_at_the_price_of_release_day_in_the_buyers_orders(
    shelf: Shelf, customer: Account
) -> None:
    book = shelf.upcoming(price="30.00")
    prebook = shelf.prebook(customer, book, 2)
    shelf.sql("UPDATE books SET price = 25.00 WHERE id = $1", book)
    shelf.release_today(book)

    release_job()

    listed = shelf.client.get("/prebooks", token=customer.token).json()["items"][0]
    assert listed["status"] == "fulfilled"
    orders = LambdaClient(orders_handler).get("/orders", token=customer.token).json()["items"]
    assert [order["id"] for order in orders] == [listed["order_id"]]
    assert orders[0]["items"][0]["book_id"] == book
    assert (orders[0]["items"][0]["unit_price"], orders[0]["total"]) == ("25.00", "50.00")
    assert orders[0]["status"] == "pending"
    assert prebook["id"] == listed["id"]


def test_each_fulfilment_publishes_order_placed_then_prebook_fulfilled(
    shelf: Shelf, customer: Account
) -> None:
    book, prebook = shelf.due(customer)

    release_job()

    assert shelf.event_types() == ["OrderPlaced", "PrebookFulfilled"]
    detail = json.loads(shelf.sql("SELECT payload FROM outbox_events ORDER BY id")[1]["payload"])
    order_id = str(shelf.sql("SELECT id FROM orders")[0]["id"])
    assert detail["prebook_id"] == prebook["id"]
    assert (detail["order_id"], detail["user_id"], detail["book_id"]) == (
        order_id,
        customer.id,
        book,
    )
    assert detail["quantity"] == 1
    assert "event_id" in detail


def test_a_second_run_fulfils_nothing_twice(shelf: Shelf) -> None:
    book = shelf.upcoming(stock=3)
    for buyer in buyers(shelf, 2):
        shelf.prebook(buyer, book, 1)
    shelf.release_today(book)
    release_job()

    again = release_job()

    assert (again["books_seen"], again["fulfilled"]) == (0, 0)
    assert shelf.count("orders") == 2
    assert shelf.stock(book) == 1


def test_books_still_in_the_future_and_cancelled_prebooks_are_left_alone(
    shelf: Shelf, customer: Account
) -> None:
    future = shelf.upcoming()
    released = shelf.upcoming()
    waiting = shelf.prebook(customer, future, 1)
    cancelled = shelf.prebook(make_account(shelf.database_url), released, 1)
    shelf.client.delete(f"/prebooks/{cancelled['id']}", token=_token_of(shelf, cancelled))
    shelf.release_today(released)

    summary = release_job()

    assert (summary["books_seen"], summary["fulfilled"]) == (0, 0)
    assert shelf.statuses(waiting, cancelled) == ["pending", "cancelled"]
    assert shelf.count("orders") == 0


def test_a_deleted_book_is_not_released(shelf: Shelf, customer: Account) -> None:
    book, prebook = shelf.due(customer)
    shelf.sql("UPDATE books SET deleted_at = now() WHERE id = $1", book)

    assert release_job()["books_seen"] == 0
    assert shelf.statuses(prebook) == ["pending"]


def test_a_fulfilled_prebook_can_no_longer_be_cancelled(shelf: Shelf, customer: Account) -> None:
    _, prebook = shelf.due(customer)
    release_job()

    response = shelf.client.delete(f"/prebooks/{prebook['id']}", token=customer.token)

    assert response.status_code == 409
    assert response.json()["code"] == "PREBOOK_NOT_CANCELLABLE"


def test_the_job_answers_a_direct_invocation_and_emits_its_counts_as_metrics(
    shelf: Shelf, customer: Account, capsys: pytest.CaptureFixture[str]
) -> None:
    from bookstore.lambda_context import LocalLambdaContext
    from functions.prebooks.app import handler

    shelf.due(customer)
    capsys.readouterr()

    result = handler({"action": "release-prebooks"}, LocalLambdaContext())

    assert (result["ok"], result["fulfilled"]) == (True, 1)
    metric_lines = [
        json.loads(line) for line in capsys.readouterr().out.splitlines() if '"_aws"' in line
    ]
    emitted = {name: line[name] for line in metric_lines for name in line if name[0].isupper()}
    assert emitted["PrebooksFulfilled"] in (1, 1.0, [1.0])
    assert emitted["PrebookBooksSeen"] in (1, 1.0, [1.0])
    assert emitted["PrebooksLeftPending"] in (0, 0.0, [0.0])


def test_the_release_command_runs_the_job_once_and_prints_its_summary(
    shelf: Shelf, customer: Account, capsys: pytest.CaptureFixture[str]
) -> None:
    shelf.due(customer)
    capsys.readouterr()

    with pytest.raises(SystemExit) as exited:
        main(["release-prebooks"])

    assert exited.value.code == 0
    printed = capsys.readouterr().out
    summary = json.loads(printed[printed.index("{\n") :])
    assert (summary["books_seen"], summary["fulfilled"]) == (1, 1)


def test_the_release_date_is_a_utc_calendar_day(shelf: Shelf, customer: Account) -> None:
    tomorrow = datetime.now(UTC).date() + timedelta(days=1)
    book = shelf.upcoming(on=tomorrow)
    shelf.prebook(customer, book, 1)

    assert release_job()["books_seen"] == 0


def _token_of(shelf: Shelf, prebook: dict[str, object]) -> str:
    from shared.auth.tokens import create_access_token

    owner = shelf.sql("SELECT user_id FROM prebooks WHERE id = $1", prebook["id"])[0]["user_id"]
    return create_access_token(owner, "customer")[0]


def test_batches_release_the_line_in_first_come_order_up_to_the_stock(
    shelf: Shelf, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(release, "BATCH", 2)
    book = shelf.upcoming(stock=4)
    line = [shelf.prebook(buyer, book, 1) for buyer in buyers(shelf, 5)]
    shelf.release_today(book)

    summary = release_job()

    assert (summary["fulfilled"], summary["left_pending"]) == (4, 1)
    assert shelf.statuses(*line) == ["fulfilled"] * 4 + ["pending"]
    ordered = shelf.sql(
        "SELECT p.id FROM prebooks p JOIN orders o ON o.id = p.order_id ORDER BY o.id"
    )
    assert [str(row["id"]) for row in ordered] == [prebook["id"] for prebook in line[:4]]
    assert shelf.stock(book) == 0
    assert (
        shelf.event_types()
        == ["OrderPlaced"] * 2
        + ["PrebookFulfilled"] * 2
        + ["OrderPlaced"] * 2
        + ["PrebookFulfilled"] * 2
    )
