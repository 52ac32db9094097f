"""The Prebooks routes through the real handler: every route and code of API.md."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.prebooks.helpers import NEXT_MONTH, Shelf
from tests.support.accounts import Account, make_account, make_book
from tests.support.lambda_client import LambdaClient
from tests.support.pages import walk_items

UNKNOWN = "0190a6f8-0000-7000-8000-000000000000"


def post(client: LambdaClient, who: Account, body: dict[str, Any]) -> Any:
    return client.post("/prebooks", json_body=body, token=who.token)


def test_pre_booking_an_upcoming_book_is_201_with_the_pending_prebook(
    any_client: LambdaClient, customer: Account, database_url: str
) -> None:
    book = make_book(database_url, title="Next Big Thing", release_date=NEXT_MONTH)

    response = post(any_client, customer, {"book_id": book, "quantity": 3})

    assert response.status_code == 201, response.body
    prebook = response.json()
    assert set(prebook) == {
        "id",
        "book_id",
        "title",
        "quantity",
        "status",
        "order_id",
        "release_date",
        "created_at",
    }
    assert (prebook["book_id"], prebook["title"], prebook["quantity"]) == (
        book,
        "Next Big Thing",
        3,
    )
    assert (prebook["status"], prebook["order_id"]) == ("pending", None)
    assert prebook["release_date"] == NEXT_MONTH.isoformat()


def test_a_prebook_takes_no_stock(customer: Account, shelf: Shelf) -> None:
    book = shelf.upcoming(stock=4)

    shelf.prebook(customer, book, 3)

    assert shelf.stock(book) == 4


def test_an_unknown_or_deleted_book_is_404_book_not_found(
    client: LambdaClient, customer: Account, shelf: Shelf
) -> None:
    deleted = shelf.upcoming()
    shelf.sql("UPDATE books SET deleted_at = now() WHERE id = $1", deleted)

    for book in (UNKNOWN, deleted):
        response = post(client, customer, {"book_id": book, "quantity": 1})
        assert response.status_code == 404
        assert response.json()["code"] == "BOOK_NOT_FOUND"
    assert shelf.count("prebooks") == 0


@pytest.mark.parametrize("released_days_ago", [None, 0, 30])
def test_a_released_book_is_409_prebook_book_released(
    client: LambdaClient,
    customer: Account,
    database_url: str,
    shelf: Shelf,
    released_days_ago: int | None,
) -> None:
    release = (
        None
        if released_days_ago is None
        else datetime.now(UTC).date() - timedelta(days=released_days_ago)
    )
    book = make_book(database_url, release_date=release)

    response = post(client, customer, {"book_id": book, "quantity": 1})

    assert response.status_code == 409
    assert response.json()["code"] == "PREBOOK_BOOK_RELEASED"
    assert shelf.count("prebooks") == 0


def test_a_second_pending_prebook_of_the_same_book_is_409_prebook_exists(
    client: LambdaClient, customer: Account, shelf: Shelf
) -> None:
    book = shelf.upcoming()
    shelf.prebook(customer, book)

    response = post(client, customer, {"book_id": book, "quantity": 2})

    assert response.status_code == 409
    assert response.json()["code"] == "PREBOOK_EXISTS"
    assert shelf.count("prebooks") == 1


def test_after_cancelling_the_same_book_can_be_pre_booked_again(
    client: LambdaClient, customer: Account, shelf: Shelf
) -> None:
    book = shelf.upcoming()
    first = shelf.prebook(customer, book)
    client.delete(f"/prebooks/{first['id']}", token=customer.token)

    second = post(client, customer, {"book_id": book, "quantity": 2})

    assert second.status_code == 201
    assert shelf.statuses(first, second.json()) == ["cancelled", "pending"]


def test_two_users_may_each_pre_book_the_same_book(
    client: LambdaClient, customer: Account, shelf: Shelf
) -> None:
    book = shelf.upcoming()
    other = make_account(shelf.database_url)

    shelf.prebook(customer, book)

    assert post(client, other, {"book_id": book, "quantity": 1}).status_code == 201


@pytest.mark.parametrize(
    "body",
    [
        {"quantity": 0},
        {"quantity": 11},
        {"quantity": -1},
        {"quantity": "two"},
        {"quantity": 1.5},
        {"quantity": None},
        {"book_id": "not-a-uuid"},
        {"book_id": None},
        {"note": "gift"},
    ],
    ids=["zero", "eleven", "negative", "word", "fraction", "null", "bad-id", "null-id", "extra"],
)
def test_bad_input_is_422_and_writes_nothing(
    client: LambdaClient, customer: Account, shelf: Shelf, body: dict[str, Any]
) -> None:
    book = shelf.upcoming()

    response = post(client, customer, {"book_id": book, "quantity": 1, **body})

    assert response.status_code == 422, response.body
    assert response.json()["code"] == "VALIDATION_ERROR"
    assert shelf.count("prebooks") == 0


def test_a_whole_quantity_written_with_a_fraction_is_that_integer(
    client: LambdaClient, customer: Account, database_url: str
) -> None:
    # JSON Schema's integer, which the document promises, is any number without a fraction.
    book = make_book(database_url, release_date=NEXT_MONTH)

    response = post(client, customer, {"book_id": book, "quantity": 9.0})

    assert response.status_code == 201, response.body
    assert response.json()["quantity"] == 9


def test_a_body_without_a_book_or_a_quantity_is_422(
    client: LambdaClient, customer: Account, shelf: Shelf
) -> None:
    assert post(client, customer, {"quantity": 1}).status_code == 422
    assert post(client, customer, {"book_id": shelf.upcoming()}).status_code == 422


def test_the_list_holds_only_the_callers_prebooks_newest_first_page_by_page(
    client: LambdaClient, customer: Account, shelf: Shelf
) -> None:
    other = make_account(shelf.database_url)
    mine = [shelf.prebook(customer, shelf.upcoming()) for _ in range(5)]
    shelf.prebook(other, shelf.upcoming())

    items = walk_items(client, "/prebooks", limit=2, token=customer.token)

    assert [item["id"] for item in items] == [prebook["id"] for prebook in reversed(mine)]


def test_a_prebook_of_a_book_taken_out_of_the_catalog_stays_listed_under_the_books_title(
    client: LambdaClient, customer: Account, shelf: Shelf
) -> None:
    book = shelf.upcoming()
    prebook = shelf.prebook(customer, book)
    shelf.sql("UPDATE books SET title = 'Withdrawn', deleted_at = now() WHERE id = $1", book)

    listed = client.get("/prebooks", token=customer.token).json()["items"]

    assert [(item["id"], item["title"], item["status"]) for item in listed] == [
        (prebook["id"], "Withdrawn", "pending")
    ]


def test_cancelling_is_204_and_the_prebook_shows_as_cancelled(
    any_client: LambdaClient, customer: Account, shelf: Shelf
) -> None:
    prebook = shelf.prebook(customer, shelf.upcoming())

    response = any_client.delete(f"/prebooks/{prebook['id']}", token=customer.token)

    assert response.status_code == 204
    assert response.body == ""
    listed = any_client.get("/prebooks", token=customer.token).json()["items"]
    assert [(item["id"], item["status"]) for item in listed] == [(prebook["id"], "cancelled")]


def test_cancelling_twice_is_204_both_times(
    client: LambdaClient, customer: Account, shelf: Shelf
) -> None:
    prebook = shelf.prebook(customer, shelf.upcoming())

    statuses = [
        client.delete(f"/prebooks/{prebook['id']}", token=customer.token).status_code
        for _ in range(2)
    ]

    assert statuses == [204, 204]


def test_someone_elses_or_an_unknown_prebook_is_404_prebook_not_found(
    client: LambdaClient, customer: Account, shelf: Shelf
) -> None:
    theirs = shelf.prebook(make_account(shelf.database_url), shelf.upcoming())

    for prebook_id in (theirs["id"], UNKNOWN):
        response = client.delete(f"/prebooks/{prebook_id}", token=customer.token)
        assert response.status_code == 404
        assert response.json()["code"] == "PREBOOK_NOT_FOUND"
    assert shelf.statuses(theirs) == ["pending"]


def test_a_malformed_prebook_id_is_422_on_the_prebook_id(
    client: LambdaClient, customer: Account
) -> None:
    response = client.delete("/prebooks/42", token=customer.token)

    assert response.status_code == 422
    assert response.json()["field"] == "prebook_id"


def test_every_prebook_route_needs_a_token(client: LambdaClient, shelf: Shelf) -> None:
    calls = [
        client.post("/prebooks", json_body={"book_id": shelf.upcoming(), "quantity": 1}),
        client.get("/prebooks"),
        client.delete(f"/prebooks/{UNKNOWN}"),
    ]

    assert [call.status_code for call in calls] == [401] * 3
    assert all(call.headers["www-authenticate"] == "Bearer" for call in calls)


def test_a_token_of_an_account_that_no_longer_exists_is_401_and_writes_nothing(
    client: LambdaClient, customer: Account, shelf: Shelf
) -> None:
    book = shelf.upcoming()
    shelf.sql("DELETE FROM users WHERE id = $1", customer.id)

    response = post(client, customer, {"book_id": book, "quantity": 1})

    assert response.status_code == 401
    assert shelf.count("prebooks") == 0


def test_the_openapi_document_describes_every_prebook_route_and_its_errors(
    client: LambdaClient,
) -> None:
    document = client.get("/prebooks/openapi.json").json()

    operations = {
        (method.upper(), path): operation
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
    }
    assert set(operations) == {
        ("POST", "/prebooks"),
        ("GET", "/prebooks"),
        ("DELETE", "/prebooks/{prebook_id}"),
    }
    assert {"401", "404", "409", "422"} <= set(operations[("POST", "/prebooks")]["responses"])
    assert {"404", "409"} <= set(operations[("DELETE", "/prebooks/{prebook_id}")]["responses"])
    assert client.get("/prebooks/docs").status_code == 200
