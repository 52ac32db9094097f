"""The catalog's rules: what a page is, when a book exists, when an ISBN is taken."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from functions.books import repository
from functions.books.catalog_query import CatalogFilters, SortName, sort_order
from functions.books.errors import BookIsbnExistsError
from functions.books.schemas import BookCreate, BookPublic, BookUpdate
from shared.db.access import CATALOG
from shared.db.compiled import reading
from shared.db.integrity import constraint_errors
from shared.domain.availability import today
from shared.domain.errors import BookNotFoundError
from shared.http.row_pages import RowPages

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

_ISBN_TAKEN = {repository.ISBN_UNIQUE_INDEX: BookIsbnExistsError}
_PAGES = RowPages(BookPublic)


def _public(row: Mapping[Any, Any]) -> BookPublic:
    return BookPublic.model_validate(dict(row))


async def list_books(
    *, filters: CatalogFilters, sort: SortName | None, limit: int, cursor: str | None
) -> bytes:
    """The page, written as the JSON of a `Page[BookPublic]` straight from its rows."""
    order = sort_order(sort, filters.searching)
    # A cursor of another order or list is refused before a connection is taken.
    after = None if cursor is None else order.after_values(cursor)
    async with reading(CATALOG) as reader:
        if filters.q is not None:
            terms = await repository.spell(reader, query=filters.q, typing=filters.typing)
            filters = replace(filters, terms=terms)
        rows = await repository.list_books(
            reader, filters=filters, order=order, after=after, limit=limit, today=today()
        )
    return _PAGES.json(rows, limit, order.cursor_of)


async def get_book(*, book_id: uuid.UUID) -> BookPublic:
    async with reading(CATALOG) as reader:
        row = await repository.get_book(reader, book_id=book_id, today=today())
    if row is None:
        raise BookNotFoundError()
    return _public(row)


async def create_book(session: AsyncSession, *, data: BookCreate) -> BookPublic:
    with constraint_errors(_ISBN_TAKEN):
        row = await repository.insert_book(session, values=data.model_dump(), today=today())
    return _public(row)


async def update_book(session: AsyncSession, *, book_id: uuid.UUID, data: BookUpdate) -> BookPublic:
    changes: dict[str, Any] = data.changes()
    if not changes:
        # Inside the request's transaction: a second pooled connection may not be free.
        unchanged = await repository.find_book(session, book_id=book_id, today=today())
        if unchanged is None:
            raise BookNotFoundError()
        return _public(unchanged)
    with constraint_errors(_ISBN_TAKEN):
        row = await repository.update_book(session, book_id=book_id, changes=changes, today=today())
    if row is None:
        raise BookNotFoundError()
    return _public(row)


async def delete_book(session: AsyncSession, *, book_id: uuid.UUID) -> None:
    if not await repository.soft_delete_book(session, book_id=book_id):
        raise BookNotFoundError()
