"""Errors that the rules of more than one function raise (codes from API.md)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from shared.errors import ConflictError, NotFoundError, UnauthorizedError


class BookNotFoundError(NotFoundError):
    """No live book has this id: never listed, or deleted from the catalog."""

    default_code = "BOOK_NOT_FOUND"
    default_detail = "Book not found"
    default_field = "book_id"


class AccountUnavailableError(UnauthorizedError):
    """A validly signed token whose account no longer exists (or is disabled)."""

    default_code = "AUTH_INVALID_TOKEN"
    default_detail = "The account of this token no longer exists or is disabled"


UnavailableReason = Literal["out_of_stock", "not_released", "not_in_catalog"]


@dataclass(frozen=True, slots=True)
class UnavailableLine:
    book_id: uuid.UUID
    reason: UnavailableReason
    requested: int
    in_stock: int

    def describe(self) -> str:
        if self.reason == "out_of_stock":
            return f"{self.book_id}: {self.requested} wanted, {self.in_stock} in stock"
        if self.reason == "not_released":
            return f"{self.book_id}: not released yet"
        return f"{self.book_id}: no longer in the catalog"


class OutOfStockError(ConflictError):
    """Some lines of a checkout cannot be served. Every such line is named, not only the first."""

    default_code = "CART_OUT_OF_STOCK"
    default_detail = "Not enough stock"

    def __init__(self, lines: Sequence[UnavailableLine]) -> None:
        self.lines = tuple(lines)
        detail = "Not enough stock for " + "; ".join(line.describe() for line in self.lines)
        super().__init__(detail, field=str(self.lines[0].book_id))
