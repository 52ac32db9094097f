"""Response bodies of the Wishlist function (its requests carry no body)."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, Field

from shared.domain.money import MoneyOut


class WishlistEntryPublic(BaseModel):
    book_id: uuid.UUID
    title: str = Field(description="The book's current title")
    author: str = Field(description="The book's current author")
    price: MoneyOut = Field(description="The book's current price")
    available: bool = Field(
        description="Released (no release date, or not in the future) and in stock, today"
    )
    added_at: datetime = Field(description="When the book was put in the wishlist")
