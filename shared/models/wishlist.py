"""Wishlists: the books a user wants, one entry per user and book."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, func
from sqlalchemy.orm import Mapped, mapped_column

from shared.db.base import Base


class WishlistItem(Base):
    __tablename__ = "wishlist_items"

    # The primary key makes an entry unique per user and book.
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    book_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("books.id"), primary_key=True)
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


# A user's wishlist, newest first, in keyset pages of (added_at, book_id).
Index(
    "ix_wishlist_items_user_id_added_at",
    WishlistItem.user_id,
    WishlistItem.added_at.desc(),
    WishlistItem.book_id.desc(),
)
