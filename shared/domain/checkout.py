"""Checkout: turning lines (book, quantity) into an order, for the Orders function (from a cart)
and the Prebooks release job (from a pre-order).

A hot book's row is locked last and briefly: the books are read without a lock, the order, its
lines, its event and whatever the caller writes with them (`before_stock`) are written first,
since they contend with nothing, and the stock is taken by the one statement that locks the
books, just before the owner commits: two round trips under the lock, that statement and the
COMMIT. That statement locks the books in one fixed order (by id), so two checkouts sharing books
queue up instead of deadlocking, and takes each line's stock only where it is still there, on the
row's latest version (a CHECK (stock >= 0) backs it): stock never goes below zero under any
concurrency. Prices and titles are copied into the order's lines as read, so later catalog changes
never alter an order.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import Date, Integer, Uuid, any_, bindparam, func, select, text
from sqlalchemy.dialects.postgresql import ARRAY

from shared.db.compiled import CompiledStatement, Reader, inserting, session_writer
from shared.db.ids import new_id
from shared.db.tables.books import books
from shared.db.tables.orders import order_items, orders
from shared.domain.availability import is_released
from shared.domain.errors import OutOfStockError, UnavailableLine
from shared.domain.money import CENTS
from shared.domain.orders import ORDER_PLACED, OrderLine, OrderSnapshot
from shared.domain.outbox import record_events

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

type Book = Mapping[str, Any]

# Sent on the session's driver connection (`shared.db.compiled.Writer`): SQLAlchemy's execution
# path cost a checkout a millisecond (bench/RESULTS.md, issue 28).
_READ_BOOKS = CompiledStatement(
    select(
        books.c.id,
        books.c.title,
        books.c.price,
        books.c.stock,
        books.c.release_date,
        books.c.deleted_at,
        # The transaction's time, which the orders' created_at and updated_at default to.
        func.now().label("now"),
    ).where(books.c.id == any_(bindparam("book_ids", type_=ARRAY(Uuid()))))
)
_INSERT_ORDER = CompiledStatement(inserting(orders, "id", "user_id", "status", "total", "currency"))
_INSERT_LINE = CompiledStatement(
    inserting(
        order_items,
        "order_id",
        "book_id",
        "line_number",
        "title",
        "unit_price",
        "quantity",
        "line_total",
    )
)
# The books locked in id order by the CTE, then each line's stock taken where the book is still in
# the catalog, out, and holds the copies (READ COMMITTED re-checks this on the latest version).
# NO KEY UPDATE, the lock the UPDATE itself takes: FOR UPDATE would wait on the KEY SHARE locks
# that other checkouts' order lines take on the book (their foreign key), and they on ours.
_TAKE_STOCK = CompiledStatement(
    text(
        "WITH locked AS (SELECT id FROM books WHERE id = ANY(:book_ids) ORDER BY id "
        "FOR NO KEY UPDATE) "
        "UPDATE books SET stock = books.stock - wanted.quantity, updated_at = now() "
        "FROM locked, unnest(:book_ids, :quantities) AS wanted(book_id, quantity) "
        "WHERE books.id = locked.id AND books.id = wanted.book_id "
        "AND books.stock >= wanted.quantity AND books.deleted_at IS NULL "
        "AND coalesce(books.release_date, '-infinity'::date) <= :today "
        "RETURNING books.id"
    ).bindparams(
        bindparam("book_ids", type_=ARRAY(Uuid())),
        bindparam("quantities", type_=ARRAY(Integer())),
        bindparam("today", type_=Date()),
    )
)

type BeforeStock = Callable[[Sequence[OrderSnapshot]], Awaitable[None]]
type BeforeOneStock = Callable[[OrderSnapshot], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class LineRequest:
    book_id: uuid.UUID
    quantity: int


@dataclass(frozen=True, slots=True)
class OrderRequest:
    user_id: uuid.UUID
    lines: Sequence[LineRequest]


async def place_order(
    session: AsyncSession,
    *,
    user_id: uuid.UUID,
    lines: Sequence[LineRequest],
    currency: str,
    today: date,
    before_stock: BeforeOneStock | None = None,
) -> OrderSnapshot:
    """A new `pending` order of `lines` (one per book, in the order given): `place_orders` of one."""

    async def keep(placed: Sequence[OrderSnapshot]) -> None:
        if before_stock is not None:
            await before_stock(placed[0])

    (order,) = await place_orders(
        session,
        requests=[OrderRequest(user_id, lines)],
        currency=currency,
        today=today,
        before_stock=keep,
    )
    return order


async def place_orders(
    session: AsyncSession,
    *,
    requests: Sequence[OrderRequest],
    currency: str,
    today: date,
    before_stock: BeforeStock | None = None,
) -> list[OrderSnapshot]:
    """New `pending` orders, one per request (each of lines of distinct books, in the order
    given), with the stock taken and an `OrderPlaced` each in the outbox, all or none, in a fixed
    number of statements however many orders. `before_stock` writes what the caller keeps with
    the orders: it runs after they are written, before the stock is taken (the last statement).

    OutOfStockError names every book whose copies, added up over the requests, cannot be served
    (out of stock, not released, or no longer in the catalog). Raised before anything is written
    when the books as read show it; raised after the writes when another checkout took the last
    copies meanwhile, so the caller's transaction must end with it (the owner rolls back when it
    propagates)."""
    for request in requests:
        books_of_request = {line.book_id for line in request.lines}
        if not request.lines or len(books_of_request) != len(request.lines):
            raise ValueError("a checkout needs lines of distinct books")
    wanted: dict[uuid.UUID, int] = {}
    for request in requests:
        for line in request.lines:
            wanted[line.book_id] = wanted.get(line.book_id, 0) + line.quantity
    book_ids = sorted(wanted)
    totals = [LineRequest(book_id, wanted[book_id]) for book_id in book_ids]
    writer = await session_writer(session)
    shelf = await _read_books(writer, book_ids)
    _refuse_unservable(totals, shelf, today)

    placed_at = next(iter(shelf.values()))["now"]
    placed = [
        _snapshot(request, shelf, currency=currency, placed_at=placed_at) for request in requests
    ]
    await writer.executemany(
        _INSERT_ORDER,
        [
            {
                "id": order.id,
                "user_id": order.user_id,
                "status": order.status,
                "total": order.total,
                "currency": order.currency,
            }
            for order in placed
        ],
    )
    await writer.executemany(
        _INSERT_LINE,
        [
            {
                "order_id": order.id,
                "book_id": line.book_id,
                "line_number": number,
                "title": line.title,
                "unit_price": line.unit_price,
                "quantity": line.quantity,
                "line_total": line.line_total,
            }
            for order in placed
            for number, line in enumerate(order.items, start=1)
        ],
    )
    await record_events(session, [(ORDER_PLACED, order.event_detail()) for order in placed])
    if before_stock is not None:
        await before_stock(placed)

    taken = await writer.fetch(
        _TAKE_STOCK,
        book_ids=book_ids,
        quantities=[wanted[i] for i in book_ids],
        today=today,
    )
    if len(taken) != len(book_ids):
        # Another checkout took the last copies (or the book left the catalog) since the read.
        _refuse_unservable(totals, await _read_books(writer, book_ids), today)
        raise RuntimeError("stock was not taken, yet every line can be served")
    return placed


def _snapshot(
    request: OrderRequest,
    shelf: Mapping[uuid.UUID, Book],
    *,
    currency: str,
    placed_at: datetime,
) -> OrderSnapshot:
    items = tuple(_copy_line(line, shelf[line.book_id]) for line in request.lines)
    return OrderSnapshot(
        id=new_id(),
        user_id=request.user_id,
        status="pending",
        items=items,
        total=sum((line.line_total for line in items), Decimal("0.00")),
        currency=currency,
        created_at=placed_at,
        updated_at=placed_at,
    )


async def _read_books(reader: Reader, book_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Book]:
    rows = await reader.fetch(_READ_BOOKS, book_ids=list(book_ids))
    return {row["id"]: row for row in rows}


def _refuse_unservable(
    lines: Sequence[LineRequest], shelf: Mapping[uuid.UUID, Book], today: date
) -> None:
    unavailable = [
        problem
        for line in lines
        if (problem := _unavailable(line, shelf.get(line.book_id), today)) is not None
    ]
    if unavailable:
        raise OutOfStockError(unavailable)


def _unavailable(line: LineRequest, book: Book | None, today: date) -> UnavailableLine | None:
    if book is None or book["deleted_at"] is not None:
        return UnavailableLine(line.book_id, "not_in_catalog", line.quantity, 0)
    if not is_released(book["release_date"], today):
        return UnavailableLine(line.book_id, "not_released", line.quantity, book["stock"])
    if book["stock"] < line.quantity:
        return UnavailableLine(line.book_id, "out_of_stock", line.quantity, book["stock"])
    return None


def _copy_line(line: LineRequest, book: Book) -> OrderLine:
    unit_price: Decimal = book["price"]
    return OrderLine(
        book_id=line.book_id,
        title=book["title"],
        unit_price=unit_price,
        quantity=line.quantity,
        line_total=(unit_price * line.quantity).quantize(CENTS),
    )
