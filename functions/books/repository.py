"""Queries of the catalog: reads compiled once and run sessionless (`shared.db.compiled`), writes in
the request's session, which owns the transaction (this module never commits)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import replace
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

from functions.books import ranked_search, spelling
from functions.books.catalog_query import (
    CatalogFilters,
    ListShape,
    SortOrder,
    conditions,
    filter_values,
    list_shape,
    sort_order,
)
from functions.books.search import SearchTerms, query_words, word_groups
from shared.db.compiled import CompiledStatement, Reader
from shared.db.tables.books import books
from shared.domain.availability import TODAY, available

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

ISBN_UNIQUE_INDEX = "uq_books_isbn_live"
# What the vocabulary makes of a query, in one round trip: each word as typed; for a word it does
# not know, the words that could be a typo of it (same first letter, a length within the budget:
# the index serves both; within twice the budget by Levenshtein's distance, since a swap counts
# two there: spelling.typo_distance decides); for the word being typed, the most used words it
# begins. Each with how many live books hold it, and its English lexeme (none for a stop word).
VOCABULARY = CompiledStatement(
    text(
        "SELECT v.query_word, v.word, v.kind, v.books, "
        "(tsvector_to_array(to_tsvector('english', v.word)))[1] AS lexeme FROM ("
        "SELECT q.word AS query_word, q.word, 'typed' AS kind, coalesce(k.books, 0) AS books "
        "FROM unnest(CAST(:words AS text[])) AS q(word) "
        "LEFT JOIN search_words k ON k.word = q.word "
        "UNION ALL "
        "SELECT q.word, w.word, 'correction', w.books "
        "FROM unnest(CAST(:checked AS text[]), CAST(:budgets AS int[])) AS q(word, budget) "
        "JOIN search_words w ON left(w.word, 1) = left(q.word, 1) "
        "AND length(w.word) BETWEEN length(q.word) - q.budget AND length(q.word) + q.budget "
        "WHERE NOT EXISTS (SELECT FROM search_words known WHERE known.word = q.word) "
        "AND levenshtein_less_equal(w.word, q.word, 2 * q.budget) <= 2 * q.budget "
        "UNION ALL "
        "(SELECT CAST(:prefix AS text), w.word, 'completion', w.books FROM search_words w "
        "WHERE left(w.word, 1) = left(CAST(:prefix AS text), 1) "
        "AND starts_with(w.word, CAST(:prefix AS text)) AND w.word <> CAST(:prefix AS text) "
        "ORDER BY w.books DESC, w.word LIMIT CAST(:completions AS int))"
        ") AS v"
    )
)
# The completions of a word being typed that stand for it: the most used ones.
COMPLETIONS = 4


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
    """The query's words, with what the catalog's vocabulary makes of them."""
    words = query_words(query)
    if not words:
        return SearchTerms(text=query, words=words, typing=typing)
    rows = await reader.fetch(VOCABULARY, **vocabulary_lookup(words, typing=typing))
    candidates: dict[str, list[str]] = {}
    completions: dict[str, list[str]] = {}
    for row in rows:
        if row["kind"] == "correction":
            candidates.setdefault(row["query_word"], []).append(row["word"])
        elif row["kind"] == "completion":
            completions.setdefault(row["query_word"], []).append(row["word"])
    corrections = spelling.corrections(words, candidates)
    return SearchTerms(
        text=query,
        words=words,
        corrections=corrections,
        typing=typing,
        groups=word_groups(
            words,
            lexemes={row["word"]: row["lexeme"] for row in rows},
            books={row["word"]: row["books"] for row in rows},
            corrections=corrections,
            completions=completions,
        ),
    )


def vocabulary_lookup(words: Sequence[str], *, typing: bool) -> dict[str, Any]:
    """What `spell` binds into `VOCABULARY` for these words."""
    budgets = {word: spelling.typo_budget(word) for word in words}
    checked = {word: budget for word, budget in budgets.items() if budget > 0}
    return {
        "words": list(dict.fromkeys(words)),
        "checked": list(checked),
        "budgets": list(checked.values()),
        "prefix": words[-1] if typing else None,
        "completions": COMPLETIONS,
    }


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
) -> tuple[CompiledStatement[Select[Any]], dict[str, Any]]:
    """The statement `list_books` runs and the values it binds (public for the benchmark, which
    replays them)."""
    read = _page_read(list_shape(filters, order, after=after is not None))
    values = {**filter_values(filters), **(after or {}), "limit": limit + 1, "today": today}
    return read, values


@lru_cache(maxsize=512)
def _page_read(shape: ListShape) -> CompiledStatement[Select[Any]]:
    # One statement per shape, its values bound per request: building a select and its cache key
    # cost more than the query itself.
    order = sort_order(shape.sort, shape.searching)
    columns = book_columns(TODAY)
    if order.name == "relevance" and shape.searching:
        # The postings match the words and hold live books only: the rest of the shape's
        # conditions (after the first, the live one) apply to each book read.
        filters = conditions(replace(shape, searching=None))[1:]
        ranked = ranked_search.ranked_page(columns, filters, after=shape.after)
        return CompiledStatement(ranked, precompile=False)
    if order.name == "relevance":
        columns.append(order.key.label("score"))
    statement = select(*columns).where(*conditions(shape))
    if shape.after:
        statement = statement.where(order.after())
    statement = statement.order_by(*order.order_by()).limit(bindparam("limit", type_=Integer()))
    return CompiledStatement(statement, precompile=False)


_BOOK_BY_ID = CompiledStatement(
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
