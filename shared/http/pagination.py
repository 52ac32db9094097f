"""Keyset pagination: `limit` and an opaque `cursor` in, `{"items", "next_cursor"}` out.

A cursor is the sort key of the last row served, base64url-encoded JSON, followed by `.` and a
truncated HMAC-SHA256 of that text under a key derived from the JWT signing key. It is opaque to
clients: only cursors this server wrote are accepted, anything else is a 422 on the `cursor` field.
Each list still checks every field of a cursor against its column before it reaches SQL, so a
leaked key or a cursor of another list cannot reach the database with a value it refuses.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import math
import uuid
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from typing import Annotated, Any

from fastapi import Depends
from pydantic import BaseModel, Field

from shared.auth.signing_key import signing_key
from shared.errors import InvalidCursorError
from shared.http.query_params import QueryModel
from shared.settings import get_settings

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
# Room for the longest cursor the server writes: a books cursor on a 300-character title of
# four-byte characters, base64url-encoded, with its tag.
MAX_CURSOR_LENGTH = 2048
# A fixed label, so the cursor key is never the JWT key itself: a tag is no token, nor the reverse.
CURSOR_KEY_LABEL = b"bookstore-cursor"
# 128 bits of the tag: forging stays out of reach and cursors stay short.
TAG_BYTES = 16
# What every cursor the server writes looks like: base64url text, a dot, the unpadded tag.
CURSOR_PATTERN = rf"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{{{math.ceil(TAG_BYTES * 4 / 3)}}}$"
CURSOR_RULE = (
    "The `next_cursor` of the previous page of this same list, with the same filters and sort. "
    "Cursors are signed by the server: any other value, even one of this shape, is refused with "
    "422 `VALIDATION_ERROR`, `field` `cursor`."
)


class Page[T](BaseModel):
    items: list[T]
    next_cursor: str | None = Field(
        description="Pass as `cursor` to get the next page; null on the last page"
    )


class PageParams(BaseModel):
    """`limit` and `cursor`, the query of every list (`PageParamsDep`); a list with filters extends
    it into one model of its own, read the same way (`shared.http.query_params.QueryModel`)."""

    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Page size")
    cursor: str | None = Field(
        None,
        max_length=MAX_CURSOR_LENGTH,
        description=CURSOR_RULE,
        # Documented, not checked by the validator: `decode_cursor` refuses anything it did not
        # write, which this shape included, with the one cursor error.
        json_schema_extra={"pattern": CURSOR_PATTERN},
    )

    def decoded_cursor(self) -> dict[str, Any] | None:
        return None if self.cursor is None else decode_cursor(self.cursor)

    def after_id(self) -> uuid.UUID | None:
        """For lists in id order: the id of the last row served, from a cursor of `id_cursor`."""
        position = self.decoded_cursor()
        if position is None:
            return None
        if set(position) != {"id"} or not isinstance(position["id"], str):
            raise InvalidCursorError
        try:
            return uuid.UUID(position["id"])
        except ValueError:
            raise InvalidCursorError from None


PageParamsDep = Annotated[PageParams, Depends(QueryModel(PageParams))]


# UTF-8 rather than \u escapes: a title of non-Latin letters makes a cursor half as long. One
# encoder for every cursor: json.dumps with options builds a new one per call.
_CURSOR_JSON = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, default=str)


def encode_cursor(position: dict[str, Any]) -> str:
    # surrogatepass: what is encoded decodes unchanged, for the lists' own checks to judge.
    raw = _CURSOR_JSON.encode(position).encode("utf-8", "surrogatepass")
    payload = _b64encode(raw)
    return f"{payload}.{_tag(payload)}"


def id_cursor(last_id: uuid.UUID) -> str:
    return encode_cursor({"id": str(last_id)})


def id_cursor_of(row: Mapping[str, Any]) -> str:
    """The cursor after `row` in a list in id order."""
    return id_cursor(row["id"])


def split_page[Row](
    rows: Sequence[Row], limit: int, cursor_of: Callable[[Row], str]
) -> tuple[Sequence[Row], str | None]:
    """The page of up to `limit + 1` rows read for it, and its next cursor: the extra row says a
    next page exists, whose cursor is `cursor_of` the page's last row."""
    if len(rows) > limit:
        return rows[:limit], cursor_of(rows[limit - 1])
    return rows, None


def page_of_rows[T](
    page: type[Page[T]],
    rows: Sequence[Mapping[str, Any]],
    limit: int,
    cursor_of: Callable[[Mapping[str, Any]], str],
) -> Page[T]:
    """`split_page`, its items validated as `page` in one call."""
    items, next_cursor = split_page(rows, limit, cursor_of)
    return page.model_validate({"items": [dict(row) for row in items], "next_cursor": next_cursor})


def decode_cursor(cursor: str) -> dict[str, Any]:
    """The position of a cursor this server wrote; anything else raises `InvalidCursorError`."""
    payload, dot, tag = cursor.partition(".")
    if not dot or not cursor.isascii() or not hmac.compare_digest(tag, _tag(payload)):
        raise InvalidCursorError
    try:
        raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
        position = json.loads(raw.decode("utf-8", "surrogatepass"))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise InvalidCursorError from None
    if not isinstance(position, dict):
        raise InvalidCursorError
    return position


def _b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _tag(payload: str) -> str:
    mac = _cursor_mac(signing_key(get_settings())).copy()
    mac.update(payload.encode())
    return _b64encode(mac.digest()[:TAG_BYTES])


@lru_cache(maxsize=4)
def _cursor_mac(jwt_key: str) -> hmac.HMAC:
    """An HMAC keyed for cursors, copied for each tag: a one-shot `hmac.digest` looks SHA-256 up
    in OpenSSL anew every time, which cost a warm page more than the rest of its two cursors."""
    key = hmac.digest(jwt_key.encode(), CURSOR_KEY_LABEL, hashlib.sha256)
    return hmac.new(key, digestmod=hashlib.sha256)
