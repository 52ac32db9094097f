"""The transactional outbox: domain events written in the transaction of the change they describe,
published to EventBridge after it commits."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, Index, Integer, String, Table, Text, text
from sqlalchemy.dialects.postgresql import JSONB

from shared.db.tables.metadata import id_column, metadata, moment_column

outbox_events = Table(
    "outbox_events",
    metadata,
    # Also the event's `event_id`, which consumers deduplicate on (delivery is at-least-once).
    id_column(),
    Column("type", String(64), nullable=False),
    Column("payload", JSONB, nullable=False),
    moment_column("created_at"),
    Column("published_at", DateTime(timezone=True)),
    Column("attempts", Integer, server_default="0", nullable=False),
    Column("last_error", Text),
)

# The drain reads only what is still unpublished, oldest first.
Index(
    "ix_outbox_events_unpublished",
    outbox_events.c.id,
    postgresql_where=text("published_at IS NULL"),
)
