"""Search postings (a word's books in rank order) and a vocabulary that forgets unused words

Revision ID: 0009_search_postings
Revises: 0008_login_throttle
Create Date: 2026-12-07 18:30:00
"""

import os
from collections.abc import Sequence

from alembic import op

from functions.migrations.ddl import backfill_in_batches

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
CREATE OR REPLACE FUNCTION index_book_words() RETURNS trigger LANGUAGE plpgsql AS $$
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
CREATE OR REPLACE FUNCTION index_inserted_books() RETURNS trigger LANGUAGE plpgsql AS $$
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
CREATE OR REPLACE FUNCTION book_postings(vector tsvector) RETURNS TABLE (word text, rank smallint)
LANGUAGE sql IMMUTABLE AS $$
    SELECT lexeme, CASE WHEN 'A' = ANY(weights) THEN 3 WHEN 'B' = ANY(weights) THEN 2
                        ELSE 1 END::smallint
    FROM unnest(vector)
$$
"""
# The backfill. The triggers are created first, in the migration's short transaction (it holds a
# SHARE ROW EXCLUSIVE lock on `books`, against writes, until it commits), and the books already
# there are indexed after, in batches of their own while `books` goes on being written
# (functions.migrations.ddl's backfill_in_batches). Until the last batch, the triggers index only
# the books the backfill is done with, so that no book is counted twice or left out:
#
# - `search_backfill.watermark`: every book up to it, in id order, was indexed by a batch as it
#   was when the batch read it, and the triggers keep it up to date from then on. NULL before the
#   first batch; the greatest uuid once the backfill is done.
# - `search_backfill_inserted`: the books inserted since the triggers exist, which the insert
#   trigger indexes itself wherever their ids fall; the batches leave them out.
#
# The update trigger leaves any other book alone: the batch that reaches it reads it as it then is.
# A batch locks the books it reads (FOR SHARE, in id order), so it reads a book being written once
# its writer committed; and a writer of a book in the batch waits for the batch, then finds the
# watermark past its book (the trigger reads it afresh: READ COMMITTED, as the application
# writes) and applies its change to what the batch counted. A book inserted meanwhile that the
# batch cannot see yet is in the inserted set by the time anyone can see it. Writers of other
# books, and checkouts' stock updates of any book not in the running batch, do not wait.
SEARCH_BACKFILL = """
CREATE TABLE IF NOT EXISTS search_backfill (
    one_row boolean PRIMARY KEY DEFAULT true CHECK (one_row),
    watermark uuid
)
"""
START_SEARCH_BACKFILL = (
    "INSERT INTO search_backfill (watermark) VALUES (NULL) ON CONFLICT DO NOTHING"
)
SEARCH_BACKFILL_INSERTED = (
    "CREATE TABLE IF NOT EXISTS search_backfill_inserted (book_id uuid PRIMARY KEY)"
)
# During the backfill, the functions above with a guard.
_UPDATED_BOOK = "    book := CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END;\n"
_SKIP_BOOKS_NOT_BACKFILLED = """\
    IF NOT EXISTS (SELECT FROM search_backfill WHERE watermark >= book)
       AND NOT EXISTS (SELECT FROM search_backfill_inserted WHERE book_id = book) THEN
        RETURN NULL;
    END IF;
"""
_FIRST_STATEMENT = "BEGIN\n"
_NOTE_INSERTED_BOOKS = """\
    INSERT INTO search_backfill_inserted (book_id) SELECT id FROM inserted ON CONFLICT DO NOTHING;
