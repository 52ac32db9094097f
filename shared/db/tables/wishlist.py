"""Wishlists: the books a user wants, one entry per user and book."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, Table, Uuid

from shared.db.tables.metadata import metadata, moment_column

wishlist_items = Table(
    "wishlist_items",
    metadata,
    # The primary key makes an entry unique per user and book.
    Column("user_id", Uuid, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("book_id", Uuid, ForeignKey("books.id"), primary_key=True),
    moment_column("added_at"),
)

# A user's wishlist, newest first, in keyset pages of (added_at, book_id).
Index(
    "ix_wishlist_items_user_id_added_at",
    wishlist_items.c.user_id,
    wishlist_items.c.added_at.desc(),
    wishlist_items.c.book_id.desc(),
)
