"""Publishing the outbox: unpublished rows to EventBridge, then marked published or for retry.

Each round locks the rows it sends (`FOR UPDATE SKIP LOCKED`) for as long as it sends them, so two
publishers at once (a request's after-commit publish and the scheduled drain, or two drains) never
send the same row; a row is marked published only after EventBridge accepted it. Delivery is
at-least-once (a crash between `PutEvents` and the commit sends it again later): consumers
deduplicate on the detail's `event_id`.
"""

from __future__ import annotations

import json
import time
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import Row, Select, func, select, update

from shared.db.access import OPERATIONS
from shared.db.tables.outbox import outbox_events
from shared.db.transaction import transaction
from shared.events import eventbridge
from shared.observability.log import logger
from shared.settings import get_settings

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

# One round's calls all run at once: a round then costs one PutEvents latency, and at worst one
# client timeout, which the drain's deadline leaves room for.
DRAIN_BATCH_SIZE = eventbridge.MAX_PARALLEL_CALLS * eventbridge.MAX_ENTRIES_PER_CALL

_PendingRow = Row[tuple[uuid.UUID, str, dict[str, object]]]


@dataclass(frozen=True, slots=True)
class PublishSummary:
    selected: int  # unpublished rows this round locked and tried to send
    sent: int
    failed: int  # still unpublished, with their error
    calls: int  # PutEvents calls made
    failed_calls: int  # calls that raised (every entry of theirs counts as failed)


@dataclass(frozen=True, slots=True)
class DrainSummary:
    rounds: int
    selected: int
    sent: int
    failed: int
    out_of_time: bool  # stopped at the deadline with rows left for the next run


@dataclass(frozen=True, slots=True)
class OutboxBacklog:
    """What is left unpublished after a drain: the operator's view of the outbox."""

    pending: int  # still retried by every drain
    oldest_pending_age_seconds: float  # 0 when nothing is pending
    given_up: int  # refused `OUTBOX_MAX_ATTEMPTS` times: kept, no longer retried


_NOTHING = PublishSummary(selected=0, sent=0, failed=0, calls=0, failed_calls=0)


async def publish_pending(
    *, event_ids: Sequence[uuid.UUID] | None = None, limit: int = 100
) -> PublishSummary:
    """Send up to `limit` unpublished events (only `event_ids` when given), oldest first.

    Rows another publisher holds are skipped: it is sending them. With no bus configured (local
    runs) nothing is sent and the rows stay for `bookstore events` to list.
    """
    if limit < 1:
        raise ValueError("limit must be at least 1")
    summary, _ = await _publish_round(event_ids=event_ids, limit=limit, after=None)
    return summary


