"""When a book is released and when it can be bought, in SQL and in Python, for every function
that shows or sells books (books, cart, wishlist, prebooks)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import ColumnElement, and_

from shared.models.book import Book, release_desc_key


def today() -> date:
    """Release dates are calendar days in UTC."""
    return datetime.now(UTC).date()


def released(day: date) -> ColumnElement[bool]:
    """No release date, or one not after `day`; said with the index's key so it can serve it."""
    return release_desc_key <= day


def available(day: date) -> ColumnElement[bool]:
    return and_(released(day), Book.stock > 0)


def is_released(release_date: date | None, day: date) -> bool:
    return release_date is None or release_date <= day
