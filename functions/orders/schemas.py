"""Request and response bodies of the Orders function."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from shared.db.tables.orders import OrderStatus
from shared.domain.money import MoneyOut
from shared.domain.orders import OrderSnapshot


class OrderItemPublic(BaseModel):
    book_id: uuid.UUID
    title: str = Field(description="The title when the order was placed")
    unit_price: MoneyOut = Field(description="The price when the order was placed")
    quantity: int
    line_total: MoneyOut


class OrderPublic(BaseModel):
    id: uuid.UUID
    status: OrderStatus
    items: list[OrderItemPublic]
    total: MoneyOut
    currency: str = Field(examples=["USD"])
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, order: OrderSnapshot) -> OrderPublic:
        return cls(
            id=order.id,
            status=order.status,
            items=[
                OrderItemPublic(
                    book_id=line.book_id,
                    title=line.title,
                    unit_price=line.unit_price,
                    quantity=line.quantity,
                    line_total=line.line_total,
                )
                for line in order.items
            ],
            total=order.total,
            currency=order.currency,
            created_at=order.created_at,
            updated_at=order.updated_at,
        )


class OrderStatusUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: OrderStatus
