"""Checkout: turning lines (book, quantity) into an order, for the Orders function (from a cart)
and the Prebooks release job (from a pre-order).

Stock never goes below zero under any concurrency: the books of the order are row-locked in one
fixed order (by id) before anything is checked, so two checkouts sharing books queue up instead of
deadlocking, and the decrement is a conditional UPDATE that a CHECK (stock >= 0) backs. Prices and
titles are copied into the order's lines, so later catalog changes never alter an order.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import Integer, RowMapping, Uuid, any_, bindparam, insert, select, text
from sqlalchemy.dialects.postgresql import ARRAY

from shared.db.ids import new_id
from shared.db.models import Order, OrderItem
from shared.db.tables.books import books
from shared.domain.availability import is_released
from shared.domain.errors import OutOfStockError, UnavailableLine
from shared.domain.money import CENTS
from shared.domain.orders import ORDER_PLACED, OrderLine, OrderSnapshot
from shared.domain.outbox import record_event

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

_LOCK_BOOKS = (
    select(
        books.c.id,
        books.c.title,
        books.c.price,
        books.c.stock,
        books.c.release_date,
        books.c.deleted_at,
    )
    .where(books.c.id == any_(bindparam("book_ids", type_=ARRAY(Uuid()))))
    .order_by(books.c.id)
    .with_for_update()
)
_TAKE_STOCK = text(
    "UPDATE books SET stock = books.stock - wanted.quantity, updated_at = now() "
    "FROM unnest(:book_ids, :quantities) AS wanted(book_id, quantity) "
    "WHERE books.id = wanted.book_id AND books.stock >= wanted.quantity"
).bindparams(
    bindparam("book_ids", type_=ARRAY(Uuid())), bindparam("quantities", type_=ARRAY(Integer()))
)


@dataclass(frozen=True, slots=True)
class LineRequest:
    book_id: uuid.UUID
    quantity: int


async def place_order(
    session: AsyncSession,
    *,
    user_id: uuid.UUID,
    lines: Sequence[LineRequest],
    currency: str,
    today: date,
) -> OrderSnapshot:
    """A new `pending` order of `lines` (one per book, in the order given), with the stock taken
    and `OrderPlaced` in the outbox. OutOfStockError names every line that cannot be served (out
    of stock, not released, or no longer in the catalog) and writes nothing."""
    if not lines or len({line.book_id for line in lines}) != len(lines):
        raise ValueError("a checkout needs lines of distinct books")
    connection = await session.connection()
    book_ids = sorted(line.book_id for line in lines)
    books = {
        row["id"]: row
        for row in (await connection.execute(_LOCK_BOOKS, {"book_ids": book_ids})).mappings()
    }
    unavailable = [
        problem
        for line in lines
        if (problem := _unavailable(line, books.get(line.book_id), today)) is not None
    ]
    if unavailable:
        raise OutOfStockError(unavailable)

    by_book = {line.book_id: line.quantity for line in lines}
    taken = await connection.execute(
        _TAKE_STOCK, {"book_ids": book_ids, "quantities": [by_book[i] for i in book_ids]}
    )
    if getattr(taken, "rowcount", None) != len(lines):
        # The rows are locked and were just checked: only a bug can get here.
        raise RuntimeError("stock changed under a row lock")

    order_lines = tuple(_copy_line(line, books[line.book_id]) for line in lines)
    total = sum((line.line_total for line in order_lines), Decimal("0.00"))
    order_id = new_id()
    created = (
        await connection.execute(
            insert(Order)
            .values(id=order_id, user_id=user_id, status="pending", total=total, currency=currency)
            .returning(Order.created_at, Order.updated_at)
        )
    ).one()
    await connection.execute(
        insert(OrderItem),
        [
            {
                "order_id": order_id,
                "book_id": line.book_id,
                "line_number": number,
                "title": line.title,
                "unit_price": line.unit_price,
                "quantity": line.quantity,
                "line_total": line.line_total,
            }
            for number, line in enumerate(order_lines, start=1)
        ],
    )
    order = OrderSnapshot(
        id=order_id,
        user_id=user_id,
        status="pending",
        items=order_lines,
        total=total,
        currency=currency,
        created_at=created.created_at,
        updated_at=created.updated_at,
    )
    await record_event(session, event_type=ORDER_PLACED, detail=order.event_detail())
    return order


def _unavailable(line: LineRequest, book: RowMapping | None, today: date) -> UnavailableLine | None:
    if book is None or book["deleted_at"] is not None:
        return UnavailableLine(line.book_id, "not_in_catalog", line.quantity, 0)
    if not is_released(book["release_date"], today):
        return UnavailableLine(line.book_id, "not_released", line.quantity, book["stock"])
    if book["stock"] < line.quantity:
        return UnavailableLine(line.book_id, "out_of_stock", line.quantity, book["stock"])
    return None


def _copy_line(line: LineRequest, book: RowMapping) -> OrderLine:
    unit_price: Decimal = book["price"]
    return OrderLine(
        book_id=line.book_id,
        title=book["title"],
        unit_price=unit_price,
        quantity=line.quantity,
        line_total=(unit_price * line.quantity).quantize(CENTS),
    )
