"""The catalog's rules: what a page is, when a book exists, when an ISBN is taken."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import RowMapping
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from functions.books import repository
from functions.books.listing import CatalogFilters, SortName, sort_order
from functions.books.schemas import BookCreate, BookPublic, BookUpdate
from shared.errors import ConflictError, NotFoundError
from shared.pagination import Page


def today() -> date:
    return datetime.now(UTC).date()


def _not_found() -> NotFoundError:
    return NotFoundError("Book not found", code="BOOK_NOT_FOUND", field="book_id")


def _isbn_taken() -> ConflictError:
    return ConflictError(
        "Another book in the catalog has this ISBN", code="BOOK_ISBN_EXISTS", field="isbn"
    )


def _public(row: RowMapping) -> BookPublic:
    return BookPublic.model_validate(dict(row))


async def list_books(
    session: AsyncSession,
    *,
    filters: CatalogFilters,
    sort: SortName | None,
    limit: int,
    cursor: str | None,
) -> Page[BookPublic]:
    order = sort_order(sort or ("relevance" if filters.q else "title"), filters.q)
    statement = repository.list_statement(filters, order, cursor=cursor, limit=limit, today=today())
    rows = await repository.list_books(session, statement)
    next_cursor = order.cursor_of(rows[limit - 1]) if len(rows) > limit else None
    return Page[BookPublic](items=[_public(row) for row in rows[:limit]], next_cursor=next_cursor)


async def get_book(session: AsyncSession, *, book_id: uuid.UUID) -> BookPublic:
    row = await repository.get_book(session, book_id, today())
    if row is None:
        raise _not_found()
    return _public(row)


async def create_book(session: AsyncSession, *, data: BookCreate) -> BookPublic:
    try:
        row = await repository.insert_book(session, data.model_dump(), today())
    except IntegrityError as error:
        if repository.is_isbn_conflict(error):
            raise _isbn_taken() from None
        raise
    return _public(row)


async def update_book(session: AsyncSession, *, book_id: uuid.UUID, data: BookUpdate) -> BookPublic:
    changes: dict[str, Any] = data.changes()
    if not changes:
        return await get_book(session, book_id=book_id)
    try:
        row = await repository.update_book(session, book_id, changes, today())
    except IntegrityError as error:
        if repository.is_isbn_conflict(error):
            raise _isbn_taken() from None
        raise
    if row is None:
        raise _not_found()
    return _public(row)


async def delete_book(session: AsyncSession, *, book_id: uuid.UUID) -> None:
    if not await repository.soft_delete_book(session, book_id):
        raise _not_found()
