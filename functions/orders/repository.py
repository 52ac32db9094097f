"""Queries of the Orders function. Never commits: the request's session owns the transaction."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Uuid, any_, bindparam, delete, func, or_, select, update
from sqlalchemy.dialects.postgresql import ARRAY

from functions.orders.idempotency import RememberedKey
from shared.db.compiled import CompiledStatement, Reader, Writer, inserting, json_text
from shared.db.tables.books import books
from shared.db.tables.cart import cart_items
from shared.db.tables.orders import OrderStatus, idempotency_keys, order_items, orders
from shared.domain.cart import cart_lines
from shared.domain.checkout import LineRequest
from shared.domain.orders import OrderSnapshot

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

USER_FOREIGN_KEY = "fk_orders_user_id_users"
IDEMPOTENCY_PRIMARY_KEY = "pk_idempotency_keys"

# The checkout's statements run on the session's driver connection (`shared.db.compiled.Writer`),
# as the shared checkout's do (`shared.domain.checkout`).
_LOCK_CART = CompiledStatement(
    cart_lines(
        bindparam("user_id", type_=Uuid()), cart_items.c.book_id, cart_items.c.quantity
    ).with_for_update(of=cart_items)
)
_REMOVE_LINES = CompiledStatement(
    delete(cart_items).where(
        cart_items.c.user_id == bindparam("user_id"),
        books.c.id == cart_items.c.book_id,
        or_(
            cart_items.c.book_id == any_(bindparam("ordered", type_=ARRAY(Uuid()))),
            books.c.deleted_at.is_not(None),
        ),
    )
)
_THE_KEY = (
    idempotency_keys.c.user_id == bindparam("user_id"),
    idempotency_keys.c.key == bindparam("key"),
)
_FIND_KEY = CompiledStatement(select(idempotency_keys).where(*_THE_KEY))
_FORGET_KEY = CompiledStatement(delete(idempotency_keys).where(*_THE_KEY))
_REMEMBER_KEY = CompiledStatement(
    inserting(
        idempotency_keys,
        "user_id",
        "key",
        "fingerprint",
        "order_id",
        "response_status",
        "response_body",
    )
)
_RETURN_STOCK = (
    update(books)
    .where(order_items.c.order_id == bindparam("order_id"), books.c.id == order_items.c.book_id)
    .values(stock=books.c.stock + order_items.c.quantity, updated_at=func.now())
)


async def lock_cart(reader: Reader, *, user_id: uuid.UUID) -> list[LineRequest]:
    """The user's cart lines of books still in the catalog, oldest first, row-locked: a second
    checkout of the same cart waits here, then finds the lines gone."""
    rows = await reader.fetch(_LOCK_CART, user_id=user_id)
    return [LineRequest(book_id=row["book_id"], quantity=row["quantity"]) for row in rows]


async def remove_checked_out_lines(
    writer: Writer, *, user_id: uuid.UUID, book_ids: Sequence[uuid.UUID]
) -> None:
    """Removes the lines that were ordered, and those of books no longer in the catalog; a line
    put in the cart while the checkout ran stays for the next one."""
    await writer.execute(_REMOVE_LINES, user_id=user_id, ordered=list(book_ids))


async def find_idempotency_key(
    reader: Reader, *, user_id: uuid.UUID, key: str
) -> RememberedKey | None:
    row = await reader.fetchrow(_FIND_KEY, user_id=user_id, key=key)
    return None if row is None else RememberedKey(**row)


async def forget_idempotency_key(writer: Writer, *, record: RememberedKey) -> None:
    await writer.execute(_FORGET_KEY, user_id=record.user_id, key=record.key)


async def remember_idempotency_key(
    writer: Writer,
    *,
    user_id: uuid.UUID,
    key: str,
    fingerprint: str,
    order_id: uuid.UUID,
    response_status: int,
    response_body: dict[str, Any],
) -> None:
    await writer.execute(
        _REMEMBER_KEY,
        user_id=user_id,
        key=key,
        fingerprint=fingerprint,
        order_id=order_id,
        response_status=response_status,
        response_body=json_text(response_body),
    )


async def delete_idempotency_keys_before(session: AsyncSession, *, cutoff: datetime) -> int:
    connection = await session.connection()
    result = await connection.execute(
        delete(idempotency_keys).where(idempotency_keys.c.created_at < cutoff)
    )
    return int(result.rowcount or 0)


async def lock_order_status(
    session: AsyncSession, *, order_id: uuid.UUID, owner: uuid.UUID | None
) -> OrderStatus | None:
    """The order's status, row-locked until the transaction ends: concurrent changes of one order
    queue up, and each sees the status the previous one left."""
    statement = select(orders.c.status).where(orders.c.id == order_id).with_for_update()
    if owner is not None:
        statement = statement.where(orders.c.user_id == owner)
    connection = await session.connection()
    status: OrderStatus | None = (await connection.execute(statement)).scalar_one_or_none()
    return status


async def set_status(session: AsyncSession, *, order_id: uuid.UUID, status: OrderStatus) -> None:
    statement = (
        update(orders).where(orders.c.id == order_id).values(status=status, updated_at=func.now())
    )
    connection = await session.connection()
    await connection.execute(statement)


async def return_stock(session: AsyncSession, *, order: OrderSnapshot) -> None:
    """Puts the order's copies back on the shelf. The books are locked in id order first, as
    checkout locks them and with its lock (NO KEY UPDATE, which a checkout's order lines do not
    wait on), so a cancellation and a checkout never deadlock."""
    connection = await session.connection()
    book_ids = sorted(line.book_id for line in order.items)
    await connection.execute(
        select(books.c.id)
        .where(books.c.id == any_(bindparam("book_ids", type_=ARRAY(Uuid()))))
        .order_by(books.c.id)
        .with_for_update(key_share=True),
        {"book_ids": book_ids},
    )
    await connection.execute(_RETURN_STOCK, {"order_id": order.id})
