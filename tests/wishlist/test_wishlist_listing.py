"""GET /wishlist: the caller's entries newest first, in keyset pages that stay stable."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from shared.http.pagination import encode_cursor, id_cursor
from tests.support.accounts import Account, make_book
from tests.support.databases import fetch, run
from tests.support.lambda_client import LambdaClient
from tests.support.pages import walk_items, walk_pages
from tests.wishlist.helpers import add, book_ids

SOME_BOOK = str(uuid.UUID(int=1))


def fill(client: LambdaClient, who: Account, database_url: str, count: int) -> list[str]:
    """Adds `count` new books one by one: their ids, oldest entry first."""
    books = [make_book(database_url) for _ in range(count)]
    for book in books:
        assert add(client, who, book).status_code == 201
    return books


def test_the_wishlist_lists_the_newest_entry_first_on_every_page(
    client: LambdaClient, customer: Account, database_url: str
) -> None:
    added = fill(client, customer, database_url, 5)

    walk = walk_pages(client, "/wishlist", limit=2, token=customer.token)

    assert book_ids(walk.items) == list(reversed(added))
    assert [len(page["items"]) for page in walk.pages] == [2, 2, 1]


def test_a_wishlist_that_exactly_fills_a_page_has_no_next_cursor(
    client: LambdaClient, customer: Account, database_url: str
) -> None:
    fill(client, customer, database_url, 3)

    page = client.get("/wishlist", query={"limit": "3"}, token=customer.token).json()

    assert len(page["items"]) == 3
    assert page["next_cursor"] is None


def test_pages_stay_stable_while_books_are_added_between_them(
    client: LambdaClient, customer: Account, database_url: str
) -> None:
    older = fill(client, customer, database_url, 7)

    def add_another(page: dict[str, Any]) -> None:
        fill(client, customer, database_url, 1)

    walk = walk_pages(client, "/wishlist", limit=2, token=customer.token, between_pages=add_another)

    assert book_ids(walk.items) == list(reversed(older))
    assert len(walk.pages) == 4


def test_entries_added_at_the_same_instant_are_paged_by_book_id_without_repeats_or_skips(
    client: LambdaClient, customer: Account, database_url: str
) -> None:
    books = [make_book(database_url) for _ in range(4)]
    instant = datetime(2026, 3, 1, 12, 0, 0, 123456, tzinfo=UTC)
    for book in books:
        run(
            fetch(
                database_url,
                "INSERT INTO wishlist_items (user_id, book_id, added_at) VALUES ($1, $2, $3)",
                customer.id,
                book,
                instant,
            )
        )

    items = walk_items(client, "/wishlist", limit=1, token=customer.token)

    assert book_ids(items) == sorted(books, key=uuid.UUID, reverse=True)
    assert {datetime.fromisoformat(item["added_at"]) for item in items} == {instant}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"limit": "0"}, "limit"),
        ({"limit": "101"}, "limit"),
        ({"limit": "-1"}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"cursor": "c" * 1025}, "cursor"),
    ],
)
def test_bad_page_parameters_are_422_naming_the_parameter(
    client: LambdaClient, customer: Account, query: dict[str, str], field: str
) -> None:
    response = client.get("/wishlist", query=query, token=customer.token)

    assert response.status_code == 422
    assert response.json()["code"] == "VALIDATION_ERROR"
    assert response.json()["field"] == field


def cursor(key: Any, last_id: Any = SOME_BOOK, **extra: Any) -> str:
    return encode_cursor({"k": key, "id": last_id, **extra})


@pytest.mark.parametrize(
    "bad_cursor",
    [
        "not base64 !",
        encode_cursor({"k": "2026-01-01T00:00:00+00:00"}),
        cursor("yesterday"),
        cursor("2026-01-01T00:00:00"),
        cursor(1767225600),
        cursor(None),
        cursor("2026-01-01T00:00:00+00:00", "nope"),
        cursor("2026-01-01T00:00:00+00:00", 5),
        cursor("2026-01-01T00:00:00+00:00", extra=1),
        cursor("0001-01-01T00:00:00+05:00"),
        cursor("9999-12-31T23:59:59-05:00"),
        cursor("2026-01-01T00:00:00\x00+00:00"),
        cursor("\ud800"),
        encode_cursor({"s": "title", "k": "Dune", "id": SOME_BOOK}),
        id_cursor(uuid.UUID(SOME_BOOK)),
        "WzEsMl0",  # a JSON list, not an object
    ],
    ids=[
        "not-base64",
        "no-id",
        "not-a-time",
        "naive-time",
        "epoch-number",
        "null-time",
        "id-not-a-uuid",
        "id-a-number",
        "extra-key",
        "before-year-one-in-utc",
        "after-year-9999-in-utc",
        "nul-in-time",
        "lone-surrogate",
        "a-books-cursor",
        "an-id-cursor",
        "json-list",
    ],
)
def test_a_bad_or_forged_cursor_is_422_on_the_cursor_field(
    client: LambdaClient, customer: Account, bad_cursor: str
) -> None:
    response = client.get("/wishlist", query={"cursor": bad_cursor}, token=customer.token)

    assert response.status_code == 422, response.body
    assert response.json()["code"] == "VALIDATION_ERROR"
    assert response.json()["field"] == "cursor"


@pytest.mark.parametrize(
    ("key", "items"),
    [("0001-01-01T00:00:00+00:00", 0), ("9999-12-31T23:59:59.999999+00:00", 1)],
    ids=["earliest", "latest"],
)
def test_a_cursor_at_either_end_of_time_is_served_not_refused(
    client: LambdaClient, customer: Account, database_url: str, key: str, items: int
) -> None:
    fill(client, customer, database_url, 1)

    response = client.get("/wishlist", query={"cursor": cursor(key)}, token=customer.token)

    assert response.status_code == 200, response.body
    assert len(response.json()["items"]) == items
