"""Helpers of the Books tests: valid ISBNs, and walking every page of a listing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from functions.books.isbn import isbn13_check_digit
from tests.support.lambda_client import LambdaClient

AddBook = Callable[..., dict[str, Any]]

# A valid create body; ISBN-13 978-0-261-10221-7 is this ISBN-10 0-261-10221-4.
HOBBIT = {
    "isbn": "978-0-261-10221-7",
    "title": "  The Hobbit ",
    "author": "J. R. R. Tolkien",
    "description": "Bilbo Baggins goes there and back again.",
    "genre": "Fantasy",
    "price": "12.5",
    "stock": 3,
    "release_date": "1937-09-21",
}


def isbn13(serial: int) -> str:
    """A valid ISBN-13 for a small number: 978-0-000-serial-check."""
    first_twelve = f"978{serial:09d}"
    return first_twelve + isbn13_check_digit(first_twelve)


def walk(client: LambdaClient, query: dict[str, str], limit: int = 4) -> list[dict[str, Any]]:
    """Every item of every page, following next_cursor to the end."""
    items: list[dict[str, Any]] = []
    params = {**query, "limit": str(limit)}
    while True:
        response = client.get("/books", query=params)
        assert response.status_code == 200, response.body
        page = response.json()
        assert len(page["items"]) <= limit
        items.extend(page["items"])
        if page["next_cursor"] is None:
            return items
        params["cursor"] = page["next_cursor"]


def ids(items: list[dict[str, Any]]) -> list[str]:
    return [item["id"] for item in items]
