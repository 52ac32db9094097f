"""What `GET /books` filters and sorts on, and its keyset cursors.

Every sort is a pair (key, id), both in one direction, and a cursor holds the pair of the last row
served: the next page is the rows strictly after it. Rows inserted or deleted meanwhile never shift
a page, for relevance too, since a book's score depends only on the book and the query.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any, Literal

from sqlalchemy import (
    ColumnElement,
    Date,
    SQLColumnExpression,
    and_,
    bindparam,
    func,
    literal,
    literal_column,
    tuple_,
)

from functions.books import ranked_search, search
from shared.db.tables.books import books, release_asc_key, release_desc_key
from shared.domain.availability import TODAY, available, released
from shared.errors import InvalidCursorError
from shared.http.pagination import decode_cursor, encode_cursor

# What a key of a real row can be: the title column's length, numeric(10, 2) as the API writes
# prices, and the highest score a ranked search gives.
TITLE_LENGTH = 300
PRICE_KEY = re.compile(r"[0-9]{1,8}\.[0-9]{2}")
MAX_SCORE = ranked_search.MAX_SCORE

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

    @property
    def searching(self) -> bool | None:
        """None without `q`; else whether `q` has any word to look for."""
        return None if self.q is None else bool(search.query_words(self.q))


@dataclass(frozen=True, slots=True)
class SortOrder:
    name: SortName
    # A Core expression, or the table's column itself (books.c.title, books.c.price).
    key: SQLColumnExpression[Any]
    descending: bool
    # The last row's key as JSON, and back to the value bound as `after_key`.
    dump: Callable[[Mapping[str, Any]], Any]
    load: Callable[[Any], Any]
    # `after_key` as SQL comparable with `key`.
    bound_key: ColumnElement[Any]

    def order_by(self) -> list[ColumnElement[Any]]:
        if self.descending:
            return [self.key.desc(), books.c.id.desc()]
        return [self.key.asc(), books.c.id.asc()]

    def after(self) -> ColumnElement[bool]:
        """Rows strictly after the cursor's row (`after_values`), in this order."""
        mine = tuple_(self.key, books.c.id)
        theirs = tuple_(self.bound_key, bindparam("after_id", type_=books.c.id.type))
        return mine < theirs if self.descending else mine > theirs

    def after_values(self, cursor: str) -> dict[str, Any]:
        """What `after` binds for this cursor; InvalidCursorError for one not of this order."""
        position = decode_cursor(cursor)
        if position.get("s") != self.name or set(position) != {"s", "k", "id"}:
            raise InvalidCursorError
        try:
            return {"after_id": uuid.UUID(position["id"]), "after_key": self.load(position["k"])}
        except (TypeError, ValueError, AttributeError, ArithmeticError):
            raise InvalidCursorError from None

    def cursor_of(self, row: Mapping[str, Any]) -> str:
        return encode_cursor({"s": self.name, "k": self.dump(row), "id": str(row["id"])})


def _load_title(value: Any) -> str:
    # A forged cursor must not smuggle in text PostgreSQL refuses (NUL, lone surrogates).
    if not isinstance(value, str) or "\x00" in value or len(value) > TITLE_LENGTH:
        raise TypeError
    value.encode("utf-8")
    return value


def _load_price(value: Any) -> Decimal:
    # Only a price as `dump` writes it, so within numeric(10, 2): nothing the cast would overflow.
    if not isinstance(value, str) or not PRICE_KEY.fullmatch(value):
        raise TypeError
    return Decimal(value)


def _load_release(value: Any) -> date | None:
    if value is not None and not isinstance(value, str):
        raise TypeError
    day = None if value is None else date.fromisoformat(value)
    # Only the form `dump` writes (fromisoformat also reads "20260101" and week dates).
    if day is not None and day.isoformat() != value:
        raise ValueError(value)
    return day


def _load_score(value: Any) -> float:
    # No book scores outside [0, MAX_SCORE]: a key out there is forged, whatever SQL makes of it.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError
    if not 0.0 <= value <= MAX_SCORE:
        raise ValueError(value)
    return float(value)


def _release_dump(row: Mapping[str, Any]) -> str | None:
    return None if row["release_date"] is None else row["release_date"].isoformat()


def _after_key(type_: Any) -> ColumnElement[Any]:
    return bindparam("after_key", type_=type_)


