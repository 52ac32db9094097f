"""Errors that the rules of more than one function raise (codes from API.md)."""

from __future__ import annotations

from shared.errors import NotFoundError


class BookNotFoundError(NotFoundError):
    """No live book has this id: never listed, or deleted from the catalog."""

    default_code = "BOOK_NOT_FOUND"
    default_detail = "Book not found"
    default_field = "book_id"
