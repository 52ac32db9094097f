"""The transactional outbox: domain events written in the transaction of the change they describe,
published to EventBridge after it commits."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, Index, Integer, String, Text, func, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from shared.db.base import Base, new_id


class OutboxEvent(Base):
    __tablename__ = "outbox_events"

    # Also the event's `event_id`, which consumers deduplicate on (delivery is at-least-once).
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    type: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSONB)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    attempts: Mapped[int] = mapped_column(Integer, server_default="0")
    last_error: Mapped[str | None] = mapped_column(Text)


# The drain reads only what is still unpublished, oldest first.
Index(
    "ix_outbox_events_unpublished",
    OutboxEvent.id,
    postgresql_where=text("published_at IS NULL"),
)
