"""The caller's prebooks, page by page: the function's hot read, without a session.

Each statement runs outside any transaction on the pooled connection, so a page sees every
committed prebook and release; creating and cancelling stay in `functions.prebooks.service`.
"""

from __future__ import annotations

import uuid

from pydantic import TypeAdapter

from functions.prebooks import repository
from functions.prebooks.schemas import PrebookPublic
from shared.db.reads import reading
from shared.pagination import Page, PageParams, id_cursor

# A page's rows validated in one call rather than one call a row.
_PUBLIC_PREBOOKS = TypeAdapter(list[PrebookPublic])


async def list_prebooks(*, user_id: uuid.UUID, page: PageParams) -> Page[PrebookPublic]:
    # A cursor this server did not write is refused before a connection is taken.
    after = page.after_id()
    async with reading() as reader:
        rows = await repository.list_prebooks(
            reader, user_id=user_id, after=after, limit=page.limit + 1
        )
    next_cursor = id_cursor(rows[page.limit - 1]["id"]) if len(rows) > page.limit else None
    items = _PUBLIC_PREBOOKS.validate_python([dict(row) for row in rows[: page.limit]])
    return Page[PrebookPublic](items=items, next_cursor=next_cursor)
