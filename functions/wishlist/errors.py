"""The Wishlist function's own domain errors (codes from API.md)."""

from __future__ import annotations

from shared.errors import NotFoundError


class WishlistItemNotFoundError(NotFoundError):
    default_code = "WISHLIST_ITEM_NOT_FOUND"
    default_detail = "This book is not in the wishlist"
    default_field = "book_id"
