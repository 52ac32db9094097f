"""Every committed sample event of the Books function, replayed through its handler."""

from __future__ import annotations

from typing import Any

import pytest

from functions.books.app import handler
from tests.books.helpers import isbn13
from tests.support.databases import fetch, run
from tests.support.lambda_client import invoke
from tests.support.sample_events import event_files, load_event

SAMPLE_BOOK_ID = "0193a5c0-4b1e-7c2a-9f00-00000000b001"
TOKEN_PLACEHOLDER = "REPLACE_WITH_ADMIN_ACCESS_TOKEN"
EXPECTED_STATUS = {
    "books/list-books.json": 200,
    "books/search-books.json": 200,
    "books/filter-books.json": 200,
    "books/get-book.json": 200,
    "books/get-unknown-book.json": 404,
    "books/create-book.json": 201,
    "books/create-book-without-token.json": 401,
    "books/patch-book.json": 200,
    "books/delete-book.json": 204,
    "books/get-books-openapi.json": 200,
}


def with_token(event: dict[str, Any], admin_token: str) -> dict[str, Any]:
    """The event with a real token where the committed file has the placeholder."""
    headers: dict[str, str] = event.get("headers") or {}
    for name, value in headers.items():
        headers[name] = value.replace(TOKEN_PLACEHOLDER, admin_token)
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
        )
    )


def test_every_books_event_file_has_an_expected_answer() -> None:
    assert set(event_files("books")) == set(EXPECTED_STATUS)


@pytest.mark.parametrize(("path", "status"), sorted(EXPECTED_STATUS.items()))
def test_books_sample_event_is_answered(
    path: str, status: int, sample_book: None, admin_token: str
) -> None:
    event = with_token(load_event(path), admin_token)

    response = invoke(handler, event)

    assert response.status_code == status, response.body
    assert response.headers["x-request-id"] == event["requestContext"]["requestId"]


def test_the_search_event_finds_the_sample_book_despite_its_typo(
    sample_book: None, admin_token: str
) -> None:
    response = invoke(handler, with_token(load_event("books/search-books.json"), admin_token))

    assert [item["id"] for item in response.json()["items"]] == [SAMPLE_BOOK_ID]
