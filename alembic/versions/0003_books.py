"""Books: the catalog, with weighted full-text and trigram search

Revision ID: 0003_books
Revises: 0002_users
Create Date: 2026-11-22 07:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003_books"
down_revision: str | None = "0002_users"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies of the model's expressions: a migration must not change when the model does.
SEARCH_VECTOR_SQL = (
    "((setweight(to_tsvector('english'::regconfig, (COALESCE(title, ''::character varying))::text), 'A'::\"char\")"
    " || setweight(to_tsvector('english'::regconfig, (COALESCE(author, ''::character varying))::text), 'B'::\"char\"))"
    " || setweight(to_tsvector('english'::regconfig, COALESCE(description, ''::text)), 'C'::\"char\"))"
)
LIVE = sa.text("deleted_at IS NULL")


def upgrade() -> None:
    # Left in place on downgrade: other objects may come to use it.
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.create_table(
        "books",
        sa.Column("isbn", sa.String(length=13), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("author", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.Column("genre", sa.String(length=50), nullable=False),
        sa.Column("price", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.Column("stock", sa.Integer(), server_default="0", nullable=False),
        sa.Column("release_date", sa.Date(), nullable=True),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "search_vector",
            postgresql.TSVECTOR(),
            sa.Computed(SEARCH_VECTOR_SQL, persisted=True),
            nullable=False,
        ),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint("price >= 0", name=op.f("ck_books_price_not_negative")),
        sa.CheckConstraint("stock >= 0", name=op.f("ck_books_stock_not_negative")),
        sa.CheckConstraint("char_length(title) >= 1", name=op.f("ck_books_title_not_empty")),
        sa.CheckConstraint("isbn ~ '^97[89][0-9]{10}$'", name=op.f("ck_books_isbn_is_isbn13")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_books")),
    )
    op.create_index("uq_books_isbn_live", "books", ["isbn"], unique=True, postgresql_where=LIVE)
    op.create_index(
        "ix_books_search_vector",
        "books",
        ["search_vector"],
        postgresql_using="gin",
        postgresql_where=LIVE,
    )
    op.create_index(
        "ix_books_title_trgm",
        "books",
        ["title"],
        postgresql_using="gin",
        postgresql_ops={"title": "gin_trgm_ops"},
        postgresql_where=LIVE,
    )
    op.create_index(
        "ix_books_author_trgm",
        "books",
        ["author"],
        postgresql_using="gin",
        postgresql_ops={"author": "gin_trgm_ops"},
        postgresql_where=LIVE,
    )
    op.create_index("ix_books_title_id", "books", ["title", "id"], postgresql_where=LIVE)
    op.create_index("ix_books_price_id", "books", ["price", "id"], postgresql_where=LIVE)
    op.create_index(
        "ix_books_release_asc_id",
        "books",
        [sa.text("COALESCE(release_date, 'infinity'::date)"), "id"],
        postgresql_where=LIVE,
    )
    op.create_index(
        "ix_books_release_desc_id",
        "books",
        [sa.text("COALESCE(release_date, '-infinity'::date)"), "id"],
        postgresql_where=LIVE,
    )
    op.create_index(
        "ix_books_genre_title_id",
        "books",
        [sa.text("lower(genre)"), "title", "id"],
        postgresql_where=LIVE,
    )


def downgrade() -> None:
    for name in (
        "ix_books_genre_title_id",
        "ix_books_release_desc_id",
        "ix_books_release_asc_id",
        "ix_books_price_id",
        "ix_books_title_id",
        "ix_books_author_trgm",
        "ix_books_title_trgm",
        "ix_books_search_vector",
        "uq_books_isbn_live",
    ):
        op.drop_index(name, table_name="books")
    op.drop_table("books")
