"""Queries of the Prebooks function, in SQLAlchemy Core. Those run in a session never commit: the
caller's transaction owner does. The list is a `CompiledStatement`, run without a session."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Integer,
    RowMapping,
    Uuid,
    any_,
    bindparam,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY

from shared.db.compiled import CompiledStatement, Reader
from shared.db.tables.books import books
from shared.db.tables.prebooks import PENDING, PrebookStatus, prebooks
from shared.domain.availability import released

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

PENDING_UNIQUE_INDEX = "uq_prebooks_user_id_book_id_pending"
USER_FOREIGN_KEY = "fk_prebooks_user_id_users"
# The release job's per-book advisory lock: a fixed first key, the book's hash as the second.
_TRY_LOCK_RELEASE = text(
    "SELECT pg_try_advisory_xact_lock(7081105, hashtext(CAST(:book_id AS text)))"
)

_SET_FULFILLED = text(
    "UPDATE prebooks SET status = 'fulfilled', order_id = fulfilled.order_id, updated_at = now() "
    "FROM unnest(:prebook_ids, :order_ids) AS fulfilled(id, order_id) "
    "WHERE prebooks.id = fulfilled.id"
).bindparams(
    bindparam("prebook_ids", type_=ARRAY(Uuid())), bindparam("order_ids", type_=ARRAY(Uuid()))
)

# The public Prebook: the book's current title and release date, even once it left the catalog.
_PUBLIC_PREBOOKS = select(
    prebooks.c.id,
    prebooks.c.book_id,
    books.c.title,
    prebooks.c.quantity,
    prebooks.c.status,
    prebooks.c.order_id,
    books.c.release_date,
    prebooks.c.created_at,
).select_from(prebooks.join(books, books.c.id == prebooks.c.book_id))

# A user's prebooks, newest first (ids are time-ordered), fulfilled and cancelled ones included.
_USERS_PREBOOKS = (
    _PUBLIC_PREBOOKS.where(prebooks.c.user_id == bindparam("user_id"))
    .order_by(prebooks.c.id.desc())
    .limit(bindparam("limit", type_=Integer()))
)
_FIRST_PAGE = CompiledStatement(_USERS_PREBOOKS)
_PAGE_AFTER = CompiledStatement(_USERS_PREBOOKS.where(prebooks.c.id < bindparam("after")))


async def add_prebook(
    session: AsyncSession, *, user_id: uuid.UUID, book_id: uuid.UUID, quantity: int
) -> uuid.UUID:
    statement = (
        insert(prebooks)
        .values(user_id=user_id, book_id=book_id, quantity=quantity)
        .returning(prebooks.c.id)
    )
    connection = await session.connection()
    prebook_id: uuid.UUID = (await connection.execute(statement)).scalar_one()
    return prebook_id


_PREBOOK_BY_ID = CompiledStatement(_PUBLIC_PREBOOKS.where(prebooks.c.id == bindparam("prebook_id")))


async def get_prebook(reader: Reader, *, prebook_id: uuid.UUID) -> Mapping[str, Any] | None:
    return await reader.fetchrow(_PREBOOK_BY_ID, prebook_id=prebook_id)


async def list_prebooks(
    reader: Reader, *, user_id: uuid.UUID, after: uuid.UUID | None, limit: int
) -> list[Mapping[str, Any]]:
    """Up to `limit` of the user's prebooks, newest first, after the prebook `after` if given."""
    if after is None:
        return await reader.fetch(_FIRST_PAGE, user_id=user_id, limit=limit)
    return await reader.fetch(_PAGE_AFTER, user_id=user_id, after=after, limit=limit)


async def lock_status(
    session: AsyncSession, *, prebook_id: uuid.UUID, user_id: uuid.UUID
) -> PrebookStatus | None:
    """The caller's prebook's status, row-locked: a release of it in progress finishes first."""
    statement = (
        select(prebooks.c.status)
        .where(prebooks.c.id == prebook_id, prebooks.c.user_id == user_id)
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
        update(prebooks)
        .where(prebooks.c.id == prebook_id)
        .values(status=status, order_id=order_id, updated_at=func.now())
    )
    connection = await session.connection()
    await connection.execute(statement)


async def books_due(session: AsyncSession, *, today: date) -> list[uuid.UUID]:
    """Books in the catalog, released by `today`, that have pending prebooks."""
    statement = (
        select(books.c.id)
        .where(
            books.c.deleted_at.is_(None),
            released(today),
            select(prebooks.c.id).where(prebooks.c.book_id == books.c.id, PENDING).exists(),
        )
        .order_by(books.c.id)
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


async def lock_pending_batch(
    session: AsyncSession, *, book_id: uuid.UUID, limit: int
) -> list[RowMapping]:
    """The book's oldest pending prebooks, up to `limit`, row-locked (a customer cancelling one
    waits), each with the book's stock as read."""
    statement = (
        select(prebooks.c.id, prebooks.c.user_id, prebooks.c.quantity, books.c.stock)
        .join_from(prebooks, books, books.c.id == prebooks.c.book_id)
        .where(prebooks.c.book_id == book_id, PENDING)
        .order_by(prebooks.c.id)
        .limit(limit)
        .with_for_update(of=prebooks)
    )
    connection = await session.connection()
    return list((await connection.execute(statement)).mappings())


async def set_fulfilled(
    session: AsyncSession, *, prebook_ids: Sequence[uuid.UUID], order_ids: Sequence[uuid.UUID]
) -> None:
    """Each prebook fulfilled by its order, in one statement."""
    connection = await session.connection()
    await connection.execute(
        _SET_FULFILLED, {"prebook_ids": list(prebook_ids), "order_ids": list(order_ids)}
    )


async def count_pending(session: AsyncSession, *, book_ids: Sequence[uuid.UUID]) -> int:
    statement = select(func.count()).where(
        prebooks.c.book_id == any_(bindparam("book_ids", type_=ARRAY(Uuid()))), PENDING
    )
    connection = await session.connection()
    count: int = (await connection.execute(statement, {"book_ids": list(book_ids)})).scalar_one()
    return count
