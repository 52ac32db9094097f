"""The Books function's own domain errors (codes from API.md)."""

from __future__ import annotations

from shared.errors import ConflictError


class BookIsbnExistsError(ConflictError):
    default_code = "BOOK_ISBN_EXISTS"
    default_detail = "Another book in the catalog has this ISBN"
    default_field = "isbn"
