"""Search postings (a word's books in rank order) and a vocabulary that forgets unused words

Revision ID: 0009_search_postings
Revises: 0008_login_throttle
Create Date: 2026-12-07 18:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_search_postings"
down_revision: str | None = "0008_login_throttle"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# A changed or deleted book's words, both ways the catalog reads them: its search_vector's lexemes (English,
# stemmed), each with the best field it is in (3 title, 2 author, 1 description) as postings, and
# its words as typed ('simple') counted in the vocabulary, which drops a word no live book holds.
# Every change is a difference between the old and the new row, so a PATCH of the price touches
# nothing, and the vocabulary's rows are written in one statement in word order: two books written
# at once that share words wait for each other in the same order and never deadlock.
INDEX_BOOK_WORDS = """
CREATE FUNCTION index_book_words() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    old_vector tsvector := '';
    new_vector tsvector := '';
    old_words text[] := '{}';
    new_words text[] := '{}';
    book uuid;
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.deleted_at IS NULL THEN
        old_vector := OLD.search_vector;
        old_words := tsvector_to_array(to_tsvector('simple', coalesce(OLD.title, '') || ' '
            || coalesce(OLD.author, '') || ' ' || coalesce(OLD.description, '')));
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.deleted_at IS NULL THEN
        new_vector := NEW.search_vector;
        new_words := tsvector_to_array(to_tsvector('simple', coalesce(NEW.title, '') || ' '
            || coalesce(NEW.author, '') || ' ' || coalesce(NEW.description, '')));
    END IF;
    book := CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END;

    DELETE FROM search_postings p
    USING (SELECT * FROM book_postings(old_vector) EXCEPT SELECT * FROM book_postings(new_vector)) gone
    WHERE p.word = gone.word AND p.rank = gone.rank AND p.book_id = book;
    INSERT INTO search_postings (word, rank, book_id)
    SELECT word, rank, book
    FROM (SELECT * FROM book_postings(new_vector) EXCEPT SELECT * FROM book_postings(old_vector)) added
    ON CONFLICT DO NOTHING;

    INSERT INTO search_words AS w (word, books)
    SELECT word, sum(delta)::int
    FROM (SELECT unnest(new_words) AS word, 1 AS delta
          UNION ALL SELECT unnest(old_words), -1) AS changes
    GROUP BY word
    HAVING sum(delta) <> 0
    ORDER BY word
    ON CONFLICT (word) DO UPDATE SET books = w.books + EXCLUDED.books;
    DELETE FROM search_words
    WHERE word = ANY(old_words) AND NOT word = ANY(new_words) AND books <= 0;
    RETURN NULL;
END $$
"""
# Books inserted by one statement (a COPY of a catalog, a seed) are indexed by one statement:
# row by row, the count of a common word would be updated once per book, in one transaction.
INDEX_INSERTED_BOOKS = """
CREATE FUNCTION index_inserted_books() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO search_postings (word, rank, book_id)
    SELECT p.word, p.rank, inserted.id
    FROM inserted, book_postings(inserted.search_vector) AS p
    WHERE inserted.deleted_at IS NULL
    ON CONFLICT DO NOTHING;
    INSERT INTO search_words AS w (word, books)
    SELECT lexeme, count(*)::int
    FROM inserted, unnest(to_tsvector('simple', coalesce(inserted.title, '') || ' '
                                                || coalesce(inserted.author, '') || ' '
                                                || coalesce(inserted.description, '')))
    WHERE inserted.deleted_at IS NULL
    GROUP BY lexeme
    ORDER BY lexeme
    ON CONFLICT (word) DO UPDATE SET books = w.books + EXCLUDED.books;
    RETURN NULL;
END $$
"""
BOOK_POSTINGS = """
CREATE FUNCTION book_postings(vector tsvector) RETURNS TABLE (word text, rank smallint)
LANGUAGE sql IMMUTABLE AS $$
    SELECT lexeme, CASE WHEN 'A' = ANY(weights) THEN 3 WHEN 'B' = ANY(weights) THEN 2
                        ELSE 1 END::smallint
    FROM unnest(vector)
$$
"""
BACKFILL_POSTINGS = """
INSERT INTO search_postings (word, rank, book_id)
SELECT p.word, p.rank, books.id
FROM books, book_postings(books.search_vector) AS p
WHERE books.deleted_at IS NULL
ON CONFLICT DO NOTHING
"""
COUNT_WORDS = """
UPDATE search_words w SET books = used.books
FROM (SELECT lexeme AS word, count(*)::int AS books
      FROM books, unnest(to_tsvector('simple', coalesce(books.title, '') || ' '
                                               || coalesce(books.author, '') || ' '
                                               || coalesce(books.description, '')))
      WHERE books.deleted_at IS NULL
      GROUP BY lexeme) AS used
WHERE w.word = used.word
"""
# 0006's trigger, restored by the downgrade.
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


def upgrade() -> None:
    op.create_table(
        "search_postings",
        sa.Column("word", sa.Text(), nullable=False),
        sa.Column("rank", sa.SmallInteger(), nullable=False),
        sa.Column("book_id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("word", "rank", "book_id", name=op.f("pk_search_postings")),
    )
    # A new table: built plainly, before any row.
    op.create_index("ix_search_postings_book_word", "search_postings", ["book_id", "word"])
    # A constant default: a catalog change, no rewrite. Counted below, before the trigger runs.
    op.add_column(
        "search_words",
        sa.Column("books", sa.Integer(), server_default="0", nullable=False),
    )
    op.execute(BOOK_POSTINGS)
    op.execute(INDEX_BOOK_WORDS)
    op.execute("DROP TRIGGER books_add_search_words ON books")
    op.execute("DROP FUNCTION add_book_search_words()")
    op.execute(INDEX_INSERTED_BOOKS)
    op.execute(
        "CREATE TRIGGER books_index_inserted_words AFTER INSERT ON books "
        "REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT "
        "EXECUTE FUNCTION index_inserted_books()"
    )
    op.execute(
        "CREATE TRIGGER books_index_words AFTER DELETE OR UPDATE OF title, author, "
        "description, deleted_at ON books FOR EACH ROW EXECUTE FUNCTION index_book_words()"
    )
    op.execute(BACKFILL_POSTINGS)
    op.execute(COUNT_WORDS)
    op.execute("DELETE FROM search_words WHERE books = 0")


def downgrade() -> None:
    op.execute("DROP TRIGGER books_index_words ON books")
    op.execute("DROP TRIGGER books_index_inserted_words ON books")
    op.execute("DROP FUNCTION index_book_words()")
    op.execute("DROP FUNCTION index_inserted_books()")
    op.execute("DROP FUNCTION book_postings(tsvector)")
    op.execute(ADD_BOOK_SEARCH_WORDS)
    op.execute(
        "CREATE TRIGGER books_add_search_words AFTER INSERT OR UPDATE OF title, author, "
        "description ON books FOR EACH ROW EXECUTE FUNCTION add_book_search_words()"
    )
    op.drop_column("search_words", "books")
    op.drop_index("ix_search_postings_book_word", table_name="search_postings")
    op.drop_table("search_postings")
