"""The release job: pending prebooks of every released book become orders, oldest first.

A book's prebooks are released in batches, each in a transaction of its own: the oldest pending
prebooks, up to BATCH, as many of them in line as the stock serves, become their orders through
the shared checkout in a fixed number of statements (`place_orders`), so a launch of ten thousand
pre-orders takes seconds. A crash half-way leaves every prebook either fulfilled with its order or
still pending, never fulfilled twice. The order is strict per book: a batch always starts at the
book's oldest pending prebook, and when the next one does not fit the stock the book waits for the
next run, however small the later prebooks are. The checkout locks the book's row only for its
last statement and the COMMIT, so a customer's checkout of the book during a launch waits for a
moment at most. A run holds a book through a transaction-scoped advisory lock: a second run at the
same time skips the books the first is releasing.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date
from enum import Enum
from typing import Any

from sqlalchemy import RowMapping

from functions.prebooks import repository
from shared.db.access import OPERATIONS
from shared.db.transaction import transaction
from shared.domain.checkout import LineRequest, OrderRequest, place_orders
from shared.domain.errors import OutOfStockError
from shared.domain.orders import OrderSnapshot
from shared.domain.outbox import record_events
from shared.observability.log import logger
from shared.observability.metrics import emit_metrics
from shared.settings import get_settings

PREBOOK_FULFILLED = "PrebookFulfilled"
# Prebooks turned into orders per transaction: enough that a launch takes seconds, few enough that
# one transaction stays short.
BATCH = 500
# A batch that meets a customer's checkout of its last copies is tried again this many times.
CONTENDED_RETRIES = 3
# Time kept in hand before the Lambda timeout: the rest waits for the next run.
SAFETY_MARGIN_SECONDS = 3.0


class Outcome(Enum):
    FULFILLED = "fulfilled"
    WAITING_FOR_STOCK = "waiting for stock"
    NONE_PENDING = "none pending"
    TAKEN_BY_ANOTHER_RUN = "taken by another run"
    CONTENDED = "stock taken by a checkout meanwhile"


@dataclass(frozen=True, slots=True)
class ReleaseSummary:
    books_seen: int
    fulfilled: int
    left_pending: int
    out_of_time: bool

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


async def release_due_prebooks(*, today: date, deadline: float | None = None) -> ReleaseSummary:
    """Releases what is due on `today`; stops starting new batches past `deadline`
    (`time.monotonic()`)."""
    async with transaction(OPERATIONS) as session:
        books = await repository.books_due(session, today=today)
    fulfilled = 0
    out_of_time = False
    for book_id in books:
        contended = 0
        while not (out_of_time := _past(deadline)):
            outcome, count = await release_next(book_id=book_id, today=today)
            fulfilled += count
            if outcome is Outcome.CONTENDED and contended < CONTENDED_RETRIES:
                contended += 1
                continue
            if outcome is not Outcome.FULFILLED:
                break
        if out_of_time:
            break
    async with transaction(OPERATIONS) as session:
        left = await repository.count_pending(session, book_ids=books)
    summary = ReleaseSummary(
        books_seen=len(books), fulfilled=fulfilled, left_pending=left, out_of_time=out_of_time
    )
    logger.info("prebooks released", **summary.as_dict())
    _record_metrics(summary)
    return summary


async def release_next(*, book_id: uuid.UUID, today: date) -> tuple[Outcome, int]:
    """The book's oldest pending prebooks that the stock serves, in line and up to BATCH, turned
    into orders in one transaction; the outcome and how many."""
    try:
        async with transaction(OPERATIONS) as session:
            if not await repository.try_lock_book_release(session, book_id=book_id):
                return Outcome.TAKEN_BY_ANOTHER_RUN, 0
            line = await repository.lock_pending_batch(session, book_id=book_id, limit=BATCH)
            if not line:
                return Outcome.NONE_PENDING, 0
            served = _served(line)
            if not served:
                logger.info("prebook waits for stock", prebook_id=str(line[0]["id"]))
                return Outcome.WAITING_FOR_STOCK, 0

            async def fulfil(orders: Sequence[OrderSnapshot]) -> None:
                await repository.set_fulfilled(
                    session,
                    prebook_ids=[prebook["id"] for prebook in served],
                    order_ids=[order.id for order in orders],
                )
                await record_events(
                    session,
                    [
                        (PREBOOK_FULFILLED, _fulfilled_detail(prebook, order, book_id))
                        for prebook, order in zip(served, orders, strict=True)
                    ],
                )

            await place_orders(
                session,
                requests=[
                    OrderRequest(p["user_id"], [LineRequest(book_id, p["quantity"])])
                    for p in served
                ],
                currency=get_settings().currency,
                today=today,
                before_stock=fulfil,
            )
    except OutOfStockError:
        # A customer took copies since the batch read the stock: rolled back, nothing kept.
        logger.info("prebook release met a checkout", book_id=str(book_id))
        return Outcome.CONTENDED, 0
    logger.info("prebooks fulfilled", book_id=str(book_id), count=len(served))
    return Outcome.FULFILLED, len(served)


def _served(line: Sequence[RowMapping]) -> list[RowMapping]:
    """The prebooks at the head of the line whose copies, added up, the stock holds."""
    left = line[0]["stock"]
    served = []
    for prebook in line:
        if prebook["quantity"] > left:
            break
        left -= prebook["quantity"]
        served.append(prebook)
    return served


def _fulfilled_detail(
    prebook: RowMapping, order: OrderSnapshot, book_id: uuid.UUID
) -> dict[str, Any]:
    return {
        "prebook_id": prebook["id"],
        "order_id": order.id,
        "user_id": order.user_id,
        "book_id": book_id,
        "quantity": prebook["quantity"],
        "occurred_at": order.created_at,
    }


def _past(deadline: float | None) -> bool:
    return deadline is not None and time.monotonic() >= deadline


def _record_metrics(summary: ReleaseSummary) -> None:
    emit_metrics(
        {
            "PrebookBooksSeen": summary.books_seen,
            "PrebooksFulfilled": summary.fulfilled,
            "PrebooksLeftPending": summary.left_pending,
        }
    )
