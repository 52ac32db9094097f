"""Shopping-cart lines, mapped onto `shared.db.tables.cart_items`."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.orm import Mapped

from shared.db.models.base import Base
from shared.db.tables.cart import cart_items


class CartItem(Base):
    __table__ = cart_items

    user_id: Mapped[uuid.UUID]
    book_id: Mapped[uuid.UUID]
    quantity: Mapped[int]
    added_at: Mapped[datetime]
    updated_at: Mapped[datetime]
