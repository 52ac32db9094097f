from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Response, status

from functions.cart import service
from functions.cart.schemas import CartItemSet, CartPublic
from shared.auth.dependencies import CurrentUser
from shared.db.request_session import CallerSession
from shared.errors import error_responses

router = APIRouter(prefix="/cart", tags=["cart"])

BookId = Annotated[uuid.UUID, Path(description="The book's id")]


@router.get("", summary="The caller's cart", responses=error_responses(401))
async def get_cart(principal: CurrentUser) -> CartPublic:
    return await service.get_cart(user_id=principal.user_id)


@router.put(
    "/items/{book_id}",
    summary="Put a book in the cart, at this quantity",
    description="Sets the line's quantity (it does not add to it). The book must be released "
    "(409 `BOOK_NOT_RELEASED` for an upcoming book: pre-book it instead) and have at least this "
    "many copies in stock now (409 `CART_OUT_OF_STOCK`, `field` `quantity`). Stock is not "
    "reserved: checkout checks it again.",
    responses=error_responses(401, 404, 409),
)
async def set_cart_item(
    principal: CurrentUser, book_id: BookId, data: CartItemSet, session: CallerSession
) -> CartPublic:
    return await service.set_quantity(
        session, user_id=principal.user_id, book_id=book_id, quantity=data.quantity
    )


@router.delete(
    "/items/{book_id}",
    summary="Take a book out of the cart",
    responses=error_responses(401, 404),
)
async def remove_cart_item(
    principal: CurrentUser, book_id: BookId, session: CallerSession
) -> CartPublic:
    return await service.remove_item(session, user_id=principal.user_id, book_id=book_id)


@router.delete(
    "",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    summary="Empty the cart",
    responses=error_responses(401),
)
async def clear_cart(principal: CurrentUser, session: CallerSession) -> Response:
    await service.clear(session, user_id=principal.user_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
