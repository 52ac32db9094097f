"""Queries of the Cart function: the cart read compiled once and run sessionless
(`shared.db.compiled`), writes in the request's session, which owns the transaction (never commits)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, delete, func
from sqlalchemy.dialects.postgresql import insert

from shared.db.compiled import CompiledStatement, Reader
from shared.db.tables.books import books
from shared.db.tables.cart import cart_items
from shared.domain.cart import cart_lines

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

USER_FOREIGN_KEY = "fk_cart_items_user_id_users"

# The user's lines with each book's current title and price.
CART_LINES = CompiledStatement(
    cart_lines(
        bindparam("user_id"),
        cart_items.c.book_id,
        books.c.title,
        books.c.price.label("unit_price"),
        cart_items.c.quantity,
    )
)


async def lines(reader: Reader, *, user_id: uuid.UUID) -> Sequence[Mapping[str, Any]]:
    return await reader.fetch(CART_LINES, user_id=user_id)


async def set_line(
    session: AsyncSession, *, user_id: uuid.UUID, book_id: uuid.UUID, quantity: int
) -> None:
    statement = insert(cart_items).values(user_id=user_id, book_id=book_id, quantity=quantity)
    statement = statement.on_conflict_do_update(
        index_elements=[cart_items.c.user_id, cart_items.c.book_id],
        set_={"quantity": statement.excluded.quantity, "updated_at": func.now()},
    )
    connection = await session.connection()
    await connection.execute(statement)


async def delete_line(session: AsyncSession, *, user_id: uuid.UUID, book_id: uuid.UUID) -> bool:
    statement = (
        delete(cart_items)
        .where(cart_items.c.user_id == user_id, cart_items.c.book_id == book_id)
        .returning(cart_items.c.book_id)
    )
    connection = await session.connection()
    return (await connection.execute(statement)).first() is not None


async def clear(session: AsyncSession, *, user_id: uuid.UUID) -> None:
    connection = await session.connection()
    await connection.execute(delete(cart_items).where(cart_items.c.user_id == user_id))
