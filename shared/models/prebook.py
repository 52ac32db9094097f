"""Pre-orders of upcoming books, turned into orders by the release job once the book is out."""

from __future__ import annotations

import uuid
from typing import Literal, get_args

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from shared.db.base import Base, Timestamps, UUIDPrimaryKey

PrebookStatus = Literal["pending", "fulfilled", "cancelled"]
PREBOOK_STATUSES: tuple[PrebookStatus, ...] = get_args(PrebookStatus)
MAX_PREBOOK_QUANTITY = 10
PENDING = text("status = 'pending'")


class Prebook(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "prebooks"
    __table_args__ = (
        CheckConstraint(f"status IN {PREBOOK_STATUSES!r}", name="status_valid"),
        CheckConstraint(f"quantity BETWEEN 1 AND {MAX_PREBOOK_QUANTITY}", name="quantity_in_range"),
        # A fulfilled prebook, and only a fulfilled one, points at the order it became.
        CheckConstraint(
            "(status = 'fulfilled') = (order_id IS NOT NULL)", name="order_iff_fulfilled"
        ),
    )

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    book_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("books.id"))
    quantity: Mapped[int] = mapped_column(Integer)
    status: Mapped[PrebookStatus] = mapped_column(String(16), server_default="pending")
    order_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("orders.id"))


# At most one pending prebook per user and book: a race of two gives one 409, not two rows.
Index(
    "uq_prebooks_user_id_book_id_pending",
    Prebook.user_id,
    Prebook.book_id,
    unique=True,
    postgresql_where=PENDING,
)
# The release job's queue: a book's pending prebooks, oldest first (ids are time-ordered).
Index("ix_prebooks_book_id_id_pending", Prebook.book_id, Prebook.id, postgresql_where=PENDING)
# A user's prebooks, newest first.
Index("ix_prebooks_user_id_id", Prebook.user_id, Prebook.id.desc())
