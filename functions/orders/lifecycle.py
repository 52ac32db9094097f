"""The order status lifecycle: pending → paid → shipped → delivered; cancelled from pending or paid."""

from __future__ import annotations

from collections.abc import Mapping

from shared.db.tables.orders import ORDER_STATUSES, OrderStatus

TRANSITIONS: Mapping[OrderStatus, frozenset[OrderStatus]] = {
    "pending": frozenset({"paid", "cancelled"}),
    "paid": frozenset({"shipped", "cancelled"}),
    "shipped": frozenset({"delivered"}),
    "delivered": frozenset(),
    "cancelled": frozenset(),
}
# Stock goes back to the shelf only when an order that held it is cancelled.
RETURNS_STOCK: frozenset[OrderStatus] = frozenset({"cancelled"})

assert set(TRANSITIONS) == set(ORDER_STATUSES), "every status needs a row in TRANSITIONS"


def can_move(current: OrderStatus, target: OrderStatus) -> bool:
    return target in TRANSITIONS[current]
