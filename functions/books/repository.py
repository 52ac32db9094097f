"""Queries of the catalog: reads compiled once and run sessionless (`shared.db.reads`), writes in
the request's session, which owns the transaction (this module never commits)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    RowMapping,
    Select,
    SQLColumnExpression,
    bindparam,
    func,
    insert,
    select,
    text,
    update,
)

from functions.books import spelling
from functions.books.catalog_query import (
    CatalogFilters,
    ListShape,
    SortOrder,
    conditions,
    filter_values,
    list_shape,
    sort_order,
)
from functions.books.search import SearchTerms, query_words
from shared.db.reads import CompiledRead, Reader
from shared.db.tables.books import books
from shared.domain.availability import TODAY, available

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

ISBN_UNIQUE_INDEX = "uq_books_isbn_live"
# Vocabulary words that could be a typo of a query word the vocabulary does not know: same first
# letter, a length within the budget (the index serves both), within twice the budget by
# Levenshtein's distance (a swap counts two there; spelling.typo_distance decides).
CORRECTION_CANDIDATES = CompiledRead(
    text(
        "SELECT q.word, w.word AS candidate "
        "FROM unnest(CAST(:words AS text[]), CAST(:budgets AS int[])) AS q(word, budget) "
        "JOIN search_words w ON left(w.word, 1) = left(q.word, 1) "
        "AND length(w.word) BETWEEN length(q.word) - q.budget AND length(q.word) + q.budget "
        "WHERE NOT EXISTS (SELECT FROM search_words known WHERE known.word = q.word) "
        "AND levenshtein_less_equal(w.word, q.word, 2 * q.budget) <= 2 * q.budget"
    )
)


def book_columns(today: date | ColumnElement[date]) -> list[SQLColumnExpression[Any]]:
    """The columns of the public Book, `available` computed for `today`."""
    return [
        books.c.id,
        books.c.isbn,
        books.c.title,
        books.c.author,
        books.c.description,
        books.c.genre,
        books.c.price,
        books.c.stock,
        books.c.release_date,
        available(today).label("available"),
        books.c.created_at,
        books.c.updated_at,
    ]


async def spell(reader: Reader, *, query: str, typing: bool) -> SearchTerms:
    """The query's words, with corrections for those the catalog's vocabulary does not know."""
    words = query_words(query)
    candidates: dict[str, list[str]] = {}
    lookup = correction_lookup(words)
    if lookup is not None:
        for row in await reader.fetch(CORRECTION_CANDIDATES, **lookup):
            candidates.setdefault(row["word"], []).append(row["candidate"])
    return SearchTerms(
        text=query,
        words=words,
        corrections=spelling.corrections(words, candidates),
        typing=typing,
    )


def correction_lookup(words: Sequence[str]) -> dict[str, Any] | None:
    """What `spell` binds into `CORRECTION_CANDIDATES` for these words, or None when no word is
    long enough to be corrected."""
    budgets = {word: spelling.typo_budget(word) for word in words}
    checked = {word: budget for word, budget in budgets.items() if budget > 0}
    if not checked:
        return None
    return {"words": list(checked), "budgets": list(checked.values())}


async def list_books(
    reader: Reader,
    *,
    filters: CatalogFilters,
    order: SortOrder,
    after: Mapping[str, Any] | None,
    limit: int,
    today: date,
) -> list[Mapping[str, Any]]:
    """One page of live books plus one more row, which tells whether a next page exists.
    `after`: `order.after_values` of the cursor, if one continues the list."""
    read, values = page_read(filters=filters, order=order, after=after, limit=limit, today=today)
    return await reader.fetch(read, **values)


def page_read(
    *,
    filters: CatalogFilters,
    order: SortOrder,
    after: Mapping[str, Any] | None,
    limit: int,
    today: date,
) -> tuple[CompiledRead[Select[Any]], dict[str, Any]]:
    """The statement `list_books` runs and the values it binds (public for the benchmark, which
    replays them)."""
    read = _page_read(list_shape(filters, order, after=after is not None))
    values = {**filter_values(filters), **(after or {}), "limit": limit + 1, "today": today}
    return read, values


@lru_cache(maxsize=512)
def _page_read(shape: ListShape) -> CompiledRead[Select[Any]]:
    # One statement per shape, its values bound per request: building a select and its cache key
    # cost more than the query itself.
    order = sort_order(shape.sort, shape.searching)
    columns = book_columns(TODAY)
    if order.name == "relevance":
        columns.append(order.key.label("score"))
    statement = select(*columns).where(*conditions(shape))
    if shape.after:
        statement = statement.where(order.after())
    statement = statement.order_by(*order.order_by()).limit(bindparam("limit", type_=Integer()))
    return CompiledRead(statement, precompile=False)


_BOOK_BY_ID = CompiledRead(
    select(*book_columns(TODAY)).where(
        books.c.id == bindparam("book_id"), books.c.deleted_at.is_(None)
    )
)


async def get_book(reader: Reader, *, book_id: uuid.UUID, today: date) -> Mapping[str, Any] | None:
    return await reader.fetchrow(_BOOK_BY_ID, book_id=book_id, today=today)


async def find_book(session: AsyncSession, *, book_id: uuid.UUID, today: date) -> RowMapping | None:
    """`get_book` within the session's transaction."""
    connection = await session.connection()
    result = await connection.execute(_BOOK_BY_ID.statement, {"book_id": book_id, "today": today})
    row: RowMapping | None = result.mappings().one_or_none()
    return row


async def insert_book(
    session: AsyncSession, *, values: Mapping[str, Any], today: date
) -> RowMapping:
    statement = insert(books).values(**values).returning(*book_columns(today))
    connection = await session.connection()
    return (await connection.execute(statement)).mappings().one()


async def update_book(
    session: AsyncSession, *, book_id: uuid.UUID, changes: Mapping[str, Any], today: date
) -> RowMapping | None:
    """Sets only the given columns, in one statement: concurrent updates of other fields survive."""
    statement = (
        update(books)
        .where(books.c.id == book_id, books.c.deleted_at.is_(None))
        .values(**changes)
        .returning(*book_columns(today))
    )
    connection = await session.connection()
    return (await connection.execute(statement)).mappings().one_or_none()


async def soft_delete_book(session: AsyncSession, *, book_id: uuid.UUID) -> bool:
    statement = (
        update(books)
        .where(books.c.id == book_id, books.c.deleted_at.is_(None))
        .values(deleted_at=func.now())
        .returning(books.c.id)
    )
    connection = await session.connection()
    return (await connection.execute(statement)).first() is not None
