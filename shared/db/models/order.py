"""Orders, their lines and checkouts' idempotency keys, mapped onto `shared.db.tables.orders`."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Mapped

from shared.db.models.base import Base, Identified, Timestamped
from shared.db.tables.orders import OrderStatus, idempotency_keys, order_items, orders


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


class IdempotencyKey(Base):
    """A checkout's `Idempotency-Key`: what it consumed and what it answered, for replays."""

    __table__ = idempotency_keys

    user_id: Mapped[uuid.UUID]
    key: Mapped[str]
    fingerprint: Mapped[str]
    order_id: Mapped[uuid.UUID]
    response_status: Mapped[int]
    response_body: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]
