"""Publishing the outbox: unpublished rows to EventBridge, then marked published or for retry.

Each round locks the rows it sends (`FOR UPDATE SKIP LOCKED`) for as long as it sends them, so two
publishers at once (a request's after-commit publish and the scheduled drain, or two drains) never
send the same row; a row is marked published only after EventBridge accepted it. Delivery is
at-least-once (a crash between `PutEvents` and the commit sends it again later): consumers
deduplicate on the detail's `event_id`.
"""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import Row, Select, func, select, update

from shared.db.tables.outbox import outbox_events
from shared.db.transaction import transaction
from shared.events import eventbridge
from shared.observability.log import logger
from shared.settings import get_settings

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

_PendingRow = Row[tuple[uuid.UUID, str, dict[str, object]]]


@dataclass(frozen=True, slots=True)
class PublishSummary:
    selected: int  # unpublished rows this round locked and tried to send
    sent: int
    failed: int  # still unpublished, `attempts` incremented
    calls: int  # PutEvents calls made
    failed_calls: int  # calls that raised (every entry of theirs counts as failed)


@dataclass(frozen=True, slots=True)
class DrainSummary:
    rounds: int
    selected: int
    sent: int
    failed: int


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


async def drain_outbox(*, batch_size: int = 100, max_batches: int = 50) -> DrainSummary:
    """What the scheduled drain runs: rounds of `batch_size` until the outbox has been walked once.

    Each round starts after the last row of the one before, so an event that keeps failing is
    tried once per drain and never holds back the newer ones behind it. The drain stops at the
    first `PutEvents` call that raises (EventBridge unreachable or throttling: the next scheduled
    run retries), so one drain costs at most one client timeout, and after `max_batches` rounds.
    """
    if batch_size < 1 or max_batches < 1:
        raise ValueError("batch_size and max_batches must be at least 1")
    rounds = selected = sent = failed = 0
    after: uuid.UUID | None = None
    while rounds < max_batches:
        summary, after = await _publish_round(event_ids=None, limit=batch_size, after=after)
        rounds += 1
        selected += summary.selected
        sent += summary.sent
        failed += summary.failed
        # Fewer rows than asked for: nothing unlocked is left past the last one. A call that
        # raised: EventBridge is down or throttling, and the rest would only time out too.
        if summary.selected < batch_size or summary.failed_calls:
            break
    drained = DrainSummary(rounds=rounds, selected=selected, sent=sent, failed=failed)
    logger.info("outbox drained", rounds=rounds, selected=selected, sent=sent, failed=failed)
    return drained


async def _publish_round(
    *, event_ids: Sequence[uuid.UUID] | None, limit: int, after: uuid.UUID | None
) -> tuple[PublishSummary, uuid.UUID | None]:
    bus_name = get_settings().event_bus_name
    if not bus_name:
        logger.debug("no EVENT_BUS_NAME: events stay in the outbox")
        return _NOTHING, None
    if event_ids is not None and not event_ids:
        return _NOTHING, None
    async with transaction() as session:
        connection = await session.connection()
        rows = (await connection.execute(_pending(event_ids, limit, after))).all()
        if not rows:
            return _NOTHING, None
        result = eventbridge.send([_entry(bus_name, row) for row in rows])
        # Rows past a call that raised were not tried: they stay as they were, for the drain.
        attempted = [row.id for row in rows[: len(result.errors)]]
        await _record_outcomes(session, attempted, result.errors)
    failed = sum(error is not None for error in result.errors)
    summary = PublishSummary(
        selected=len(rows),
        sent=len(attempted) - failed,
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
        outbox_events.c.published_at.is_(None)
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
    session: AsyncSession, ids: Sequence[uuid.UUID], errors: Sequence[str | None]
) -> None:
    sent = [event_id for event_id, error in zip(ids, errors, strict=True) if error is None]
    by_error: defaultdict[str, list[uuid.UUID]] = defaultdict(list)
    for event_id, error in zip(ids, errors, strict=True):
        if error is not None:
            by_error[error].append(event_id)
    connection = await session.connection()
    # One statement per outcome rather than per row: a failed call fails its batch with one error.
    if sent:
        await connection.execute(
            update(outbox_events)
            .where(outbox_events.c.id.in_(sent))
            .values(published_at=func.clock_timestamp())
        )
    for error, failed in by_error.items():
        await connection.execute(
            update(outbox_events)
            .where(outbox_events.c.id.in_(failed))
            .values(attempts=outbox_events.c.attempts + 1, last_error=error)
        )
