"""Wishlist entries, mapped onto `shared.db.tables.wishlist_items`."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.orm import Mapped

from shared.db.models.base import Base
from shared.db.tables.wishlist import wishlist_items


class WishlistItem(Base):
    __table__ = wishlist_items

    user_id: Mapped[uuid.UUID]
    book_id: Mapped[uuid.UUID]
    added_at: Mapped[datetime]
