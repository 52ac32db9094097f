"""The catalog's books, mapped onto `shared.db.tables.books`."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy.orm import Mapped, deferred

from shared.db.models.base import Base, Identified, Timestamped
from shared.db.tables.books import books


class Book(Identified, Timestamped, Base):
    __table__ = books

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
