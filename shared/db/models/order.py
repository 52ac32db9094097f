"""Orders and their lines, mapped onto `shared.db.tables.orders` (a checkout's idempotency key is
read and written with Core, `functions.orders.repository`)."""

from __future__ import annotations

import uuid
from decimal import Decimal

from sqlalchemy.orm import Mapped

from shared.db.models.base import Base, Identified, Timestamped
from shared.db.tables.orders import OrderStatus, order_items, orders


class Order(Identified, Timestamped, Base):
    __table__ = orders

    user_id: Mapped[uuid.UUID]
    status: Mapped[OrderStatus]
    total: Mapped[Decimal]
    currency: Mapped[str]


class OrderItem(Base):
    __table__ = order_items

    order_id: Mapped[uuid.UUID]
    book_id: Mapped[uuid.UUID]
    line_number: Mapped[int]
    title: Mapped[str]
    unit_price: Mapped[Decimal]
    quantity: Mapped[int]
    line_total: Mapped[Decimal]
