"""What `GET /books` filters and sorts on, and its keyset cursors.

Every sort is a pair (key, id), both in one direction, and a cursor holds the pair of the last row
served: the next page is the rows strictly after it. Rows inserted or deleted meanwhile never shift
a page, for relevance too, since a book's score depends only on the book and the query.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from sqlalchemy import (
    ColumnElement,
    Date,
    RowMapping,
    SQLColumnExpression,
    and_,
    bindparam,
    func,
    literal_column,
    tuple_,
)

from functions.books import search
from shared.domain.availability import available, released
from shared.models.book import Book, release_asc_key, release_desc_key
from shared.pagination import InvalidCursorError, decode_cursor, encode_cursor

# What a key of a real row can be: the title column's length, numeric(10, 2) as the API writes
# prices, and the highest score `search.relevance` gives (its classes plus a rank below one).
TITLE_LENGTH = 300
PRICE_KEY = re.compile(r"[0-9]{1,8}\.[0-9]{2}")
MAX_SCORE = search.EXACT_CLASS + 1.0

SortName = Literal[
    "relevance", "title", "-title", "price", "-price", "release_date", "-release_date"
]


@dataclass(frozen=True, slots=True)
class CatalogFilters:
    q: str | None = None
    # The last word of `q` had no space after it: the user may still be typing it.
    typing: bool = False
    # `q` read against the catalog's vocabulary (the service fills it in before querying).
    terms: search.SearchTerms | None = None
    author: str | None = None
    genre: str | None = None
    min_price: Decimal | None = None
    max_price: Decimal | None = None
    available: bool | None = None
    upcoming: bool | None = None


@dataclass(frozen=True, slots=True)
class SortOrder:
    name: SortName
    # A Core expression, or the model's column attribute itself (Book.title, Book.price).
    key: SQLColumnExpression[Any]
    descending: bool
    # The last row's key as JSON, and back to a bound SQL value comparable with `key`.
    dump: Callable[[RowMapping], Any]
    load: Callable[[Any], ColumnElement[Any]]

    def order_by(self) -> list[ColumnElement[Any]]:
        if self.descending:
            return [self.key.desc(), Book.id.desc()]
        return [self.key.asc(), Book.id.asc()]

    def after(self, cursor: str) -> ColumnElement[bool]:
        """Rows strictly after the cursor's row, in this order."""
        position = decode_cursor(cursor)
        if position.get("s") != self.name or set(position) != {"s", "k", "id"}:
            raise InvalidCursorError
        try:
            last_id = uuid.UUID(position["id"])
            last_key = self.load(position["k"])
        except (TypeError, ValueError, AttributeError, ArithmeticError):
            raise InvalidCursorError from None
        mine = tuple_(self.key, Book.id)
        theirs = tuple_(last_key, bindparam("after_id", last_id, type_=Book.id.type))
        return mine < theirs if self.descending else mine > theirs

    def cursor_of(self, row: RowMapping) -> str:
        return encode_cursor({"s": self.name, "k": self.dump(row), "id": str(row["id"])})


def _bound(value: Any, type_: Any) -> ColumnElement[Any]:
    return bindparam("after_key", value, type_=type_)


def _load_title(value: Any) -> ColumnElement[Any]:
    # A forged cursor must not smuggle in text PostgreSQL refuses (NUL, lone surrogates).
    if not isinstance(value, str) or "\x00" in value or len(value) > TITLE_LENGTH:
        raise TypeError
    value.encode("utf-8")
    return _bound(value, Book.title.type)


def _load_price(value: Any) -> ColumnElement[Any]:
    # Only a price as `dump` writes it, so within numeric(10, 2): nothing the cast would overflow.
    if not isinstance(value, str) or not PRICE_KEY.fullmatch(value):
        raise TypeError
    return _bound(Decimal(value), Book.price.type)


def _release_loader(sentinel: str) -> Callable[[Any], ColumnElement[Any]]:
    def load(value: Any) -> ColumnElement[Any]:
        if value is not None and not isinstance(value, str):
            raise TypeError
        day = None if value is None else date.fromisoformat(value)
        # Only the form `dump` writes (fromisoformat also reads "20260101" and week dates).
        if day is not None and day.isoformat() != value:
            raise ValueError(value)
        return func.coalesce(_bound(day, Date()), literal_column(f"'{sentinel}'::date"))

    return load


def _load_score(value: Any) -> ColumnElement[Any]:
    # No book scores outside [0, MAX_SCORE]: a key out there is forged, whatever SQL makes of it.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError
    if not 0.0 <= value <= MAX_SCORE:
        raise ValueError(value)
    return _bound(float(value), search.SCORE_TYPE)


def _release_dump(row: RowMapping) -> str | None:
    return None if row["release_date"] is None else row["release_date"].isoformat()


def sort_order(name: SortName | None, terms: search.SearchTerms | None) -> SortOrder:
    """The one place the default sort is decided: `relevance` with a query, else `title`.
    `relevance` asked for without a query is the title order too."""
    if name is None:
        name = "relevance" if terms is not None else "title"
    if name == "relevance" and terms is not None:
        return SortOrder(name, search.relevance(terms), True, lambda row: row["score"], _load_score)
    if name in ("price", "-price"):
        return SortOrder(
            name, Book.price, name == "-price", lambda row: str(row["price"]), _load_price
        )
    if name == "release_date":
        return SortOrder(name, release_asc_key, False, _release_dump, _release_loader("infinity"))
    if name == "-release_date":
        return SortOrder(name, release_desc_key, True, _release_dump, _release_loader("-infinity"))
    return SortOrder(
        "-title" if name == "-title" else "title",
        Book.title,
        name == "-title",
        lambda row: row["title"],
        _load_title,
    )


def _contains(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def conditions(filters: CatalogFilters, today: date) -> list[ColumnElement[bool]]:
    """The WHERE clauses of the filters: live books, and each filter that was given."""
    where: list[ColumnElement[bool]] = [Book.deleted_at.is_(None)]
    if filters.q is not None:
        if filters.terms is None:
            raise ValueError("a search needs its terms: see functions.books.repository.spell")
        where.append(search.matches(filters.terms))
    if filters.author is not None:
        where.append(Book.author.ilike(_contains(filters.author), escape="\\"))
    if filters.genre is not None:
        where.append(func.lower(Book.genre) == func.lower(filters.genre))
    if filters.min_price is not None:
        where.append(Book.price >= filters.min_price)
    if filters.max_price is not None:
        where.append(Book.price <= filters.max_price)
    if filters.available is True:
        where.append(available(today))
    elif filters.available is False:
        where.append(~available(today))
    if filters.upcoming is True:
        # release_date > today, said with the index's key so the index can serve it.
        where.append(and_(release_asc_key > today, Book.release_date.is_not(None)))
    elif filters.upcoming is False:
        where.append(released(today))
    return where
