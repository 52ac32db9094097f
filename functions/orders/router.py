from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Annotated

from fastapi import APIRouter, Header, Path, status
from fastapi.responses import JSONResponse

from functions.orders import reads
from functions.orders.schemas import OrderPublic, OrderStatusUpdate
from shared.auth.dependencies import AdminUser, CurrentUser
from shared.db.request_session import AdminSession, CallerOrAdminSession, CallerSession
from shared.db.tables.orders import MAX_IDEMPOTENCY_KEY_LENGTH
from shared.errors import error_responses
from shared.http.pagination import Page, PageParamsDep
from shared.runtime.lazy import lazy_import

if TYPE_CHECKING:
    from functions.orders import service
else:
    # The write paths, on the ORM session: imported by the first write, not at start-up.
    service = lazy_import("functions.orders.service")

router = APIRouter(prefix="/orders", tags=["orders"])

OrderId = Annotated[uuid.UUID, Path(description="The order's id")]
REPLAYED_HEADER = "Idempotency-Replayed"


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=OrderPublic,
    summary="Order the caller's cart",
    description="In one transaction: the stock of every line is checked and taken, the current "
    "prices and titles are copied into the order, and the cart is emptied. 409 `CART_EMPTY`; 409 "
    "`CART_OUT_OF_STOCK` names every line that cannot be served in `detail` (out of stock, not "
    "released, or no longer in the catalog), `field` being the first such book id; nothing is "
    "taken then.\n\n"
    "**Idempotency-Key** (optional, 1 to 255 characters, remembered for 24 hours per user): a "
    "retry with the same key creates nothing and answers the first checkout's status and body "
    f"again, with `{REPLAYED_HEADER}: true`, while the cart is empty (as that checkout left it) "
    "or holds the very same lines; with other lines in the cart the key is 422 "
    "`IDEMPOTENCY_KEY_REUSED`. A retry sent while the first is still running waits for it. A "
    "checkout that failed remembers nothing: retrying it with the same key tries again.",
    responses={
        **error_responses(401, 409),
        status.HTTP_201_CREATED: {
            "description": "The order (or, for a replayed key, the first answer again)",
            "headers": {
                REPLAYED_HEADER: {
                    "description": "`true` when this answer is a replay of an earlier checkout",
                    "schema": {"type": "string", "enum": ["true"]},
                }
            },
        },
    },
)
async def place_order(
    principal: CurrentUser,
    session: CallerSession,
    idempotency_key: Annotated[
        str | None,
        Header(
            min_length=1,
            max_length=MAX_IDEMPOTENCY_KEY_LENGTH,
            description="Any unique string per purchase (a UUID is a good one)",
        ),
    ] = None,
) -> JSONResponse:
    answer = await service.checkout(session, principal=principal, idempotency_key=idempotency_key)
    headers = {REPLAYED_HEADER: "true"} if answer.replayed else None
    return JSONResponse(answer.body, status_code=answer.status_code, headers=headers)


@router.get(
    "",
    summary="The caller's orders, newest first (an admin sees every order)",
    responses=error_responses(401),
)
async def list_orders(principal: CurrentUser, page: PageParamsDep) -> Page[OrderPublic]:
    return await reads.list_orders(principal=principal, page=page)


@router.get(
    "/{order_id}",
    summary="One order",
    description="Someone else's order is 404 `ORDER_NOT_FOUND`, like one that does not exist.",
    responses=error_responses(401, 404),
)
async def get_order(principal: CurrentUser, order_id: OrderId) -> OrderPublic:
    return await reads.get_order(principal=principal, order_id=order_id)


@router.post(
    "/{order_id}/cancel",
    summary="Cancel an order (its owner, or an admin)",
    description="Only a `pending` or `paid` order can be cancelled (else 409 "
    "`ORDER_INVALID_TRANSITION`); its copies go back in stock in the same transaction, exactly "
    "once even if it is cancelled twice at once.",
    responses=error_responses(401, 404, 409),
)
async def cancel_order(
    principal: CurrentUser, order_id: OrderId, session: CallerOrAdminSession
) -> OrderPublic:
    return await service.cancel(session, principal=principal, order_id=order_id)


@router.patch(
    "/{order_id}",
    summary="Move an order along its lifecycle (admin)",
    description="pending → paid → shipped → delivered, and cancelled from pending or paid "
    "(which returns the stock). Anything else is 409 `ORDER_INVALID_TRANSITION`.",
    responses=error_responses(401, 403, 404, 409),
)
async def update_order_status(
    admin: AdminUser, order_id: OrderId, data: OrderStatusUpdate, session: AdminSession
) -> OrderPublic:
    return await service.set_status(session, order_id=order_id, status=data.status)
