"""Queries of the Prebooks function. Never commits: the caller's transaction owner does."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import RowMapping, Uuid, any_, bindparam, func, insert, select, text, update
from sqlalchemy.dialects.postgresql import ARRAY

from shared.domain.availability import released
from shared.models import Book, Prebook
from shared.tables.prebooks import PENDING, PrebookStatus

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

PENDING_UNIQUE_INDEX = "uq_prebooks_user_id_book_id_pending"
USER_FOREIGN_KEY = "fk_prebooks_user_id_users"
# The release job's per-book advisory lock: a fixed first key, the book's hash as the second.
_TRY_LOCK_RELEASE = text(
    "SELECT pg_try_advisory_xact_lock(7081105, hashtext(CAST(:book_id AS text)))"
)

_PUBLIC_COLUMNS = (
    Prebook.id,
    Prebook.book_id,
    Book.title,
    Prebook.quantity,
    Prebook.status,
    Prebook.order_id,
    Book.release_date,
    Prebook.created_at,
)


async def add_prebook(
    session: AsyncSession, *, user_id: uuid.UUID, book_id: uuid.UUID, quantity: int
) -> uuid.UUID:
    statement = (
        insert(Prebook)
        .values(user_id=user_id, book_id=book_id, quantity=quantity)
        .returning(Prebook.id)
    )
    connection = await session.connection()
    prebook_id: uuid.UUID = (await connection.execute(statement)).scalar_one()
    return prebook_id


async def get_prebook(session: AsyncSession, *, prebook_id: uuid.UUID) -> RowMapping:
    statement = (
        select(*_PUBLIC_COLUMNS)
        .join(Book, Book.id == Prebook.book_id)
        .where(Prebook.id == prebook_id)
    )
    connection = await session.connection()
    return (await connection.execute(statement)).mappings().one()


async def list_prebooks(
    session: AsyncSession, *, user_id: uuid.UUID, after: uuid.UUID | None, limit: int
) -> Sequence[RowMapping]:
    """Newest first (ids are time-ordered), fulfilled and cancelled ones included."""
    statement = (
        select(*_PUBLIC_COLUMNS)
        .join(Book, Book.id == Prebook.book_id)
        .where(Prebook.user_id == user_id)
        .order_by(Prebook.id.desc())
        .limit(limit)
    )
    if after is not None:
        statement = statement.where(Prebook.id < after)
    connection = await session.connection()
    return (await connection.execute(statement)).mappings().all()


async def lock_status(
    session: AsyncSession, *, prebook_id: uuid.UUID, user_id: uuid.UUID
) -> PrebookStatus | None:
    """The caller's prebook's status, row-locked: a release of it in progress finishes first."""
    statement = (
        select(Prebook.status)
        .where(Prebook.id == prebook_id, Prebook.user_id == user_id)
        .with_for_update()
    )
    connection = await session.connection()
    status: PrebookStatus | None = (await connection.execute(statement)).scalar_one_or_none()
    return status


async def set_status(
    session: AsyncSession,
    *,
    prebook_id: uuid.UUID,
    status: PrebookStatus,
    order_id: uuid.UUID | None = None,
) -> None:
    statement = (
        update(Prebook)
        .where(Prebook.id == prebook_id)
        .values(status=status, order_id=order_id, updated_at=func.now())
    )
    connection = await session.connection()
    await connection.execute(statement)


async def books_due(session: AsyncSession, *, today: date) -> list[uuid.UUID]:
    """Books in the catalog, released by `today`, that have pending prebooks."""
    statement = (
        select(Book.id)
        .where(
            Book.deleted_at.is_(None),
            released(today),
            select(Prebook.id).where(Prebook.book_id == Book.id, PENDING).exists(),
        )
        .order_by(Book.id)
    )
    connection = await session.connection()
    return list((await connection.execute(statement)).scalars())


async def try_lock_book_release(session: AsyncSession, *, book_id: uuid.UUID) -> bool:
    """This transaction alone releases the book's prebooks, or False: another run is at it.

    An advisory lock, not the book's row: a customer's checkout holds that row for a moment, and
    the release should wait for it rather than skip the book. Transaction-scoped, so it is safe
    behind a transaction-mode pooler and gone when the transaction ends, however it ends.
    """
    connection = await session.connection()
    locked: bool = (
        await connection.execute(_TRY_LOCK_RELEASE, {"book_id": str(book_id)})
    ).scalar_one()
    return locked


async def lock_next_pending(session: AsyncSession, *, book_id: uuid.UUID) -> RowMapping | None:
    """The book's oldest pending prebook, row-locked (a customer cancelling it waits)."""
    statement = (
        select(Prebook.id, Prebook.user_id, Prebook.quantity)
        .where(Prebook.book_id == book_id, PENDING)
        .order_by(Prebook.id)
        .limit(1)
        .with_for_update()
    )
    connection = await session.connection()
    return (await connection.execute(statement)).mappings().one_or_none()


async def count_pending(session: AsyncSession, *, book_ids: Sequence[uuid.UUID]) -> int:
    statement = select(func.count()).where(
        Prebook.book_id == any_(bindparam("book_ids", type_=ARRAY(Uuid()))), PENDING
    )
    connection = await session.connection()
    count: int = (await connection.execute(statement, {"book_ids": list(book_ids)})).scalar_one()
    return count
