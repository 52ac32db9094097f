"""Queries of the Wishlist function: its reads compiled once and run sessionless
(`shared.db.compiled`), writes in the request's session, which owns the transaction (never commits)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import Integer, SQLColumnExpression, bindparam, delete, literal, select, tuple_
from sqlalchemy.dialects.postgresql import insert

from functions.wishlist.cursors import Position
from shared.db.compiled import CompiledStatement, Reader
from shared.db.tables.books import books
from shared.db.tables.wishlist import wishlist_items
from shared.domain.availability import TODAY, available

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

USER_FOREIGN_KEY = "fk_wishlist_items_user_id_users"


def _entry_columns() -> list[SQLColumnExpression[Any]]:
    """The columns of the public entry: the book as it is now, `available` computed for today."""
    return [
        wishlist_items.c.book_id,
        books.c.title,
        books.c.author,
        books.c.price,
        available(TODAY).label("available"),
        wishlist_items.c.added_at,
    ]


def _entries() -> Any:
    """The user's entries of live books: entries of a book deleted from the catalog drop out."""
    return (
        select(*_entry_columns())
        .join(books, books.c.id == wishlist_items.c.book_id)
        .where(wishlist_items.c.user_id == bindparam("user_id"), books.c.deleted_at.is_(None))
    )


def _page(*, continued: bool) -> CompiledStatement[Any]:
    """Newest first, `limit` entries; a continued page starts strictly after the cursor's entry."""
    statement = _entries().order_by(
        wishlist_items.c.added_at.desc(), wishlist_items.c.book_id.desc()
    )
    if continued:
        statement = statement.where(
            tuple_(wishlist_items.c.added_at, wishlist_items.c.book_id)
            < tuple_(
                bindparam("after_added_at", type_=wishlist_items.c.added_at.type),
                bindparam("after_book_id", type_=wishlist_items.c.book_id.type),
            )
        )
    return CompiledStatement(statement.limit(bindparam("limit", type_=Integer())))


FIRST_PAGE = _page(continued=False)
NEXT_PAGE = _page(continued=True)
ENTRY = CompiledStatement(_entries().where(wishlist_items.c.book_id == bindparam("book_id")))


async def list_entries(
    reader: Reader, *, user_id: uuid.UUID, after: Position | None, limit: int, today: date
) -> Sequence[Mapping[str, Any]]:
    """Up to `limit` of the user's entries, newest first, strictly after `after`."""
    if after is None:
        return await reader.fetch(FIRST_PAGE, user_id=user_id, limit=limit, today=today)
    return await reader.fetch(
        NEXT_PAGE,
        user_id=user_id,
        limit=limit,
        today=today,
        after_added_at=after.added_at,
        after_book_id=after.book_id,
    )


async def get_entry(
    reader: Reader, *, user_id: uuid.UUID, book_id: uuid.UUID, today: date
) -> Mapping[str, Any] | None:
    return await reader.fetchrow(ENTRY, user_id=user_id, book_id=book_id, today=today)


async def add_entry(session: AsyncSession, *, user_id: uuid.UUID, book_id: uuid.UUID) -> bool:
    """Adds the entry if the book is live and the entry is new, in one statement: True when a row
    was written. An entry already there is left as it was (its `added_at` kept)."""
    live_book = select(literal(user_id, wishlist_items.c.user_id.type), books.c.id).where(
        books.c.id == book_id, books.c.deleted_at.is_(None)
    )
    statement = (
        insert(wishlist_items)
        .from_select([wishlist_items.c.user_id, wishlist_items.c.book_id], live_book)
        .on_conflict_do_nothing(index_elements=[wishlist_items.c.user_id, wishlist_items.c.book_id])
        .returning(wishlist_items.c.book_id)
    )
    connection = await session.connection()
    return (await connection.execute(statement)).first() is not None


async def delete_entry(session: AsyncSession, *, user_id: uuid.UUID, book_id: uuid.UUID) -> bool:
    statement = (
        delete(wishlist_items)
        .where(wishlist_items.c.user_id == user_id, wishlist_items.c.book_id == book_id)
        .returning(wishlist_items.c.book_id)
    )
    connection = await session.connection()
    return (await connection.execute(statement)).first() is not None
