"""Every committed sample event of the Books function, replayed through its handler."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from functions.books.app import handler
from tests.books.helpers import isbn13
from tests.support.databases import fetch, run
from tests.support.lambda_client import invoke

EVENTS_DIR = Path(__file__).resolve().parents[2] / "events" / "books"
SAMPLE_BOOK_ID = "0193a5c0-4b1e-7c2a-9f00-00000000b001"
TOKEN_PLACEHOLDER = "REPLACE_WITH_ADMIN_ACCESS_TOKEN"
EXPECTED_STATUS = {
    "list-books.json": 200,
    "search-books.json": 200,
    "filter-books.json": 200,
    "get-book.json": 200,
    "get-unknown-book.json": 404,
    "create-book.json": 201,
    "create-book-without-token.json": 401,
    "patch-book.json": 200,
    "delete-book.json": 204,
    "get-books-openapi.json": 200,
}


def load_event(name: str, admin_token: str) -> dict[str, Any]:
    """The event as `sam local invoke -e` would send it, with a real token in the placeholder."""
    text = (EVENTS_DIR / name).read_text().replace(TOKEN_PLACEHOLDER, admin_token)
    event: dict[str, Any] = json.loads(text)
    return event


@pytest.fixture
def sample_book(database_url: str) -> None:
    run(
        fetch(
            database_url,
            """INSERT INTO books (id, isbn, title, author, genre, price, stock)
               VALUES ($1, $2, 'The Hobbit', 'J. R. R. Tolkien', 'Fantasy', 12.99, 3)
               RETURNING id""",
            SAMPLE_BOOK_ID,
            isbn13(1),
            database=database_url.rsplit("/", 1)[1],
        )
    )


def test_every_books_event_file_has_an_expected_answer() -> None:
    assert {path.name for path in EVENTS_DIR.glob("*.json")} == set(EXPECTED_STATUS)


@pytest.mark.parametrize(("name", "status"), sorted(EXPECTED_STATUS.items()))
def test_books_sample_event_is_answered(
    name: str, status: int, sample_book: None, admin_token: str
) -> None:
    event = load_event(name, admin_token)

    response = invoke(handler, event)

    assert response.status_code == status, response.body
    assert response.headers["x-request-id"] == event["requestContext"]["requestId"]


def test_the_search_event_finds_the_sample_book_despite_its_typo(
    sample_book: None, admin_token: str
) -> None:
    response = invoke(handler, load_event("search-books.json", admin_token))

    assert [item["id"] for item in response.json()["items"]] == [SAMPLE_BOOK_ID]
