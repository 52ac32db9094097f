"""Pre-orders of upcoming books, turned into orders by the release job once the book is out."""

from __future__ import annotations

from typing import Literal, get_args

from sqlalchemy import (
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Uuid,
    text,
)

from shared.db.tables.metadata import id_column, metadata, timestamp_columns

PrebookStatus = Literal["pending", "fulfilled", "cancelled"]
PREBOOK_STATUSES: tuple[PrebookStatus, ...] = get_args(PrebookStatus)
MAX_PREBOOK_QUANTITY = 10
PENDING = text("status = 'pending'")

prebooks = Table(
    "prebooks",
    metadata,
    id_column(),
    *timestamp_columns(),
    Column("user_id", Uuid, ForeignKey("users.id"), nullable=False),
    Column("book_id", Uuid, ForeignKey("books.id"), nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("status", String(16), server_default="pending", nullable=False),
    Column("order_id", Uuid, ForeignKey("orders.id")),
    CheckConstraint(f"status IN {PREBOOK_STATUSES!r}", name="status_valid"),
    CheckConstraint(f"quantity BETWEEN 1 AND {MAX_PREBOOK_QUANTITY}", name="quantity_in_range"),
    # A fulfilled prebook, and only a fulfilled one, points at the order it became.
    CheckConstraint("(status = 'fulfilled') = (order_id IS NOT NULL)", name="order_iff_fulfilled"),
)

# At most one pending prebook per user and book: a race of two gives one 409, not two rows.
Index(
    "uq_prebooks_user_id_book_id_pending",
    prebooks.c.user_id,
    prebooks.c.book_id,
    unique=True,
    postgresql_where=PENDING,
)
# The release job's queue: a book's pending prebooks, oldest first (ids are time-ordered).
Index("ix_prebooks_book_id_id_pending", prebooks.c.book_id, prebooks.c.id, postgresql_where=PENDING)
# A user's prebooks, newest first.
Index("ix_prebooks_user_id_id", prebooks.c.user_id, prebooks.c.id.desc())