"""


def _with(function: str, anchor: str, added: str) -> str:
    assert function.count(anchor) == 1, f"{anchor!r} is not once in the function"
    return function.replace(anchor, anchor + added)


INDEX_BOOK_WORDS_WHILE_BACKFILLING = _with(
    INDEX_BOOK_WORDS, _UPDATED_BOOK, _SKIP_BOOKS_NOT_BACKFILLED
)
INDEX_INSERTED_BOOKS_WHILE_BACKFILLING = _with(
    INDEX_INSERTED_BOOKS, _FIRST_STATEMENT, _NOTE_INSERTED_BOOKS
)
# 0006's trigger does nothing from the first transaction on (its vocabulary rows, counted 0, would
# outlive the cleanup below), and goes in the last one: dropping a trigger locks out even readers.
ADD_NO_SEARCH_WORDS = """
CREATE OR REPLACE FUNCTION add_book_search_words() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RETURN NULL;
END $$
"""
# One batch: the next books after the watermark that the insert trigger did not index, locked,
# their postings written and their words counted, the watermark moved past them; answers how many
# it took. Deleted books are locked and passed too: one listed again meanwhile is read as it is.
BACKFILL_BATCH = """
WITH batch AS MATERIALIZED (
    SELECT books.id, books.deleted_at, books.search_vector, books.title, books.author,
           books.description
    FROM books
    WHERE books.id >= coalesce((SELECT watermark FROM search_backfill),
                               '00000000-0000-0000-0000-000000000000')
      AND books.id IS DISTINCT FROM (SELECT watermark FROM search_backfill)
      AND NOT EXISTS (SELECT FROM search_backfill_inserted i WHERE i.book_id = books.id)
    ORDER BY books.id
    LIMIT {rows}
    FOR SHARE OF books
), live AS (
    SELECT * FROM batch WHERE deleted_at IS NULL
), postings AS (
    INSERT INTO search_postings (word, rank, book_id)
    SELECT p.word, p.rank, live.id
    FROM live, book_postings(live.search_vector) AS p
    ON CONFLICT DO NOTHING
), words AS (
    INSERT INTO search_words AS w (word, books)
    SELECT lexeme, count(*)::int
    FROM live, unnest(to_tsvector('simple', coalesce(live.title, '') || ' '
                                            || coalesce(live.author, '') || ' '
                                            || coalesce(live.description, '')))
    GROUP BY lexeme
    ORDER BY lexeme
    ON CONFLICT (word) DO UPDATE SET books = w.books + EXCLUDED.books
), passed AS (
    UPDATE search_backfill SET watermark = (SELECT id FROM batch ORDER BY id DESC LIMIT 1)
    WHERE EXISTS (SELECT FROM batch)
)
SELECT count(*) FROM batch
"""
# Once no book is left (every book is under the watermark or was inserted since), the functions
# without their guard, and the watermark past every uuid (which the guard then agrees with), in one
# transaction: a migration run again from here finds nothing left to do.
BACKFILL_DONE = "UPDATE search_backfill SET watermark = 'ffffffff-ffff-ffff-ffff-ffffffffffff'"
# The words no live book holds, 0006's among them. Locked in word order, as the triggers lock them.
DROP_UNUSED_WORDS = """
DELETE FROM search_words WHERE word IN (
    SELECT word FROM search_words WHERE books = 0 ORDER BY word FOR UPDATE
)
"""
# The backfill's own tables, which no code reads: squawk's rule is for the tables clients use.
NOT_A_CLIENTS_TABLE = "-- squawk-ignore ban-drop-table\n"

# Books a batch reads; SEARCH_BACKFILL_BATCH_ROWS changes it (the tests use small batches). A
# writer of one of them waits for that batch at most.
BACKFILL_BATCH_ROWS = 1000
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


def backfill_batch_rows() -> int:
    return int(os.environ.get("SEARCH_BACKFILL_BATCH_ROWS", BACKFILL_BATCH_ROWS))


def upgrade() -> None:
    # Every step may run again: a migration stopped half way (a lock timeout, the function's own
    # timeout) is run again whole, and goes on where the backfill stopped.
    op.execute(
        "CREATE TABLE IF NOT EXISTS search_postings (word text NOT NULL, rank smallint NOT NULL, "
        "book_id uuid NOT NULL, CONSTRAINT pk_search_postings PRIMARY KEY (word, rank, book_id))"
    )
    # A new table: built plainly, before any row.
    op.execute(
        "CREATE INDEX IF NOT EXISTS ix_search_postings_book_word ON search_postings (book_id, word)"
    )
    op.execute(SEARCH_BACKFILL)
    op.execute(START_SEARCH_BACKFILL)
    op.execute(SEARCH_BACKFILL_INSERTED)
    # Functions lock no table.
    op.execute(BOOK_POSTINGS)
    op.execute(INDEX_BOOK_WORDS_WHILE_BACKFILLING)
    op.execute(INDEX_INSERTED_BOOKS_WHILE_BACKFILLING)
    op.execute(ADD_NO_SEARCH_WORDS)
    # `books` before `search_words`, the order its writers take them in (their triggers write the
    # vocabulary): the other order deadlocks with a title being changed.
    op.execute(
        "CREATE OR REPLACE TRIGGER books_index_inserted_words AFTER INSERT ON books "
        "REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT "
        "EXECUTE FUNCTION index_inserted_books()"
    )
    op.execute(
        "CREATE OR REPLACE TRIGGER books_index_words AFTER DELETE OR UPDATE OF title, author, "
        "description, deleted_at ON books FOR EACH ROW EXECUTE FUNCTION index_book_words()"
    )
    # A constant default: a catalog change, no rewrite. Counted by the backfill.
    op.execute(
        "ALTER TABLE search_words ADD COLUMN IF NOT EXISTS books integer DEFAULT '0' NOT NULL"
    )
    # Committed here. Then the books, a batch at a time, and the functions without their guard
    # (CREATE OR REPLACE FUNCTION locks no table).
    backfill_in_batches(
        BACKFILL_BATCH.format(rows=backfill_batch_rows()),
        finish=[INDEX_BOOK_WORDS, INDEX_INSERTED_BOOKS, BACKFILL_DONE, DROP_UNUSED_WORDS],
    )
    # First: the ACCESS EXCLUSIVE lock on books waits for every statement still running the
    # guarded functions, so none is left to find their tables gone. An instant's lock, then.
    op.execute("DROP TRIGGER IF EXISTS books_add_search_words ON books")
    op.execute("DROP FUNCTION IF EXISTS add_book_search_words()")
    op.execute(f"{NOT_A_CLIENTS_TABLE}DROP TABLE search_backfill, search_backfill_inserted")


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
