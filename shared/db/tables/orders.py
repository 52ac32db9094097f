"""Orders and their lines, and the idempotency keys of the checkouts that made them.

An order line copies the book's title and price at checkout: later catalog changes (a new price,
a deleted book) never change an order.
"""

from __future__ import annotations

from typing import Literal, get_args

from sqlalchemy import (
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    SmallInteger,
    String,
    Table,
    Uuid,
)
from sqlalchemy.dialects.postgresql import JSONB

from shared.db.tables.metadata import id_column, metadata, moment_column, timestamp_columns

OrderStatus = Literal["pending", "paid", "shipped", "delivered", "cancelled"]
ORDER_STATUSES: tuple[OrderStatus, ...] = get_args(OrderStatus)
MAX_IDEMPOTENCY_KEY_LENGTH = 255

orders = Table(
    "orders",
    metadata,
    id_column(),
    *timestamp_columns(),
    Column("user_id", Uuid, ForeignKey("users.id"), nullable=False),
    Column("status", String(16), server_default="pending", nullable=False),
    Column("total", Numeric(12, 2), nullable=False),
    Column("currency", String(3), nullable=False),
    CheckConstraint(f"status IN {ORDER_STATUSES!r}", name="status_valid"),
    CheckConstraint("total >= 0", name="total_not_negative"),
)

# A customer's orders, newest first (ids are time-ordered).
Index("ix_orders_user_id_id", orders.c.user_id, orders.c.id.desc())

order_items = Table(
    "order_items",
    metadata,
    Column("order_id", Uuid, ForeignKey("orders.id", ondelete="CASCADE"), primary_key=True),
    # Books are only ever soft-deleted, so the line keeps pointing at a row.
    Column("book_id", Uuid, ForeignKey("books.id"), primary_key=True),
    # Lines keep the order the customer put them in (their cart's order).
    Column("line_number", SmallInteger, nullable=False),
    Column("title", String(300), nullable=False),
    Column("unit_price", Numeric(10, 2), nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("line_total", Numeric(12, 2), nullable=False),
    CheckConstraint("quantity > 0", name="quantity_positive"),
    CheckConstraint("unit_price >= 0", name="unit_price_not_negative"),
)

# A checkout's `Idempotency-Key`: what it consumed and what it answered, for replays.
idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("user_id", Uuid, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("key", String(MAX_IDEMPOTENCY_KEY_LENGTH), primary_key=True),
    # SHA-256 (hex) of the cart lines the checkout consumed.
    Column("fingerprint", String(64), nullable=False),
    Column("order_id", Uuid, ForeignKey("orders.id", ondelete="CASCADE"), nullable=False),
    Column("response_status", SmallInteger, nullable=False),
    Column("response_body", JSONB, nullable=False),
    moment_column("created_at"),
)

# The daily purge deletes by age.
Index("ix_idempotency_keys_created_at", idempotency_keys.c.created_at)
