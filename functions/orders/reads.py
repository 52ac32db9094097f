"""Order history, read without a session: `GET /orders` and `GET /orders/{order_id}`.

Each is one Core statement (the orders joined with their lines, compiled once) on the pooled
connection, so a function whose first requests read history never imports the ORM; and an
order's lines are read in the same snapshot as the order. A write path reads back the order it
changed with the same statement, on its session's connection (`order_in`).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import Integer, Select, bindparam, select

from functions.orders.errors import OrderNotFoundError
from functions.orders.schemas import OrderPublic
from shared.auth.principal import Principal
from shared.db.access import as_caller_or_admin
from shared.db.compiled import CompiledStatement, reading, session_reader
from shared.db.tables.orders import order_items, orders
from shared.domain.orders import OrderLine, OrderSnapshot
from shared.http.pagination import Page, PageParams, id_cursor, split_page

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

_ORDER_COLUMNS = (
    orders.c.id,
    orders.c.user_id,
    orders.c.status,
    orders.c.total,
    orders.c.currency,
    orders.c.created_at,
    orders.c.updated_at,
)


def visible_owner(principal: Principal) -> uuid.UUID | None:
    """Whose orders the caller may see: their own, or everyone's for an admin (None)."""
    return None if principal.is_admin else principal.user_id


async def list_orders(*, principal: Principal, page: PageParams) -> Page[OrderPublic]:
    """The caller's orders (every order for an admin), newest first (ids are time-ordered)."""
    owner, after = visible_owner(principal), page.after_id()
    read = _PAGES[owner is not None, after is not None]
    async with reading(as_caller_or_admin(principal)) as reader:
        # One more order than the page: is there a next page? A read binds only the names it uses.
        rows = await reader.fetch(read, limit=page.limit + 1, owner=owner, after=after)
    found, next_cursor = split_page(snapshots(rows), page.limit, lambda order: id_cursor(order.id))
    return Page[OrderPublic](
        items=[OrderPublic.of(order) for order in found], next_cursor=next_cursor
    )


async def get_order(*, principal: Principal, order_id: uuid.UUID) -> OrderPublic:
    """Someone else's order is not found, like one that does not exist."""
    owner = visible_owner(principal)
    async with reading(as_caller_or_admin(principal)) as reader:
        if owner is None:
            rows = await reader.fetch(ORDER_BY_ID, order_id=order_id)
        else:
            rows = await reader.fetch(_OWN_ORDER_BY_ID, order_id=order_id, owner=owner)
    if not rows:
        raise OrderNotFoundError()
    return OrderPublic.of(snapshots(rows)[0])


async def order_in(session: AsyncSession, *, order_id: uuid.UUID) -> OrderSnapshot:
    """The order as the session's transaction sees it, after a write path changed it: the same
    read as `get_order`, on the session's connection."""
    reader = await session_reader(session)
    return snapshots(await reader.fetch(ORDER_BY_ID, order_id=order_id))[0]


def snapshots(rows: Sequence[Mapping[str, Any]]) -> list[OrderSnapshot]:
    """The orders of rows read by these statements (an order's columns on each of its lines),
    in the rows' order."""
    lines: dict[uuid.UUID, list[OrderLine]] = {}
    firsts: list[Mapping[str, Any]] = []
    for row in rows:
        if row["id"] not in lines:
            lines[row["id"]] = []
            firsts.append(row)
        if row["book_id"] is not None:  # an order without lines still has its joined row
            lines[row["id"]].append(
                OrderLine(
                    book_id=row["book_id"],
                    title=row["title"],
                    unit_price=row["unit_price"],
                    quantity=row["quantity"],
                    line_total=row["line_total"],
                )
            )
    return [
        OrderSnapshot(
            id=row["id"],
            user_id=row["user_id"],
            status=row["status"],
            items=tuple(lines[row["id"]]),
            total=row["total"],
            currency=row["currency"],
            created_at=row["created_at"],
            updated_at=row["updated_at"],
        )
        for row in firsts
    ]


def _with_lines(selected: Select[Any]) -> CompiledStatement[Select[Any]]:
    """The selected orders, in id order newest first, each on one row per line (line order)."""
    chosen = selected.subquery("chosen")
    statement = (
        select(
            *chosen.c,
            order_items.c.book_id,
            order_items.c.title,
            order_items.c.unit_price,
            order_items.c.quantity,
            order_items.c.line_total,
        )
        .select_from(chosen.outerjoin(order_items, order_items.c.order_id == chosen.c.id))
        .order_by(chosen.c.id.desc(), order_items.c.line_number)
    )
    return CompiledStatement(statement)


def _page(*, one_owner: bool, after: bool) -> CompiledStatement[Select[Any]]:
    selected = (
        select(*_ORDER_COLUMNS)
        .order_by(orders.c.id.desc())
        .limit(bindparam("limit", type_=Integer()))
    )
    if one_owner:
        selected = selected.where(orders.c.user_id == bindparam("owner"))
    if after:
        selected = selected.where(orders.c.id < bindparam("after"))
    return _with_lines(selected)


# One statement per shape of the query: (one owner's orders, after a cursor).
_PAGES = {
    (one_owner, after): _page(one_owner=one_owner, after=after)
    for one_owner in (False, True)
    for after in (False, True)
}
ORDER_BY_ID = _with_lines(select(*_ORDER_COLUMNS).where(orders.c.id == bindparam("order_id")))
_OWN_ORDER_BY_ID = _with_lines(
    select(*_ORDER_COLUMNS).where(
        orders.c.id == bindparam("order_id"), orders.c.user_id == bindparam("owner")
    )
)
