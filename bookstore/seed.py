"""Loads the sample catalog into a database, idempotently: books are upserted by ISBN."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from bookstore.catalog.generator import SampleBook, generate_catalog
from bookstore.database import run_on_database
from shared.db.access import OPERATIONS
from shared.db.ids import new_id
from shared.db.transaction import transaction
from shared.domain.availability import today

DEFAULT_COUNT = 600

# Keyed on the live-ISBN unique index: a book that was deleted stays deleted, and its ISBN gets a
# new listing. Unchanged rows are left alone, so a re-run touches nothing.
_UPSERT = text("""
INSERT INTO books (id, isbn, title, author, description, genre, price, stock, release_date)
VALUES (:id, :isbn, :title, :author, :description, :genre, :price, :stock, :release_date)
ON CONFLICT (isbn) WHERE deleted_at IS NULL DO UPDATE SET
    title = EXCLUDED.title, author = EXCLUDED.author, description = EXCLUDED.description,
    genre = EXCLUDED.genre, price = EXCLUDED.price, stock = EXCLUDED.stock,
    release_date = EXCLUDED.release_date, updated_at = now()
WHERE (books.title, books.author, books.description, books.genre, books.price, books.stock,
       books.release_date)
    IS DISTINCT FROM (EXCLUDED.title, EXCLUDED.author, EXCLUDED.description, EXCLUDED.genre,
                      EXCLUDED.price, EXCLUDED.stock, EXCLUDED.release_date)
""")


async def upsert_books(session: AsyncSession, books: Iterable[SampleBook]) -> int:
    rows = [
        {
            "id": new_id(),
            "isbn": book.isbn,
            "title": book.title,
            "author": book.author,
            "description": book.description,
            "genre": book.genre,
            "price": book.price,
            "stock": book.stock,
            "release_date": book.release_date,
        }
        for book in books
    ]
    await session.execute(_UPSERT, rows)
    return len(rows)


def seed_catalog(*, count: int = DEFAULT_COUNT) -> int:
    """Upserts the `count`-book sample catalog into the configured (migrated) database, in one
    transaction; answers `count`.

    Runs on the process's event loop and closes its connections after: call it before serving, or
    from a thread, never from a running loop. Upcoming release dates are relative to today, so a
    re-run on a later day refreshes them.
    """

    async def seed() -> int:
        async with transaction(OPERATIONS) as session:
            return await upsert_books(session, generate_catalog(count, today=today()))

    return run_on_database(seed())
