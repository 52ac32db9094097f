"""Queries of the Cart function. Never commits: the request's session owns the transaction."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING

from sqlalchemy import RowMapping, delete, func, select
from sqlalchemy.dialects.postgresql import insert

from shared.models import Book, CartItem

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

USER_FOREIGN_KEY = "fk_cart_items_user_id_users"


async def cart_lines(session: AsyncSession, *, user_id: uuid.UUID) -> Sequence[RowMapping]:
    """The user's lines with each book's current title and price, oldest line first. Lines of a
    book deleted from the catalog are left out: they can no longer be bought."""
    statement = (
        select(CartItem.book_id, Book.title, Book.price.label("unit_price"), CartItem.quantity)
        .join(Book, Book.id == CartItem.book_id)
        .where(CartItem.user_id == user_id, Book.deleted_at.is_(None))
        .order_by(CartItem.added_at, CartItem.book_id)
    )
    connection = await session.connection()
    return (await connection.execute(statement)).mappings().all()


async def set_line(
    session: AsyncSession, *, user_id: uuid.UUID, book_id: uuid.UUID, quantity: int
) -> None:
    statement = insert(CartItem).values(user_id=user_id, book_id=book_id, quantity=quantity)
    statement = statement.on_conflict_do_update(
        index_elements=[CartItem.user_id, CartItem.book_id],
        set_={"quantity": statement.excluded.quantity, "updated_at": func.now()},
    )
    connection = await session.connection()
    await connection.execute(statement)


async def delete_line(session: AsyncSession, *, user_id: uuid.UUID, book_id: uuid.UUID) -> bool:
    statement = (
        delete(CartItem)
        .where(CartItem.user_id == user_id, CartItem.book_id == book_id)
        .returning(CartItem.book_id)
    )
    connection = await session.connection()
    return (await connection.execute(statement)).first() is not None


async def clear(session: AsyncSession, *, user_id: uuid.UUID) -> None:
    connection = await session.connection()
    await connection.execute(delete(CartItem).where(CartItem.user_id == user_id))
