"""The catalog's vocabulary, mapped onto `shared.db.tables.search_words`."""

from __future__ import annotations

from sqlalchemy.orm import Mapped

from shared.db.models.base import Base
from shared.db.tables.search_words import search_words


class SearchWord(Base):
    __table__ = search_words

    word: Mapped[str]
    books: Mapped[int]
