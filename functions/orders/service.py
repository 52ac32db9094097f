"""The orders' write rules: checkout from the cart (idempotent), and status changes.

In the request's session (its transaction); the checkout's statements go on the session's driver
connection (`shared.db.compiled.Writer`). The router imports this module on the first write
(`shared.runtime.lazy`).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from functions.orders import idempotency, lifecycle, reads, repository
from functions.orders.errors import (
    CartEmptyError,
    IdempotencyKeyInUseError,
    IdempotencyKeyReusedError,
    InvalidTransitionError,
    OrderNotFoundError,
)
from functions.orders.idempotency import RememberedKey
from functions.orders.schemas import OrderPublic
from shared.auth.principal import Principal
from shared.db.compiled import Writer, session_writer
from shared.db.integrity import constraint_errors
from shared.db.tables.orders import OrderStatus
from shared.domain.availability import today
from shared.domain.checkout import place_order
from shared.domain.errors import AccountUnavailableError
from shared.domain.orders import ORDER_CANCELLED, ORDER_STATUS_CHANGED, OrderSnapshot
from shared.domain.outbox import record_event
from shared.observability.log import logger
from shared.settings import get_settings

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

CREATED = 201
_CHECKOUT_CONFLICTS = {
    repository.USER_FOREIGN_KEY: AccountUnavailableError,
    # Only reachable if two checkouts with one key got past the cart lock together.
    repository.IDEMPOTENCY_PRIMARY_KEY: IdempotencyKeyInUseError,
}


@dataclass(frozen=True, slots=True)
class CheckoutAnswer:
    status_code: int
    body: dict[str, Any]
    replayed: bool = field(default=False)


async def checkout(
    session: AsyncSession, *, principal: Principal, idempotency_key: str | None
) -> CheckoutAnswer:
    """An order of the caller's cart, or the replay of the checkout that had this key."""
    user_id = principal.user_id
    writer = await session_writer(session)
    # First, so that a concurrent checkout of this cart (a retry, a double click) waits for this
    # one to end, and then sees its outcome: the cart emptied and the key remembered.
    lines = await repository.lock_cart(writer, user_id=user_id)
    if idempotency_key is not None:
        earlier = await _remembered(writer, user_id=user_id, key=idempotency_key)
        if earlier is not None:
            if not idempotency.replays(earlier, lines):
                raise IdempotencyKeyReusedError()
            logger.info("checkout replayed", order_id=str(earlier.order_id))
            return CheckoutAnswer(earlier.response_status, earlier.response_body, replayed=True)
    if not lines:
        raise CartEmptyError()

    body: dict[str, Any] = {}

    async def keep_with_the_order(order: OrderSnapshot) -> None:
        # Written before the stock is taken: none of it contends with another checkout.
        await repository.remove_checked_out_lines(
            writer, user_id=user_id, book_ids=[line.book_id for line in lines]
        )
        body.update(OrderPublic.of(order).model_dump(mode="json"))
        if idempotency_key is not None:
            await repository.remember_idempotency_key(
                writer,
                user_id=user_id,
                key=idempotency_key,
                fingerprint=idempotency.fingerprint(lines),
                order_id=order.id,
                response_status=CREATED,
                response_body=body,
            )

    with constraint_errors(_CHECKOUT_CONFLICTS):
        order = await place_order(
            session,
            user_id=user_id,
            lines=lines,
            currency=get_settings().currency,
            today=today(),
            before_stock=keep_with_the_order,
        )
    logger.info("order placed", order_id=str(order.id), lines=len(lines), total=str(order.total))
    return CheckoutAnswer(CREATED, body)


async def cancel(
    session: AsyncSession, *, principal: Principal, order_id: uuid.UUID
) -> OrderPublic:
    """A customer cancels an order of their own; an admin, anyone's."""
    return await _move(
        session, order_id=order_id, target="cancelled", owner=reads.visible_owner(principal)
    )


async def set_status(
    session: AsyncSession, *, order_id: uuid.UUID, status: OrderStatus
) -> OrderPublic:
    """An admin moves any order along its lifecycle."""
    return await _move(session, order_id=order_id, target=status, owner=None)


async def _move(
    session: AsyncSession, *, order_id: uuid.UUID, target: OrderStatus, owner: uuid.UUID | None
) -> OrderPublic:
    current = await repository.lock_order_status(session, order_id=order_id, owner=owner)
    if current is None:
        raise OrderNotFoundError()
    if not lifecycle.can_move(current, target):
        raise InvalidTransitionError(current=current, target=target)
    await repository.set_status(session, order_id=order_id, status=target)
    order = await reads.order_in(session, order_id=order_id)
    if target in lifecycle.RETURNS_STOCK:
        await repository.return_stock(session, order=order)
    event_type = ORDER_CANCELLED if target == "cancelled" else ORDER_STATUS_CHANGED
    await record_event(
        session, event_type=event_type, detail=order.event_detail(previous_status=current)
    )
    logger.info("order status changed", order_id=str(order_id), status=target, previous=current)
    return OrderPublic.of(order)


async def _remembered(writer: Writer, *, user_id: uuid.UUID, key: str) -> RememberedKey | None:
    record = await repository.find_idempotency_key(writer, user_id=user_id, key=key)
    if record is not None and idempotency.is_expired(record, datetime.now(UTC)):
        # Past its lifetime the key is new again; the daily purge may not have run yet.
        await repository.forget_idempotency_key(writer, record=record)
        return None
    return record
