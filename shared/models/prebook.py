"""Pre-orders of upcoming books, mapped onto `shared.tables.prebooks`."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.orm import Mapped

from shared.db.base import Base
from shared.tables.prebooks import PrebookStatus, prebooks


class Prebook(Base):
    __table__ = prebooks

    id: Mapped[uuid.UUID]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    user_id: Mapped[uuid.UUID]
    book_id: Mapped[uuid.UUID]
    quantity: Mapped[int]
    status: Mapped[PrebookStatus]
    order_id: Mapped[uuid.UUID | None]