def _after_release(sentinel: str) -> ColumnElement[Any]:
    return func.coalesce(_after_key(Date()), literal_column(f"'{sentinel}'::date"))


def sort_order(name: SortName | None, searching: bool | None) -> SortOrder:
    """The one place the default sort is decided: `relevance` with a query, else `title`.
    `relevance` asked for without a query is the title order too. `searching` is
    `CatalogFilters.searching`."""
    if name is None:
        name = "relevance" if searching is not None else "title"
    if name == "relevance" and searching is None:
        name = "title"
    return _sort_orders(name)


@cache
def _sort_orders(name: SortName) -> SortOrder:
    # Built once per order: the expressions are the same for every request.
    if name == "relevance":
        # With words a search's page is `ranked_search.ranked_page`, in its own order; without
        # any, nothing matches and every book scores nothing.
        return SortOrder(
            name,
            literal(0.0, search.SCORE_TYPE),
            True,
            lambda row: row["score"],
            _load_score,
            _after_key(search.SCORE_TYPE),
        )
    if name in ("price", "-price"):
        return SortOrder(
            name,
            books.c.price,
            name == "-price",
            lambda row: str(row["price"]),
            _load_price,
            _after_key(books.c.price.type),
        )
    if name == "release_date":
        return SortOrder(
            name, release_asc_key, False, _release_dump, _load_release, _after_release("infinity")
        )
    if name == "-release_date":
        return SortOrder(
            name, release_desc_key, True, _release_dump, _load_release, _after_release("-infinity")
        )
    return SortOrder(
        name,
        books.c.title,
        name == "-title",
        lambda row: row["title"],
        _load_title,
        _after_key(books.c.title.type),
    )


@dataclass(frozen=True, slots=True)
class ListShape:
    """What decides the SQL of a page, as opposed to the values bound into it: the filters given,
    the order, and whether a cursor continues it. Each shape is compiled once."""

    searching: bool | None
    author: bool
    genre: bool
    min_price: bool
    max_price: bool
    available: bool | None
    upcoming: bool | None
    sort: SortName
    after: bool


def list_shape(filters: CatalogFilters, order: SortOrder, *, after: bool) -> ListShape:
    return ListShape(
        searching=filters.searching,
        author=filters.author is not None,
        genre=filters.genre is not None,
        min_price=filters.min_price is not None,
        max_price=filters.max_price is not None,
        available=filters.available,
        upcoming=filters.upcoming,
        sort=order.name,
        after=after,
    )


def _contains(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def conditions(shape: ListShape) -> list[ColumnElement[bool]]:
    """The WHERE clauses of a shape: live books, and each filter that was given (its value bound
    by the name `filter_values` gives it)."""
    where: list[ColumnElement[bool]] = [books.c.deleted_at.is_(None)]
    if shape.searching is not None:
        where.append(search.matches(shape.searching))
    if shape.author:
        where.append(
            books.c.author.ilike(bindparam("author", type_=books.c.author.type), escape="\\")
        )
    if shape.genre:
        where.append(
            func.lower(books.c.genre) == func.lower(bindparam("genre", type_=books.c.genre.type))
        )
    if shape.min_price:
        where.append(books.c.price >= bindparam("min_price", type_=books.c.price.type))
    if shape.max_price:
        where.append(books.c.price <= bindparam("max_price", type_=books.c.price.type))
    if shape.available is True:
        where.append(available(TODAY))
    elif shape.available is False:
        where.append(~available(TODAY))
    if shape.upcoming is True:
        # release_date > today, said with the index's key so the index can serve it.
        where.append(and_(release_asc_key > TODAY, books.c.release_date.is_not(None)))
    elif shape.upcoming is False:
        where.append(released(TODAY))
    return where


def filter_values(filters: CatalogFilters) -> dict[str, Any]:
    """The values `conditions` binds for these filters."""
    values: dict[str, Any] = {}
    if filters.q is not None:
        if filters.terms is None:
            raise ValueError("a search needs its terms: see functions.books.repository.spell")
        values.update(search.search_values(filters.terms))
        values.update(ranked_search.ranked_values(filters.terms))
    if filters.author is not None:
        values["author"] = _contains(filters.author)
    if filters.genre is not None:
        values["genre"] = filters.genre
    if filters.min_price is not None:
        values["min_price"] = filters.min_price
    if filters.max_price is not None:
        values["max_price"] = filters.max_price
    return values
