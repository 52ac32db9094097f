"""An order as the rules see it, and the domain events that describe its changes."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from shared.db.tables.orders import OrderStatus
from shared.domain.money import format_money

ORDER_PLACED = "OrderPlaced"
ORDER_CANCELLED = "OrderCancelled"
ORDER_STATUS_CHANGED = "OrderStatusChanged"


@dataclass(frozen=True, slots=True)
class OrderLine:
    book_id: uuid.UUID
    title: str
    unit_price: Decimal
    quantity: int
    line_total: Decimal


@dataclass(frozen=True, slots=True)
class OrderSnapshot:
    id: uuid.UUID
    user_id: uuid.UUID
    status: OrderStatus
    items: tuple[OrderLine, ...]
    total: Decimal
    currency: str
    created_at: datetime
    updated_at: datetime

    def event_detail(self, *, previous_status: OrderStatus | None = None) -> dict[str, Any]:
        """What an order event carries besides its `event_id` (added by the outbox)."""
        detail: dict[str, Any] = {
            "order_id": str(self.id),
            "user_id": str(self.user_id),
            "status": self.status,
            "lines": [
                {
                    "book_id": str(line.book_id),
                    "title": line.title,
                    "unit_price": format_money(line.unit_price),
                    "quantity": line.quantity,
                    "line_total": format_money(line.line_total),
                }
                for line in self.items
            ],
            "total": format_money(self.total),
            "currency": self.currency,
            "occurred_at": self.updated_at.isoformat(),
        }
        if previous_status is not None:
            detail["previous_status"] = previous_status
        return detail
