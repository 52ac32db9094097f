"""Queries of the Wishlist function. Never commits: the request's session owns the transaction."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import RowMapping, SQLColumnExpression, bindparam, delete, literal, select, tuple_
from sqlalchemy.dialects.postgresql import insert

from functions.wishlist.listing import Position
from shared.domain.availability import available
from shared.models import Book, WishlistItem

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

USER_FOREIGN_KEY = "fk_wishlist_items_user_id_users"


def entry_columns(today: date) -> list[SQLColumnExpression[Any]]:
    """The columns of the public entry: the book as it is now, `available` computed for `today`."""
    return [
        WishlistItem.book_id,
        Book.title,
        Book.author,
        Book.price,
        available(today).label("available"),
        WishlistItem.added_at,
    ]


async def list_entries(
    session: AsyncSession,
    *,
    user_id: uuid.UUID,
    after: Position | None,
    limit: int,
    today: date,
) -> Sequence[RowMapping]:
    """Up to `limit` of the user's entries, newest first, strictly after `after`. Entries of a
    book deleted from the catalog are left out."""
    statement = (
        select(*entry_columns(today))
        .join(Book, Book.id == WishlistItem.book_id)
        .where(WishlistItem.user_id == user_id, Book.deleted_at.is_(None))
        .order_by(WishlistItem.added_at.desc(), WishlistItem.book_id.desc())
        .limit(limit)
    )
    if after is not None:
        statement = statement.where(
            tuple_(WishlistItem.added_at, WishlistItem.book_id)
            < tuple_(
                bindparam("after_added_at", after.added_at, type_=WishlistItem.added_at.type),
                bindparam("after_book_id", after.book_id, type_=WishlistItem.book_id.type),
            )
        )
    connection = await session.connection()
    return (await connection.execute(statement)).mappings().all()


async def get_entry(
    session: AsyncSession, *, user_id: uuid.UUID, book_id: uuid.UUID, today: date
) -> RowMapping | None:
    statement = (
        select(*entry_columns(today))
        .join(Book, Book.id == WishlistItem.book_id)
        .where(
            WishlistItem.user_id == user_id,
            WishlistItem.book_id == book_id,
            Book.deleted_at.is_(None),
        )
    )
    connection = await session.connection()
    return (await connection.execute(statement)).mappings().one_or_none()


async def add_entry(session: AsyncSession, *, user_id: uuid.UUID, book_id: uuid.UUID) -> bool:
    """Adds the entry if the book is live and the entry is new, in one statement: True when a row
    was written. An entry already there is left as it was (its `added_at` kept)."""
    live_book = select(literal(user_id, WishlistItem.user_id.type), Book.id).where(
        Book.id == book_id, Book.deleted_at.is_(None)
    )
    statement = (
        insert(WishlistItem)
        .from_select([WishlistItem.user_id, WishlistItem.book_id], live_book)
        .on_conflict_do_nothing(index_elements=[WishlistItem.user_id, WishlistItem.book_id])
        .returning(WishlistItem.book_id)
    )
    connection = await session.connection()
    return (await connection.execute(statement)).first() is not None


async def delete_entry(session: AsyncSession, *, user_id: uuid.UUID, book_id: uuid.UUID) -> bool:
    statement = (
        delete(WishlistItem)
        .where(WishlistItem.user_id == user_id, WishlistItem.book_id == book_id)
        .returning(WishlistItem.book_id)
    )
    connection = await session.connection()
    return (await connection.execute(statement)).first() is not None
