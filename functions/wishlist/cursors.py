"""The keyset cursors of `GET /wishlist`: newest entry first, by (added_at, book_id) descending.

A cursor holds the pair of the last entry served; the next page is the entries strictly older.
Entries added meanwhile are newer than any cursor, so they never shift a page.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from shared.errors import InvalidCursorError
from shared.http.pagination import decode_cursor, encode_cursor


@dataclass(frozen=True, slots=True)
class Position:
    added_at: datetime
    book_id: uuid.UUID


def cursor_of(row: Mapping[str, Any]) -> str:
    return encode_cursor({"k": row["added_at"].isoformat(), "id": str(row["book_id"])})


def position_of(cursor: str) -> Position:
    """The cursor's entry; a cursor that is not one of ours (forged, or of another list) is a 422."""
    position = decode_cursor(cursor)
    if set(position) != {"k", "id"}:
        raise InvalidCursorError
    key, last_id = position["k"], position["id"]
    if not isinstance(key, str) or not isinstance(last_id, str):
        raise InvalidCursorError
    try:
        added_at = datetime.fromisoformat(key)
        # Only the form `cursor_of` writes: an aware time (a naive one would be read in the
        # session's time zone), and nothing the parser skips over (it stops at a NUL).
        if added_at.tzinfo is None or added_at.isoformat() != key:
            raise ValueError(key)
        # In UTC here, so an offset that pushes it out of range is refused now, not by the driver.
        return Position(added_at.astimezone(UTC), uuid.UUID(last_id))
    except (ValueError, OverflowError):
        raise InvalidCursorError from None
