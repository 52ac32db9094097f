"""Request and response bodies of the Cart function."""

from __future__ import annotations

import uuid
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from shared.db.tables.cart import MAX_CART_QUANTITY
from shared.domain.money import MoneyOut
from shared.http.schema_fields import whole_number

Quantity = Annotated[
    int,
    Field(
        ge=1,
        le=MAX_CART_QUANTITY,
        strict=True,
        description=f"1 to {MAX_CART_QUANTITY}; a whole number (2 or 2.0): fractions, strings "
        "and booleans are refused",
        examples=[2],
    ),
    BeforeValidator(whole_number),
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
