"""Pre-orders of upcoming books, mapped onto `shared.db.tables.prebooks`."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Mapped

from shared.db.models.base import Base, Identified, Timestamped
from shared.db.tables.prebooks import PrebookStatus, prebooks


class Prebook(Identified, Timestamped, Base):
    __table__ = prebooks

    user_id: Mapped[uuid.UUID]
    book_id: Mapped[uuid.UUID]
    quantity: Mapped[int]
    status: Mapped[PrebookStatus]
    order_id: Mapped[uuid.UUID | None]
