"""Writers of `books` on threads of their own, while a migration runs in the test's thread, and the
search index as it should be, recomputed from the books themselves.

Each writer has its own connection and event loop and writes one statement at a time, each its
own transaction, as the catalog's handlers and checkouts do, until it is stopped. After each write
it notes how long the statement took (waits for locks included) and the backfill's watermark as
the write found it committed (`search_backfill`, revision 0009; None when no backfill is under
way), which tells whether writes went on between the backfill's batches.
"""

from __future__ import annotations

import asyncio
import random
import threading
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import asyncpg

from tests.support.databases import connect, fetch, run


@dataclass(frozen=True)
class Write:
    seconds: float
    watermark: str | None


@dataclass
class Catalog:
    """The ids a writer may pick from: the books there were when it started, and the ones it added."""

    ids: list[uuid.UUID]
    rng: random.Random

    def any_book(self) -> uuid.UUID:
        return self.rng.choice(self.ids)


Step = Callable[[asyncpg.Connection, Catalog], Awaitable[None]]


class Writer(threading.Thread):
    def __init__(self, database_url: str, step: Step, seed: int) -> None:
        super().__init__(daemon=True)
        self.database_url = database_url
        self.step = step
        self.seed = seed
        self.writes: list[Write] = []
        self.error: BaseException | None = None
        self._stop_writing = threading.Event()
        self.ready = threading.Event()

    def run(self) -> None:
        try:
            asyncio.run(self._write())
        except BaseException as error:
            self.error = error
        finally:
            self.ready.set()

    async def _write(self) -> None:
        connection = await connect(self.database_url)
        try:
            ids = [row["id"] for row in await connection.fetch("SELECT id FROM books")]
            catalog = Catalog(ids, random.Random(self.seed))
            self.ready.set()
            while not self._stop_writing.is_set():
                started = time.monotonic()
                await self.step(connection, catalog)
                seconds = time.monotonic() - started
                self.writes.append(Write(seconds, await _watermark(connection)))
        finally:
            await connection.close()

    def stop(self) -> list[Write]:
        self._stop_writing.set()
        self.join(timeout=60)
        if self.error is not None:
            raise self.error
        assert not self.is_alive(), "a writer did not stop"
        return self.writes


async def _watermark(connection: asyncpg.Connection) -> str | None:
    try:
        value = await connection.fetchval("SELECT watermark::text FROM search_backfill")
    except asyncpg.UndefinedTableError:
        return None
    return str(value) if value is not None else "start"


@contextmanager
def writing(database_url: str, *steps: Step) -> Iterator[list[Writer]]:
    """One writer a step, writing from the moment they all have their books until the block ends."""
    writers = [Writer(database_url, step, seed) for seed, step in enumerate(steps)]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.ready.wait(timeout=60)
    try:
        yield writers
    finally:
        for writer in writers:
            writer.stop()


# The watermark once the backfill is done.
DONE = "ffffffff-ffff-ffff-ffff-ffffffffffff"


def watermarks_seen(writes: list[Write]) -> set[str]:
    """The watermarks writes found, the backfill part way: each a batch committed before them."""
    return {w.watermark for w in writes if w.watermark not in (None, "start", DONE)}


# Steps -----------------------------------------------------------------------------------------

# Few words, so that books share them and their counts in the vocabulary change both ways.
WORDS = [
    "amber",
    "harbor",
    "lantern",
    "quiet",
    "river",
    "storm",
    "willow",
    "ember",
    "meadow",
    "cinder",
    "falcon",
    "orchard",
    "ivory",
    "copper",
    "thistle",
]


def _words(catalog: Catalog, count: int) -> str:
    return " ".join(catalog.rng.choice(WORDS) for _ in range(count))


def _isbn(catalog: Catalog) -> str:
    return f"979{catalog.rng.randrange(10**10):010d}"


async def update_stock(connection: asyncpg.Connection, catalog: Catalog) -> None:
    """A checkout's write: a book's stock, which the search triggers do not watch. It waits at
    most a second for a lock, as the server counts it (the thread's own time, shared with the
    migration running in the test's thread, is not a measure of that): past it, the write fails
    with `LockNotAvailableError`, and so does its writer."""
    async with connection.transaction():
        await connection.execute("SET LOCAL lock_timeout = '1s'")
        await connection.execute(
            "UPDATE books SET stock = stock + 1 WHERE id = $1", catalog.any_book()
        )


