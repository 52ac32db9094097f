"""Outbox events, mapped onto `shared.db.tables.outbox_events`."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Mapped

from shared.db.models.base import Base
from shared.db.tables.outbox import outbox_events


class OutboxEvent(Base):
    __table__ = outbox_events

    id: Mapped[uuid.UUID]
    type: Mapped[str]
    payload: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]
    published_at: Mapped[datetime | None]
    attempts: Mapped[int]
    last_error: Mapped[str | None]
