"""The declarative base every ORM model derives from, over the Core tables' `MetaData`, and the
typed attributes of the columns most tables share (`shared.db.tables.metadata`'s `id_column()` and
`timestamp_columns()`)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.orm import DeclarativeBase, Mapped

from shared.db.tables.metadata import metadata


class Base(DeclarativeBase):
    metadata = metadata


class Identified:
    id: Mapped[uuid.UUID]


class Timestamped:
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
