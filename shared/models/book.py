"""The catalog's books, mapped onto `shared.tables.books`."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy.orm import Mapped, deferred

from shared.db.base import Base
from shared.tables.books import books


class Book(Base):
    __table__ = books

    id: Mapped[uuid.UUID]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    isbn: Mapped[str]
    title: Mapped[str]
    author: Mapped[str]
    description: Mapped[str]
    genre: Mapped[str]
    price: Mapped[Decimal]
    stock: Mapped[int]
    release_date: Mapped[date | None]
    deleted_at: Mapped[datetime | None]
    search_vector: Mapped[str] = deferred(books.c.search_vector)
