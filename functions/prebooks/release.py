"""The release job: pending prebooks of every released book become orders, oldest first.

Each prebook becomes its order in a transaction of its own (through the same shared checkout the
Orders function uses), so a crash half-way leaves every prebook either fulfilled with its order or
still pending, never fulfilled twice. The order is strict per book: a transaction always takes the
book's oldest pending prebook, and when that one does not fit the stock the book waits for the
next run, however small the later prebooks are. A run holds a book through a transaction-scoped
advisory lock: a second run at the same time skips the books the first is releasing.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import asdict, dataclass
from datetime import date
from enum import Enum
from typing import Any

from functions.prebooks import repository
from shared.db.transaction import transaction
from shared.domain.checkout import LineRequest, place_order
from shared.domain.errors import OutOfStockError
from shared.domain.orders import OrderSnapshot
from shared.domain.outbox import record_event
from shared.observability.log import logger
from shared.observability.metrics import emit_counts
from shared.settings import get_settings

PREBOOK_FULFILLED = "PrebookFulfilled"
# Time kept in hand before the Lambda timeout: the rest waits for the next run.
SAFETY_MARGIN_SECONDS = 3.0


class Outcome(Enum):
    FULFILLED = "fulfilled"
    WAITING_FOR_STOCK = "waiting for stock"
    NONE_PENDING = "none pending"
    TAKEN_BY_ANOTHER_RUN = "taken by another run"


@dataclass(frozen=True, slots=True)
class ReleaseSummary:
    books_seen: int
    fulfilled: int
    left_pending: int
    out_of_time: bool

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


async def release_due_prebooks(*, today: date, deadline: float | None = None) -> ReleaseSummary:
    """Releases what is due on `today`; stops starting new prebooks past `deadline`
    (`time.monotonic()`)."""
    async with transaction() as session:
        books = await repository.books_due(session, today=today)
    fulfilled = 0
    out_of_time = False
    for book_id in books:
        while not (out_of_time := _past(deadline)):
            outcome = await release_next(book_id=book_id, today=today)
            if outcome is not Outcome.FULFILLED:
                break
            fulfilled += 1
        if out_of_time:
            break
    async with transaction() as session:
        left = await repository.count_pending(session, book_ids=books)
    summary = ReleaseSummary(
        books_seen=len(books), fulfilled=fulfilled, left_pending=left, out_of_time=out_of_time
    )
    logger.info("prebooks released", **summary.as_dict())
    _record_metrics(summary)
    return summary


async def release_next(*, book_id: uuid.UUID, today: date) -> Outcome:
    """The book's oldest pending prebook turned into an order, in one transaction."""
    try:
        async with transaction() as session:
            if not await repository.try_lock_book_release(session, book_id=book_id):
                return Outcome.TAKEN_BY_ANOTHER_RUN
            prebook = await repository.lock_next_pending(session, book_id=book_id)
            if prebook is None:
                return Outcome.NONE_PENDING

            async def fulfil(order: OrderSnapshot) -> None:
                await repository.set_status(
                    session, prebook_id=prebook["id"], status="fulfilled", order_id=order.id
                )
                await record_event(
                    session,
                    event_type=PREBOOK_FULFILLED,
                    detail={
                        "prebook_id": prebook["id"],
                        "order_id": order.id,
                        "user_id": order.user_id,
                        "book_id": book_id,
                        "quantity": prebook["quantity"],
                        "occurred_at": order.created_at,
                    },
                )

            order = await place_order(
                session,
                user_id=prebook["user_id"],
                lines=[LineRequest(book_id=book_id, quantity=prebook["quantity"])],
                currency=get_settings().currency,
                today=today,
                before_stock=fulfil,
            )
    except OutOfStockError:
        # Rolled back: the prebook is still pending, and nothing of its order was kept.
        logger.info("prebook waits for stock", book_id=str(book_id))
        return Outcome.WAITING_FOR_STOCK
    logger.info("prebook fulfilled", prebook_id=str(prebook["id"]), order_id=str(order.id))
    return Outcome.FULFILLED


def deadline_of(context: Any) -> float | None:
    """When to stop starting new prebooks, from the time this invocation has left."""
    remaining = getattr(context, "get_remaining_time_in_millis", lambda: None)()
    if not isinstance(remaining, int | float):
        return None
    return time.monotonic() + max(remaining / 1000 - SAFETY_MARGIN_SECONDS, 0.0)


def _past(deadline: float | None) -> bool:
    return deadline is not None and time.monotonic() >= deadline


def _record_metrics(summary: ReleaseSummary) -> None:
    emit_counts(
        {
            "PrebookBooksSeen": summary.books_seen,
            "PrebooksFulfilled": summary.fulfilled,
            "PrebooksLeftPending": summary.left_pending,
        }
    )
