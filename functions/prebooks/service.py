"""Pre-orders: only of upcoming books, one pending per user and book, cancellable until fulfilled;
and the caller's prebooks, page by page."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from functions.prebooks import repository
from functions.prebooks.errors import (
    BookAlreadyReleasedError,
    PrebookExistsError,
    PrebookNotCancellableError,
    PrebookNotFoundError,
)
from functions.prebooks.schemas import PrebookPublic
from shared.db.access import as_caller
from shared.db.compiled import reading, session_reader
from shared.db.integrity import constraint_errors
from shared.domain.availability import shelf_state, today
from shared.domain.errors import AccountUnavailableError
from shared.http.pagination import Page, PageParams, id_cursor_of, page_of_rows
from shared.observability.log import logger

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

# A concurrent POST of the same book may commit between our check and our insert.
_CONFLICTS = {
    repository.PENDING_UNIQUE_INDEX: PrebookExistsError,
    repository.USER_FOREIGN_KEY: AccountUnavailableError,
}


async def create(
    session: AsyncSession, *, user_id: uuid.UUID, book_id: uuid.UUID, quantity: int
) -> PrebookPublic:
    if (await shelf_state(session, book_id=book_id, day=today())).released:
        raise BookAlreadyReleasedError()
    with constraint_errors(_CONFLICTS):
        prebook_id = await repository.add_prebook(
            session, user_id=user_id, book_id=book_id, quantity=quantity
        )
    logger.info("prebook placed", prebook_id=str(prebook_id), book_id=str(book_id))
    # Read back inside this transaction, which the insert has begun.
    row = await repository.get_prebook(await session_reader(session), prebook_id=prebook_id)
    assert row is not None, "inserted by this transaction"
    return PrebookPublic.model_validate(dict(row))


async def cancel(session: AsyncSession, *, user_id: uuid.UUID, prebook_id: uuid.UUID) -> None:
    """Cancelling a cancelled prebook again changes nothing and is no error."""
    status = await repository.lock_status(session, prebook_id=prebook_id, user_id=user_id)
    if status is None:
        raise PrebookNotFoundError()
    if status == "fulfilled":
        raise PrebookNotCancellableError()
    if status == "pending":
        await repository.set_status(session, prebook_id=prebook_id, status="cancelled")
        logger.info("prebook cancelled", prebook_id=str(prebook_id))


async def list_prebooks(*, user_id: uuid.UUID, page: PageParams) -> Page[PrebookPublic]:
    """The caller's prebooks, outside any transaction: a page sees every committed prebook and
    release."""
    # A cursor this server did not write is refused before a connection is taken.
    after = page.after_id()
    async with reading(as_caller(user_id)) as reader:
        rows = await repository.list_prebooks(
            reader, user_id=user_id, after=after, limit=page.limit + 1
        )
    return page_of_rows(Page[PrebookPublic], rows, page.limit, id_cursor_of)