async def edit_catalog(connection: asyncpg.Connection, catalog: Catalog) -> None:
    """One of an admin's writes, at random: a new title or description, a book soft-deleted or
    listed again, deleted for good, or new books (ids anywhere in id order, or after every other
    one as the application's time-ordered ids are)."""
    rng = catalog.rng
    book = catalog.any_book()
    action = rng.randrange(8)
    if action == 0:
        await connection.execute(
            "UPDATE books SET title = $2 WHERE id = $1", book, _words(catalog, 3).title()
        )
    elif action == 1:
        await connection.execute(
            "UPDATE books SET description = $2 WHERE id = $1", book, _words(catalog, 6) + "."
        )
    elif action == 2:
        await connection.execute(
            "UPDATE books SET author = $2, title = $3 WHERE id = $1",
            book,
            _words(catalog, 2).title(),
            _words(catalog, 2).title(),
        )
    elif action == 3:
        await connection.execute("UPDATE books SET deleted_at = now() WHERE id = $1", book)
    elif action == 4:
        # Listed again, unless its ISBN went to another listing meanwhile.
        await connection.execute(
            "UPDATE books b SET deleted_at = NULL WHERE id = $1 AND deleted_at IS NOT NULL "
            "AND NOT EXISTS (SELECT FROM books o WHERE o.isbn = b.isbn AND o.deleted_at IS NULL)",
            book,
        )
    elif action == 5:
        await connection.execute("DELETE FROM books WHERE id = $1", book)
    else:
        count = rng.randint(1, 3)
        ids = [uuid.uuid4() if action == 6 else _time_ordered() for _ in range(count)]
        await connection.execute(
            "INSERT INTO books (id, isbn, title, author, description, genre, price, stock) "
            "SELECT id, isbn, title, 'Ann Writer', description, 'fiction', 9.99, 3 "
            "FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[]) "
            "AS n(id, isbn, title, description)",
            ids,
            [_isbn(catalog) for _ in ids],
            [_words(catalog, 3).title() for _ in ids],
            [_words(catalog, 5) for _ in ids],
        )
        catalog.ids.extend(ids)


def _time_ordered() -> uuid.UUID:
    from shared.db.ids import new_id

    return new_id()


# The search index as it should be ---------------------------------------------------------------

_POSTINGS_DIFFERENCES = """
WITH expected AS (
    SELECT p.word, p.rank, b.id AS book_id
    FROM books b, book_postings(b.search_vector) AS p
    WHERE b.deleted_at IS NULL
)
SELECT * FROM (
    (SELECT 'missing' AS what, * FROM expected
     EXCEPT ALL SELECT 'missing', word, rank, book_id FROM search_postings)
    UNION ALL
    (SELECT 'extra', word, rank, book_id FROM search_postings
     EXCEPT ALL SELECT 'extra', * FROM expected)
) differences
ORDER BY 2, 3, 4 LIMIT 20
"""
_WORD_DIFFERENCES = """
WITH expected AS (
    SELECT lexeme AS word, count(*)::int AS books
    FROM books, unnest(to_tsvector('simple', coalesce(books.title, '') || ' '
                                             || coalesce(books.author, '') || ' '
                                             || coalesce(books.description, '')))
    WHERE books.deleted_at IS NULL
    GROUP BY lexeme
)
SELECT * FROM (
    (SELECT 'expected' AS what, * FROM expected
     EXCEPT ALL SELECT 'expected', word, books FROM search_words)
    UNION ALL
    (SELECT 'found', word, books FROM search_words
     EXCEPT ALL SELECT 'found', * FROM expected)
) differences
ORDER BY 2, 1 LIMIT 20
"""


def index_differences(database_url: str) -> dict[str, list[tuple[object, ...]]]:
    """How search_postings and search_words differ from what the books hold now: empty when they
    are exactly what indexing every live book from scratch gives."""
    return {
        "postings": [tuple(r) for r in run(fetch(database_url, _POSTINGS_DIFFERENCES))],
        "words": [tuple(r) for r in run(fetch(database_url, _WORD_DIFFERENCES))],
    }


class BookHeldDuringTheBackfill(threading.Thread):
    """An editor who locks a book (FOR NO KEY UPDATE, as an UPDATE of it does) the moment revision
    0009's first transaction committed, so that the backfill's batch that reaches it waits, and
    holds it until `release()`: then gives it `title` and commits."""

    def __init__(self, database_url: str, book: uuid.UUID, title: str) -> None:
        super().__init__(daemon=True)
        self.database_url, self.book, self.title = database_url, book, title
        self.held = threading.Event()
        self._release = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            asyncio.run(self._hold())
        except BaseException as error:
            self.error = error

    async def _hold(self) -> None:
        connection = await connect(self.database_url)
        try:
            while await connection.fetchval("SELECT to_regclass('search_backfill')") is None:
                if self._release.is_set():
                    return
                await asyncio.sleep(0.002)
            transaction = connection.transaction()
            await transaction.start()
            await connection.execute("SELECT FROM books WHERE id = $1 FOR NO KEY UPDATE", self.book)
            self.held.set()
            await asyncio.to_thread(self._release.wait)
            await connection.execute(
                "UPDATE books SET title = $2 WHERE id = $1", self.book, self.title
            )
            await transaction.commit()
        finally:
            await connection.close()

    def release(self) -> None:
        self._release.set()
        self.join(timeout=60)
        if self.error is not None:
            raise self.error
