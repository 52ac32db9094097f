"""The catalog: books, searchable by weighted full text and by trigram similarity."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    Computed,
    Date,
    DateTime,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    func,
    literal_column,
    text,
)
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column

from shared.db.base import Base, Timestamps, UUIDPrimaryKey

# 'english' stems ("wizards" finds "wizard") and drops stop words; typo tolerance and names come
# from the trigram indexes. Written the way PostgreSQL reflects it, so the drift check sees no change.
SEARCH_VECTOR_SQL = (
    "((setweight(to_tsvector('english'::regconfig, (COALESCE(title, ''::character varying))::text), 'A'::\"char\")"
    " || setweight(to_tsvector('english'::regconfig, (COALESCE(author, ''::character varying))::text), 'B'::\"char\"))"
    " || setweight(to_tsvector('english'::regconfig, COALESCE(description, ''::text)), 'C'::\"char\"))"
)

# Release-date sort keys: a missing date sorts last in both directions, and the keys never hold
# NULL, so keyset row comparisons work on them.
RELEASE_ASC_KEY_SQL = "COALESCE(release_date, 'infinity'::date)"
RELEASE_DESC_KEY_SQL = "COALESCE(release_date, '-infinity'::date)"

LIVE = text("deleted_at IS NULL")


class Book(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "books"
    __table_args__ = (
        CheckConstraint("price >= 0", name="price_not_negative"),
        CheckConstraint("stock >= 0", name="stock_not_negative"),
        CheckConstraint("char_length(title) >= 1", name="title_not_empty"),
        CheckConstraint("isbn ~ '^97[89][0-9]{10}$'", name="isbn_is_isbn13"),
    )

    isbn: Mapped[str] = mapped_column(String(13))
    title: Mapped[str] = mapped_column(String(300))
    author: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    genre: Mapped[str] = mapped_column(String(50))
    price: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    stock: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    release_date: Mapped[date | None] = mapped_column(Date)
    # Soft delete: order lines keep pointing at the row; the catalog no longer shows it.
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    search_vector: Mapped[str] = mapped_column(
        TSVECTOR, Computed(SEARCH_VECTOR_SQL, persisted=True), deferred=True
    )


# The same keys as SQL expressions, for queries (sorts, and the release rules of shared.domain).
release_asc_key = func.coalesce(Book.release_date, literal_column("'infinity'::date"))
release_desc_key = func.coalesce(Book.release_date, literal_column("'-infinity'::date"))

# Every catalog index covers live books only: queries always say `deleted_at IS NULL`.
# A deleted book's ISBN may be used again by a new listing.
Index("uq_books_isbn_live", Book.isbn, unique=True, postgresql_where=LIVE)
Index("ix_books_search_vector", Book.search_vector, postgresql_using="gin", postgresql_where=LIVE)
Index(
    "ix_books_title_trgm",
    Book.title,
    postgresql_using="gin",
    postgresql_ops={"title": "gin_trgm_ops"},
    postgresql_where=LIVE,
)
Index(
    "ix_books_author_trgm",
    Book.author,
    postgresql_using="gin",
    postgresql_ops={"author": "gin_trgm_ops"},
    postgresql_where=LIVE,
)
Index("ix_books_title_id", Book.title, Book.id, postgresql_where=LIVE)
Index("ix_books_price_id", Book.price, Book.id, postgresql_where=LIVE)
Index("ix_books_release_asc_id", text(RELEASE_ASC_KEY_SQL), Book.id, postgresql_where=LIVE)
Index("ix_books_release_desc_id", text(RELEASE_DESC_KEY_SQL), Book.id, postgresql_where=LIVE)
Index("ix_books_genre_title_id", func.lower(Book.genre), Book.title, Book.id, postgresql_where=LIVE)
