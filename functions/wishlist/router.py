from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Path, Response, status

from functions.wishlist import service
from functions.wishlist.schemas import WishlistEntryPublic
from shared.auth.dependencies import CurrentUser
from shared.db.request_session import CallerSession
from shared.errors import error_responses
from shared.http.pagination import Page, PageParamsDep

router = APIRouter(prefix="/wishlist", tags=["wishlist"])

BookId = Annotated[uuid.UUID, Path(description="The book's id")]

_ENTRY_RESPONSES: dict[int | str, dict[str, Any]] = {
    status.HTTP_200_OK: {
        "model": WishlistEntryPublic,
        "description": "The book was in the wishlist already; its entry is unchanged",
    },
    status.HTTP_201_CREATED: {
        "model": WishlistEntryPublic,
        "description": "The book was added to the wishlist",
    },
}


@router.get(
    "",
    summary="The caller's wishlist, newest entry first",
    description="Newest entry first (ties by book id, descending), in keyset pages that stay "
    "stable while books are added. Each entry shows the book's title, author, price and "
    "availability as they are now; books deleted from the catalog are left out.",
    responses=error_responses(401),
)
async def list_wishlist(principal: CurrentUser, page: PageParamsDep) -> Page[WishlistEntryPublic]:
    return await service.list_entries(user_id=principal.user_id, page=page)


@router.put(
    "/{book_id}",
    status_code=status.HTTP_201_CREATED,
    summary="Put a book in the wishlist",
    description="201 with the new entry, or 200 with the entry as it was when the book is in the "
    "wishlist already (its `added_at` is kept, so putting it again does not move it to the top). "
    "404 `BOOK_NOT_FOUND` for a book that is not in the catalog.",
    responses={**_ENTRY_RESPONSES, **error_responses(401, 404)},
)
async def add_to_wishlist(
    principal: CurrentUser, book_id: BookId, response: Response, session: CallerSession
) -> WishlistEntryPublic:
    addition = await service.add(session, user_id=principal.user_id, book_id=book_id)
    if not addition.created:
        response.status_code = status.HTTP_200_OK
    return addition.entry


@router.delete(
    "/{book_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    summary="Take a book out of the wishlist",
    description="404 `WISHLIST_ITEM_NOT_FOUND` when the book is not in the caller's wishlist. "
    "The entry of a book since deleted from the catalog (which the list no longer shows) is "
    "removed too, with 204.",
    responses=error_responses(401, 404),
)
async def remove_from_wishlist(
    principal: CurrentUser, book_id: BookId, session: CallerSession
) -> Response:
    await service.remove(session, user_id=principal.user_id, book_id=book_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
