"""The catalog's vocabulary, for per-word typo correction in search

Revision ID: 0006_search_words
Revises: 0005_prebooks
Create Date: 2026-11-22 23:59:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_search_words"
down_revision: str | None = "0005_prebooks"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# 'simple' lower-cases and splits like the search parser, without stemming: the words as typed.
# Words are inserted in sorted order, so two books written at once that share new words wait for
# each other in the same order and never deadlock.
ADD_BOOK_SEARCH_WORDS = """
CREATE FUNCTION add_book_search_words() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO search_words (word)
    SELECT lexeme
    FROM unnest(to_tsvector('simple', coalesce(NEW.title, '') || ' ' || coalesce(NEW.author, '')
                                      || ' ' || coalesce(NEW.description, '')))
    ORDER BY lexeme
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$
"""
BACKFILL = """
INSERT INTO search_words (word)
SELECT DISTINCT lexeme
FROM books, unnest(to_tsvector('simple', coalesce(books.title, '') || ' '
                                         || coalesce(books.author, '') || ' '
                                         || coalesce(books.description, '')))
ON CONFLICT DO NOTHING
"""


def upgrade() -> None:
    # Left in place on downgrade, as pg_trgm is: other objects may come to use it.
    op.execute("CREATE EXTENSION IF NOT EXISTS fuzzystrmatch")
    op.create_table(
        "search_words",
        sa.Column("word", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("word", name=op.f("pk_search_words")),
    )
    op.create_index(
        "ix_search_words_first_letter_length",
        "search_words",
        [sa.literal_column("left(word, 1)"), sa.literal_column("length(word)")],
    )
    op.execute(ADD_BOOK_SEARCH_WORDS)
    op.execute(
        "CREATE TRIGGER books_add_search_words AFTER INSERT OR UPDATE OF title, author, "
        "description ON books FOR EACH ROW EXECUTE FUNCTION add_book_search_words()"
    )
    op.execute(BACKFILL)


def downgrade() -> None:
    op.execute("DROP TRIGGER books_add_search_words ON books")
    op.execute("DROP FUNCTION add_book_search_words()")
    op.drop_index("ix_search_words_first_letter_length", table_name="search_words")
    op.drop_table("search_words")
