"""Queries of the catalog. Never commits: the request's session owns the transaction."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import (
    RowMapping,
    Select,
    SQLColumnExpression,
    Table,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from functions.books.listing import CatalogFilters, SortOrder, conditions
from shared.domain.availability import available
from shared.models.book import Book

ISBN_UNIQUE_INDEX = "uq_books_isbn_live"
# `Book.__table__` is typed as any FromClause; the same object, found in the metadata, is a Table.
_books: Table = Book.metadata.tables[Book.__tablename__]


def book_columns(today: date) -> list[SQLColumnExpression[Any]]:
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


async def get_book(session: AsyncSession, *, book_id: uuid.UUID, today: date) -> RowMapping | None:
    statement = select(*book_columns(today)).where(Book.id == book_id, Book.deleted_at.is_(None))
    connection = await session.connection()
    return (await connection.execute(statement)).mappings().one_or_none()


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
