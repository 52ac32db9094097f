"""Request and response bodies of the Cart function."""

from __future__ import annotations

import uuid
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from shared.models.cart import MAX_CART_QUANTITY
from shared.money import MoneyOut

Quantity = Annotated[
    int,
    Field(
        ge=1,
        le=MAX_CART_QUANTITY,
        strict=True,
        description=f"1 to {MAX_CART_QUANTITY}; a JSON integer",
        examples=[2],
    ),
]


class CartItemSet(BaseModel):
    model_config = ConfigDict(extra="forbid")

    quantity: Quantity


class CartItemPublic(BaseModel):
    book_id: uuid.UUID
    title: str
    unit_price: MoneyOut = Field(description="The book's current price")
    quantity: int
    line_total: MoneyOut


class CartPublic(BaseModel):
    items: list[CartItemPublic]
    item_count: int = Field(description="Copies in the cart: the sum of the quantities")
    total: MoneyOut
    currency: str = Field(examples=["USD"])
