from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Response, status

from functions.prebooks import service
from functions.prebooks.schemas import PrebookCreate, PrebookPublic
from shared.auth.dependencies import CurrentUser
from shared.db.request_session import CallerSession
from shared.errors import error_responses
from shared.http.pagination import Page, PageParamsDep

router = APIRouter(prefix="/prebooks", tags=["prebooks"])


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Pre-order an upcoming book",
    description="Only a book whose release date is in the future (409 `PREBOOK_BOOK_RELEASED` "
    "otherwise: put it in the cart), and one pending prebook per book (409 `PREBOOK_EXISTS`). "
    "No stock is taken now: when the book is released, the release job turns pending prebooks "
    "into orders at the price of that day, oldest first, while stock lasts.",
    responses=error_responses(401, 404, 409),
)
async def create_prebook(
    principal: CurrentUser, data: PrebookCreate, session: CallerSession
) -> PrebookPublic:
    return await service.create(
        session, user_id=principal.user_id, book_id=data.book_id, quantity=data.quantity
    )


@router.get(
    "",
    summary="The caller's prebooks, newest first",
    responses=error_responses(401),
)
async def list_prebooks(principal: CurrentUser, page: PageParamsDep) -> Page[PrebookPublic]:
    return await service.list_prebooks(user_id=principal.user_id, page=page)


@router.delete(
    "/{prebook_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    summary="Cancel a pending prebook",
    description="Its status becomes `cancelled` and it is never fulfilled. Cancelling a "
    "cancelled prebook again is 204; a fulfilled one is 409 `PREBOOK_NOT_CANCELLABLE` (cancel "
    "its order instead); someone else's is 404 `PREBOOK_NOT_FOUND`.",
    responses=error_responses(401, 404, 409),
)
async def cancel_prebook(
    principal: CurrentUser,
    prebook_id: Annotated[uuid.UUID, Path(description="The prebook's id")],
    session: CallerSession,
) -> Response:
    await service.cancel(session, user_id=principal.user_id, prebook_id=prebook_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
