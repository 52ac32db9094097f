"""The catalog: books, searchable by weighted full text and by trigram similarity."""

from __future__ import annotations

from sqlalchemy import (
    CheckConstraint,
    Column,
    Computed,
    Date,
    DateTime,
    Index,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    func,
    literal_column,
    text,
)
from sqlalchemy.dialects.postgresql import TSVECTOR

from shared.db.tables.metadata import id_column, metadata, timestamp_columns

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

books = Table(
    "books",
    metadata,
    id_column(),
    *timestamp_columns(),
    Column("isbn", String(13), nullable=False),
    Column("title", String(300), nullable=False),
    Column("author", String(200), nullable=False),
    Column("description", Text, default="", server_default="", nullable=False),
    Column("genre", String(50), nullable=False),
    Column("price", Numeric(10, 2), nullable=False),
    Column("stock", Integer, default=0, server_default="0", nullable=False),
    Column("release_date", Date),
    # Soft delete: order lines keep pointing at the row; the catalog no longer shows it.
    Column("deleted_at", DateTime(timezone=True)),
    Column("search_vector", TSVECTOR, Computed(SEARCH_VECTOR_SQL, persisted=True), nullable=False),
    CheckConstraint("price >= 0", name="price_not_negative"),
    CheckConstraint("stock >= 0", name="stock_not_negative"),
    CheckConstraint("char_length(title) >= 1", name="title_not_empty"),
    CheckConstraint("isbn ~ '^97[89][0-9]{10}$'", name="isbn_is_isbn13"),
)

# The same keys as SQL expressions, for queries (sorts, and the release rules of shared.domain).
release_asc_key = func.coalesce(books.c.release_date, literal_column("'infinity'::date"))
release_desc_key = func.coalesce(books.c.release_date, literal_column("'-infinity'::date"))

# Every catalog index covers live books only: queries always say `deleted_at IS NULL`.
# A deleted book's ISBN may be used again by a new listing.
Index("uq_books_isbn_live", books.c.isbn, unique=True, postgresql_where=LIVE)
Index(
    "ix_books_search_vector", books.c.search_vector, postgresql_using="gin", postgresql_where=LIVE
)
for _searched in (books.c.title, books.c.author):
    Index(
        f"ix_books_{_searched.name}_trgm",
        _searched,
        postgresql_using="gin",
        postgresql_ops={_searched.name: "gin_trgm_ops"},
        postgresql_where=LIVE,
    )
Index("ix_books_title_id", books.c.title, books.c.id, postgresql_where=LIVE)
Index("ix_books_price_id", books.c.price, books.c.id, postgresql_where=LIVE)
Index("ix_books_release_asc_id", text(RELEASE_ASC_KEY_SQL), books.c.id, postgresql_where=LIVE)
Index("ix_books_release_desc_id", text(RELEASE_DESC_KEY_SQL), books.c.id, postgresql_where=LIVE)
Index(
    "ix_books_genre_title_id",
    func.lower(books.c.genre),
    books.c.title,
    books.c.id,
    postgresql_where=LIVE,
)
