"""The caller's prebooks, page by page: the function's hot read, without a session.

Each statement runs outside any transaction on the pooled connection, so a page sees every
committed prebook and release; creating and cancelling stay in `functions.prebooks.service`.
"""

from __future__ import annotations

import uuid

from functions.prebooks import repository
from functions.prebooks.schemas import PrebookPublic
from shared.db.reads import reading
from shared.pagination import Page, PageParams, id_cursor_of, page_of_rows


async def list_prebooks(*, user_id: uuid.UUID, page: PageParams) -> Page[PrebookPublic]:
    # A cursor this server did not write is refused before a connection is taken.
    after = page.after_id()
    async with reading() as reader:
        rows = await repository.list_prebooks(
            reader, user_id=user_id, after=after, limit=page.limit + 1
        )
    return page_of_rows(Page[PrebookPublic], rows, page.limit, id_cursor_of)
