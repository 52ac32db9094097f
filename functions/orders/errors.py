"""The Orders function's own domain errors (codes from API.md)."""

from __future__ import annotations

from shared.errors import ConflictError, NotFoundError, UnprocessableError


class OrderNotFoundError(NotFoundError):
    """Also the answer for someone else's order: its existence is not the caller's business."""

    default_code = "ORDER_NOT_FOUND"
    default_detail = "Order not found"
    default_field = "order_id"


class CartEmptyError(ConflictError):
    default_code = "CART_EMPTY"
    default_detail = "The cart is empty: nothing to order"


class InvalidTransitionError(ConflictError):
    default_code = "ORDER_INVALID_TRANSITION"

    def __init__(self, *, current: str, target: str) -> None:
        super().__init__(f"An order that is {current} cannot become {target}", field="status")


class IdempotencyKeyReusedError(UnprocessableError):
    default_code = "IDEMPOTENCY_KEY_REUSED"
    default_detail = (
        "This Idempotency-Key was used for a checkout of other cart lines: use a new key"
    )
    default_field = "idempotency-key"


class IdempotencyKeyInUseError(ConflictError):
    default_code = "IDEMPOTENCY_KEY_IN_USE"
    default_detail = "A checkout with this Idempotency-Key is still in progress: retry shortly"
    default_field = "idempotency-key"
