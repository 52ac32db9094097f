"""Shopping carts: one line per user and book."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, Column, ForeignKey, Integer, Table, Uuid

from shared.db.tables.metadata import metadata, moment_column, updated_at_column

MAX_CART_QUANTITY = 99

cart_items = Table(
    "cart_items",
    metadata,
    # The primary key makes a line unique per user and book.
    Column("user_id", Uuid, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("book_id", Uuid, ForeignKey("books.id"), primary_key=True),
    Column("quantity", Integer, nullable=False),
    moment_column("added_at"),
    updated_at_column(),
    CheckConstraint(f"quantity BETWEEN 1 AND {MAX_CART_QUANTITY}", name="quantity_in_range"),
)
