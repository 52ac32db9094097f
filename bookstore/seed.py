"""Loads the sample catalog into a database, idempotently: books are upserted by ISBN."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from datetime import UTC, datetime

import asyncpg

from bookstore.catalog.generator import SampleBook, generate_catalog
from bookstore.dsn import asyncpg_dsn
from shared.db.base import new_id

DEFAULT_COUNT = 600

# Keyed on the live-ISBN unique index: a book that was deleted stays deleted, and its ISBN gets a
# new listing. Unchanged rows are left alone, so a re-run touches nothing.
_UPSERT = """
INSERT INTO books (id, isbn, title, author, description, genre, price, stock, release_date)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
ON CONFLICT (isbn) WHERE deleted_at IS NULL DO UPDATE SET
    title = EXCLUDED.title, author = EXCLUDED.author, description = EXCLUDED.description,
    genre = EXCLUDED.genre, price = EXCLUDED.price, stock = EXCLUDED.stock,
    release_date = EXCLUDED.release_date, updated_at = now()
WHERE (books.title, books.author, books.description, books.genre, books.price, books.stock,
       books.release_date)
    IS DISTINCT FROM (EXCLUDED.title, EXCLUDED.author, EXCLUDED.description, EXCLUDED.genre,
                      EXCLUDED.price, EXCLUDED.stock, EXCLUDED.release_date)
"""


async def upsert_books(connection: asyncpg.Connection, books: Iterable[SampleBook]) -> int:
    rows = [
        (
            new_id(),
            book.isbn,
            book.title,
            book.author,
            book.description,
            book.genre,
            book.price,
            book.stock,
            book.release_date,
        )
        for book in books
    ]
    async with connection.transaction():
        await connection.executemany(_UPSERT, rows)
    return len(rows)


async def seed_catalog_async(database_url: str, *, count: int = DEFAULT_COUNT) -> int:
    connection = await asyncpg.connect(asyncpg_dsn(database_url))
    try:
        today = datetime.now(UTC).date()
        return await upsert_books(connection, generate_catalog(count, today=today))
    finally:
        await connection.close()


def seed_catalog(database_url: str, *, count: int = DEFAULT_COUNT) -> int:
    """Upserts the `count`-book sample catalog into the (migrated) database; answers `count`.

    Runs its own event loop: call it before serving, or from a thread, never from a running loop.
    Upcoming release dates are relative to today, so a re-run on a later day refreshes them.
    """
    return asyncio.run(seed_catalog_async(database_url, count=count))
