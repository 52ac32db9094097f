"""Keyset pagination: `limit` and an opaque `cursor` in, `{"items", "next_cursor"}` out.

A cursor is the sort key of the last row served, base64url-encoded JSON. It is opaque to clients;
a cursor that does not decode is a 422 on the `cursor` field.
"""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from typing import Annotated, Any

from fastapi import Depends, Query
from pydantic import BaseModel, Field

from shared.errors import AppError

DEFAULT_LIMIT = 20
MAX_LIMIT = 100


class InvalidCursorError(AppError):
    status_code = 422
    default_code = "VALIDATION_ERROR"

    def __init__(self) -> None:
        super().__init__("Invalid cursor", field="cursor")


class Page[T](BaseModel):
    items: list[T]
    next_cursor: str | None = Field(
        description="Pass as `cursor` to get the next page; null on the last page"
    )


class PageParams(BaseModel):
    limit: int
    cursor: str | None

    def decoded_cursor(self) -> dict[str, Any] | None:
        return None if self.cursor is None else decode_cursor(self.cursor)

    def after_id(self) -> uuid.UUID | None:
        """For lists in id order: the id of the last row served, from a cursor of `id_cursor`."""
        position = self.decoded_cursor()
        if position is None:
            return None
        if set(position) != {"id"}:
            raise InvalidCursorError
        try:
            return uuid.UUID(str(position["id"]))
        except ValueError:
            raise InvalidCursorError from None


async def page_params(  # async: no worker thread per request (see shared.auth.dependencies)
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Page size")] = DEFAULT_LIMIT,
    cursor: Annotated[
        str | None, Query(max_length=1024, description="`next_cursor` of the previous page")
    ] = None,
) -> PageParams:
    return PageParams(limit=limit, cursor=cursor)


PageParamsDep = Annotated[PageParams, Depends(page_params)]


def encode_cursor(position: dict[str, Any]) -> str:
    raw = json.dumps(position, separators=(",", ":"), default=str).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def id_cursor(last_id: uuid.UUID) -> str:
    return encode_cursor({"id": str(last_id)})


def decode_cursor(cursor: str) -> dict[str, Any]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        position = json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise InvalidCursorError from None
    if not isinstance(position, dict):
        raise InvalidCursorError
    return position
