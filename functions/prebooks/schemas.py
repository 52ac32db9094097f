"""Request and response bodies of the Prebooks function."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from shared.db.tables.prebooks import MAX_PREBOOK_QUANTITY, PrebookStatus
from shared.http.schema_fields import whole_number

Quantity = Annotated[
    int,
    Field(
        ge=1,
        le=MAX_PREBOOK_QUANTITY,
        strict=True,
        description=f"1 to {MAX_PREBOOK_QUANTITY}; a whole number (1 or 1.0): fractions, strings "
        "and booleans are refused",
        examples=[1],
    ),
    BeforeValidator(whole_number),
]


class PrebookCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    book_id: uuid.UUID
    quantity: Quantity


class PrebookPublic(BaseModel):
    id: uuid.UUID
    book_id: uuid.UUID
    title: str = Field(description="The book's current title")
    quantity: int
    status: PrebookStatus
    order_id: uuid.UUID | None = Field(description="The order it became, once fulfilled")
    release_date: date | None = Field(description="The book's current release date")
    created_at: datetime
