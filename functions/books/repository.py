"""Queries of the catalog. Never commits: the request's session owns the transaction."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    RowMapping,
    Select,
    SQLColumnExpression,
    Table,
    TextClause,
    bindparam,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from functions.books import spelling
from functions.books.listing import CatalogFilters, SortOrder, conditions
from functions.books.search import SearchTerms, query_words
from shared.db.reads import CompiledRead, Reader
from shared.domain.availability import available
from shared.models.book import Book

ISBN_UNIQUE_INDEX = "uq_books_isbn_live"
# Vocabulary words that could be a typo of a query word the vocabulary does not know: same first
# letter, a length within the budget (the index serves both), within twice the budget by
# Levenshtein's distance (a swap counts two there; spelling.typo_distance decides).
_CORRECTION_CANDIDATES = text(
    "SELECT q.word, w.word AS candidate "
    "FROM unnest(CAST(:words AS text[]), CAST(:budgets AS int[])) AS q(word, budget) "
    "JOIN search_words w ON left(w.word, 1) = left(q.word, 1) "
    "AND length(w.word) BETWEEN length(q.word) - q.budget AND length(q.word) + q.budget "
    "WHERE NOT EXISTS (SELECT FROM search_words known WHERE known.word = q.word) "
    "AND levenshtein_less_equal(w.word, q.word, 2 * q.budget) <= 2 * q.budget"
)
# `Book.__table__` is typed as any FromClause; the same object, found in the metadata, is a Table.
_books: Table = Book.metadata.tables[Book.__tablename__]


def book_columns(today: date | ColumnElement[date]) -> list[SQLColumnExpression[Any]]:
    """The columns of the public Book, `available` computed for `today`."""
    return [
        Book.id,
        Book.isbn,
        Book.title,
        Book.author,
        Book.description,
        Book.genre,
        Book.price,
        Book.stock,
        Book.release_date,
        available(today).label("available"),
        Book.created_at,
        Book.updated_at,
    ]


async def spell(session: AsyncSession, *, query: str, typing: bool) -> SearchTerms:
    """The query's words, with corrections for those the catalog's vocabulary does not know."""
    words = query_words(query)
    candidates: dict[str, list[str]] = {}
    lookup = correction_lookup(words)
    if lookup is not None:
        connection = await session.connection()
        for word, candidate in await connection.execute(*lookup):
            candidates.setdefault(word, []).append(candidate)
    return SearchTerms(
        text=query,
        words=words,
        corrections=spelling.corrections(words, candidates),
        typing=typing,
    )


def correction_lookup(words: Sequence[str]) -> tuple[TextClause, dict[str, Any]] | None:
    """The statement `spell` runs for these words (public for the benchmark), or None when no
    word is long enough to be corrected."""
    checked = [word for word in dict.fromkeys(words) if spelling.typo_budget(word) > 0]
    if not checked:
        return None
    budgets = [spelling.typo_budget(word) for word in checked]
    return _CORRECTION_CANDIDATES, {"words": checked, "budgets": budgets}


async def list_books(
    session: AsyncSession,
    *,
    filters: CatalogFilters,
    order: SortOrder,
    cursor: str | None,
    limit: int,
    today: date,
) -> Sequence[RowMapping]:
    """One page of live books plus one more row, which tells whether a next page exists."""
    statement = list_query(filters=filters, order=order, cursor=cursor, limit=limit, today=today)
    connection = await session.connection()
    return (await connection.execute(statement)).mappings().all()


def list_query(
    *, filters: CatalogFilters, order: SortOrder, cursor: str | None, limit: int, today: date
) -> Select[*tuple[Any, ...]]:
    """The statement `list_books` runs (public for the benchmark, which prints and replays it)."""
    columns = book_columns(today)
    if order.name == "relevance":
        columns.append(order.key.label("score"))
    statement = select(*columns).where(*conditions(filters, today))
    if cursor is not None:
        statement = statement.where(order.after(cursor))
    return statement.order_by(*order.order_by()).limit(limit + 1)


_BOOK_BY_ID = CompiledRead(
    select(*book_columns(bindparam("today", type_=Date))).where(
        Book.id == bindparam("book_id"), Book.deleted_at.is_(None)
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
    statement = insert(_books).values(**values).returning(*book_columns(today))
    connection = await session.connection()
    return (await connection.execute(statement)).mappings().one()


async def update_book(
    session: AsyncSession, *, book_id: uuid.UUID, changes: Mapping[str, Any], today: date
) -> RowMapping | None:
    """Sets only the given columns, in one statement: concurrent updates of other fields survive."""
    statement = (
        update(_books)
        .where(Book.id == book_id, Book.deleted_at.is_(None))
        .values(**changes)
        .returning(*book_columns(today))
    )
    connection = await session.connection()
    return (await connection.execute(statement)).mappings().one_or_none()


async def soft_delete_book(session: AsyncSession, *, book_id: uuid.UUID) -> bool:
    statement = (
        update(_books)
        .where(Book.id == book_id, Book.deleted_at.is_(None))
        .values(deleted_at=func.now())
        .returning(Book.id)
    )
    connection = await session.connection()
    return (await connection.execute(statement)).first() is not None
