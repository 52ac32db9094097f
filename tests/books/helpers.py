"""Helpers of the Books tests: valid ISBNs, and walking every page of a listing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from functions.books.isbn import isbn13_check_digit
from tests.support.lambda_client import LambdaClient
from tests.support.pages import walk_items

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
    """Every book of every page of GET /books, following next_cursor to the end."""
    return walk_items(client, "/books", query, limit=limit)


def ids(items: list[dict[str, Any]]) -> list[str]:
    return [item["id"] for item in items]
