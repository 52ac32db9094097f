"""What a cart holds, for the Cart function (to show it) and the Orders function (to check it
out): the user's lines of books still in the catalog, oldest first. A line of a book deleted from
the catalog is left out: it can no longer be bought."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, select

from shared.db.tables.books import books
from shared.db.tables.cart import cart_items


def cart_lines(user_id: ColumnElement[Any] | Any, *columns: Any) -> Select[Any]:
    """`columns` of each of the user's lines (`cart_items` joined with `books`)."""
    return (
        select(*columns)
        .join(books, books.c.id == cart_items.c.book_id)
        .where(cart_items.c.user_id == user_id, books.c.deleted_at.is_(None))
        .order_by(cart_items.c.added_at, cart_items.c.book_id)
    )
