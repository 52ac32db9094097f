"""The wishlist's rules: live books only, one entry per book, newest first, current book details."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from functions.wishlist import repository
from functions.wishlist.cursors import cursor_of, position_of
from functions.wishlist.errors import WishlistItemNotFoundError
from functions.wishlist.schemas import WishlistEntryPublic
from shared.db.access import as_caller
from shared.db.compiled import reading, session_reader
from shared.db.integrity import constraint_errors
from shared.domain.availability import today
from shared.domain.errors import AccountUnavailableError, BookNotFoundError
from shared.http.pagination import Page, PageParams, page_of_rows

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

_UNKNOWN_ACCOUNT = {repository.USER_FOREIGN_KEY: AccountUnavailableError}


@dataclass(frozen=True, slots=True)
class Addition:
    entry: WishlistEntryPublic
    created: bool


async def list_entries(*, user_id: uuid.UUID, page: PageParams) -> Page[WishlistEntryPublic]:
    """Read without a session: one statement, one committed snapshot."""
    after = None if page.cursor is None else position_of(page.cursor)
    async with reading(as_caller(user_id)) as reader:
        # One more row than the page tells whether a next page exists.
        rows = await repository.list_entries(
            reader, user_id=user_id, after=after, limit=page.limit + 1, today=today()
        )
    return page_of_rows(Page[WishlistEntryPublic], rows, page.limit, cursor_of)


async def add(session: AsyncSession, *, user_id: uuid.UUID, book_id: uuid.UUID) -> Addition:
    """Puts the book in the wishlist; `created` is False when it was there already. A concurrent
    identical request waits on the entry's key and then finds it there."""
    with constraint_errors(_UNKNOWN_ACCOUNT):
        created = await repository.add_entry(session, user_id=user_id, book_id=book_id)
    reader = await session_reader(session)
    row = await repository.get_entry(reader, user_id=user_id, book_id=book_id, today=today())
    if row is None:
        # No live book: unknown, deleted from the catalog, or deleted since the insert's snapshot
        # (the request's transaction then rolls the entry back).
        raise BookNotFoundError()
    return Addition(_public(row), created)


async def remove(session: AsyncSession, *, user_id: uuid.UUID, book_id: uuid.UUID) -> None:
    if not await repository.delete_entry(session, user_id=user_id, book_id=book_id):
        raise WishlistItemNotFoundError()


def _public(row: Mapping[str, Any]) -> WishlistEntryPublic:
    return WishlistEntryPublic.model_validate(dict(row))
