"""Wishlist entries, mapped onto `shared.tables.wishlist_items`."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.orm import Mapped

from shared.db.base import Base
from shared.tables.wishlist import wishlist_items


class WishlistItem(Base):
    __table__ = wishlist_items

    user_id: Mapped[uuid.UUID]
    book_id: Mapped[uuid.UUID]
    added_at: Mapped[datetime]
