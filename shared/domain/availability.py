"""When a book is released and when it can be bought, in SQL and in Python, for every function
that shows or sells books (books, cart, wishlist, prebooks)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, Date, and_, bindparam, select

from shared.db.tables.books import books, release_desc_key
from shared.domain.errors import BookNotFoundError

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession


# The day a compiled read judges availability on, bound per request (`today=today()`).
TODAY = bindparam("today", type_=Date())


def today() -> date:
    """Release dates are calendar days in UTC."""
    return datetime.now(UTC).date()


def released(day: date | ColumnElement[date]) -> ColumnElement[bool]:
    """No release date, or one not after `day`; said with the index's key so it can serve it."""
    return release_desc_key <= day


def available(day: date | ColumnElement[date]) -> ColumnElement[bool]:
    return and_(released(day), books.c.stock > 0)


def is_released(release_date: date | None, day: date) -> bool:
    return release_date is None or release_date <= day


@dataclass(frozen=True, slots=True)
class ShelfState:
    stock: int
    released: bool


async def shelf_state(session: AsyncSession, *, book_id: uuid.UUID, day: date) -> ShelfState:
    """Whether a book in the catalog is out on `day`, and its stock; BookNotFoundError when no
    live book has this id. Read without a lock: checkout checks again under one."""
    statement = select(books.c.stock, books.c.release_date).where(
        books.c.id == book_id, books.c.deleted_at.is_(None)
    )
    connection = await session.connection()
    row = (await connection.execute(statement)).one_or_none()
    if row is None:
        raise BookNotFoundError()
    return ShelfState(stock=row.stock, released=is_released(row.release_date, day))
