"""The cart's rules: only released books in stock go in, at the quantity asked; prices are current."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from functions.cart import repository
from functions.cart.errors import (
    BookNotReleasedError,
    CartItemNotFoundError,
    QuantityOverStockError,
)
from functions.cart.schemas import CartItemPublic, CartPublic
from shared.db.access import as_caller
from shared.db.compiled import Reader, reading, session_reader
from shared.db.integrity import constraint_errors
from shared.domain.availability import shelf_state, today
from shared.domain.errors import AccountUnavailableError
from shared.domain.money import CENTS
from shared.settings import get_settings

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

_UNKNOWN_ACCOUNT = {repository.USER_FOREIGN_KEY: AccountUnavailableError}


async def get_cart(*, user_id: uuid.UUID) -> CartPublic:
    """Read without a session: one statement, in a read-only transaction acting for the caller."""
    async with reading(as_caller(user_id)) as reader:
        return await _read_cart(reader, user_id=user_id)


async def _read_cart(reader: Reader, *, user_id: uuid.UUID) -> CartPublic:
    return _cart(await repository.lines(reader, user_id=user_id))


async def _cart_after_change(session: AsyncSession, *, user_id: uuid.UUID) -> CartPublic:
    """The cart as this transaction has just left it."""
    return await _read_cart(await session_reader(session), user_id=user_id)


async def set_quantity(
    session: AsyncSession, *, user_id: uuid.UUID, book_id: uuid.UUID, quantity: int
) -> CartPublic:
    """Puts `quantity` copies of the book in the cart (replacing any quantity it had there)."""
    book = await shelf_state(session, book_id=book_id, day=today())
    if not book.released:
        raise BookNotReleasedError()
    if quantity > book.stock:
        raise QuantityOverStockError(in_stock=book.stock)
    with constraint_errors(_UNKNOWN_ACCOUNT):
        await repository.set_line(session, user_id=user_id, book_id=book_id, quantity=quantity)
    return await _cart_after_change(session, user_id=user_id)


async def remove_item(
    session: AsyncSession, *, user_id: uuid.UUID, book_id: uuid.UUID
) -> CartPublic:
    if not await repository.delete_line(session, user_id=user_id, book_id=book_id):
        raise CartItemNotFoundError()
    return await _cart_after_change(session, user_id=user_id)


async def clear(session: AsyncSession, *, user_id: uuid.UUID) -> None:
    await repository.clear(session, user_id=user_id)


def _cart(rows: Sequence[Mapping[str, Any]]) -> CartPublic:
    items = [
        CartItemPublic(
            book_id=row["book_id"],
            title=row["title"],
            unit_price=row["unit_price"],
            quantity=row["quantity"],
            line_total=(row["unit_price"] * row["quantity"]).quantize(CENTS),
        )
        for row in rows
    ]
    return CartPublic(
        items=items,
        item_count=sum(item.quantity for item in items),
        total=sum((item.line_total for item in items), Decimal("0.00")),
        currency=get_settings().currency,
    )
