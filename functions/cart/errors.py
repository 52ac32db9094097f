"""The Cart function's own domain errors (codes from API.md)."""

from __future__ import annotations

from shared.errors import ConflictError, NotFoundError


class CartItemNotFoundError(NotFoundError):
    default_code = "CART_ITEM_NOT_FOUND"
    default_detail = "This book is not in the cart"
    default_field = "book_id"


class BookNotReleasedError(ConflictError):
    default_code = "BOOK_NOT_RELEASED"
    default_detail = "This book is not released yet: pre-book it instead"
    default_field = "book_id"


class QuantityOverStockError(ConflictError):
    default_code = "CART_OUT_OF_STOCK"
    default_field = "quantity"

    def __init__(self, *, in_stock: int) -> None:
        super().__init__(f"Only {in_stock} in stock")