async def drain_outbox(
    *, batch_size: int = DRAIN_BATCH_SIZE, deadline: float | None = None
) -> DrainSummary:
    """What the scheduled drain runs: rounds of `batch_size` until the outbox has been walked once.

    Each round starts after the last row of the one before, so an event that keeps failing is
    tried once per drain and never holds back the newer ones behind it. The drain stops after a
    round in which a `PutEvents` call raised (EventBridge unreachable or throttling: the next
    scheduled run retries), and starts no round past `deadline` (`time.monotonic()`), so a run
    ends before its function's timeout whatever the backlog.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    rounds = selected = sent = failed = 0
    after: uuid.UUID | None = None
    out_of_time = False
    while not (out_of_time := deadline is not None and time.monotonic() >= deadline):
        summary, after = await _publish_round(event_ids=None, limit=batch_size, after=after)
        rounds += 1
        selected += summary.selected
        sent += summary.sent
        failed += summary.failed
        # Fewer rows than asked for: nothing unlocked is left past the last one. A call that
        # raised: EventBridge is down or throttling, and the rest would only fail too.
        if summary.selected < batch_size or summary.failed_calls:
            break
    drained = DrainSummary(
        rounds=rounds, selected=selected, sent=sent, failed=failed, out_of_time=out_of_time
    )
    logger.info(
        "outbox drained",
        rounds=rounds,
        selected=selected,
        sent=sent,
        failed=failed,
        out_of_time=out_of_time,
    )
    return drained


async def outbox_backlog() -> OutboxBacklog:
    """Counts of what is unpublished, read through the partial index of unpublished rows."""
    given_up = outbox_events.c.attempts >= get_settings().outbox_max_attempts
    query = select(
        func.count().filter(~given_up),
        func.coalesce(
            func.extract(
                "epoch", func.now() - func.min(outbox_events.c.created_at).filter(~given_up)
            ),
            0,
        ),
        func.count().filter(given_up),
    ).where(outbox_events.c.published_at.is_(None))
    async with transaction(OPERATIONS) as session:
        connection = await session.connection()
        pending, oldest_age, abandoned = (await connection.execute(query)).one()
    return OutboxBacklog(
        pending=pending, oldest_pending_age_seconds=float(oldest_age), given_up=abandoned
    )


async def retry_given_up() -> int:
    """Makes the events the drain gave up on pending again (an operator's redrive, once the cause
    is fixed); answers how many."""
    async with transaction(OPERATIONS) as session:
        connection = await session.connection()
        result = await connection.execute(
            update(outbox_events)
            .where(
                outbox_events.c.published_at.is_(None),
                outbox_events.c.attempts >= get_settings().outbox_max_attempts,
            )
            .values(attempts=0)
        )
    return int(result.rowcount)


async def _publish_round(
    *, event_ids: Sequence[uuid.UUID] | None, limit: int, after: uuid.UUID | None
) -> tuple[PublishSummary, uuid.UUID | None]:
    bus_name = get_settings().event_bus_name
    if not bus_name:
        logger.debug("no EVENT_BUS_NAME: events stay in the outbox")
        return _NOTHING, None
    if event_ids is not None and not event_ids:
        return _NOTHING, None
    async with transaction(OPERATIONS) as session:
        connection = await session.connection()
        rows = (await connection.execute(_pending(event_ids, limit, after))).all()
        if not rows:
            return _NOTHING, None
        result = eventbridge.send([_entry(bus_name, row) for row in rows])
        await _record_outcomes(session, [row.id for row in rows], result)
    failed = sum(error is not None for error in result.errors)
    summary = PublishSummary(
        selected=len(rows),
        sent=len(rows) - failed,
        failed=failed,
        calls=result.calls,
        failed_calls=result.failed_calls,
    )
    log = logger.warning if failed else logger.info
    log(
        "outbox published",
        selected=summary.selected,
        sent=summary.sent,
        failed=summary.failed,
        calls=summary.calls,
        failed_calls=summary.failed_calls,
    )
    return summary, rows[-1].id


def _pending(
    event_ids: Sequence[uuid.UUID] | None, limit: int, after: uuid.UUID | None
) -> Select[tuple[uuid.UUID, str, dict[str, object]]]:
    # Ids are time-ordered (v7): oldest first is id order, which the partial index serves.
    query = select(outbox_events.c.id, outbox_events.c.type, outbox_events.c.payload).where(
        outbox_events.c.published_at.is_(None),
        outbox_events.c.attempts < get_settings().outbox_max_attempts,
    )
    if event_ids is not None:
        query = query.where(outbox_events.c.id.in_(event_ids))
    if after is not None:
        query = query.where(outbox_events.c.id > after)
    return query.order_by(outbox_events.c.id).limit(limit).with_for_update(skip_locked=True)


def _entry(bus_name: str, row: _PendingRow) -> eventbridge.Entry:
    detail = json.dumps(row.payload, ensure_ascii=False, separators=(",", ":"))
    return eventbridge.entry(bus_name=bus_name, detail_type=row.type, detail=detail)


async def _record_outcomes(
    session: AsyncSession, ids: Sequence[uuid.UUID], result: eventbridge.SendResult
) -> None:
    """Sent rows are marked published. A failed row keeps its error; `attempts` counts only
    EventBridge's refusals of the event itself, not calls that failed whole (an outage says
    nothing about the event, and must not use up its attempts)."""
    sent = [event_id for event_id, error in zip(ids, result.errors, strict=True) if error is None]
    by_outcome: defaultdict[tuple[str, bool], list[uuid.UUID]] = defaultdict(list)
    for event_id, error, refused in zip(ids, result.errors, result.refused, strict=True):
        if error is not None:
            by_outcome[(error, refused)].append(event_id)
    connection = await session.connection()
    # One statement per outcome rather than per row: a failed call fails its batch with one error.
    if sent:
        await connection.execute(
            update(outbox_events)
            .where(outbox_events.c.id.in_(sent))
            .values(published_at=func.clock_timestamp())
        )
    for (error, refused), failed in by_outcome.items():
        attempts = outbox_events.c.attempts + 1 if refused else outbox_events.c.attempts
        await connection.execute(
            update(outbox_events)
            .where(outbox_events.c.id.in_(failed))
            .values(attempts=attempts, last_error=error)
        )
