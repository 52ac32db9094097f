"""The work of the Orders function's scheduled actions (`functions.orders.operator_actions`
imports this module on the first action: it needs the ORM session, requests do not)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from functions.orders import repository
from functions.orders.idempotency import KEY_LIFETIME
from shared.db.access import OPERATIONS
from shared.db.transaction import transaction
from shared.events import drain_outbox, outbox_backlog, retry_given_up
from shared.observability.log import logger
from shared.observability.metrics import emit_metrics
from shared.runtime.deadline import deadline_of
from shared.runtime.operator_actions import ActionFailed

# Room before the timeout for the last round (one PutEvents client timeout) and the summary.
DRAIN_MARGIN_SECONDS = 4.0


async def drain(context: Any) -> dict[str, Any]:
    """Publishes what is left, reports the backlog as metrics, and fails the invocation when an
    event could not be published, so the job's alarms see an outage or a refused event."""
    summary = await drain_outbox(deadline=deadline_of(context, margin_seconds=DRAIN_MARGIN_SECONDS))
    backlog = await outbox_backlog()
    emit_metrics(
        {
            "OutboxEventsSent": summary.sent,
            "OutboxEventsFailed": summary.failed,
            "OutboxEventsPending": backlog.pending,
            "OutboxOldestPendingAge": backlog.oldest_pending_age_seconds,
            "OutboxEventsGivenUp": backlog.given_up,
        },
        units={"OutboxOldestPendingAge": "Seconds"},
    )
    result = {"ok": True, **asdict(summary), **asdict(backlog)}
    logger.info("outbox backlog", **asdict(backlog))
    if summary.failed:
        raise ActionFailed(
            "OUTBOX_PUBLISH_FAILED",
            f"{summary.failed} of {summary.selected} events could not be published; their "
            "last_error in outbox_events says why, and the next run retries them",
        )
    return result


async def redrive_outbox() -> dict[str, Any]:
    retried = await retry_given_up()
    logger.info("outbox redriven", retried=retried)
    return {"ok": True, "retried": retried}


async def purge_expired_idempotency_keys() -> dict[str, Any]:
    cutoff = datetime.now(UTC) - KEY_LIFETIME
    async with transaction(OPERATIONS) as session:
        deleted = await repository.delete_idempotency_keys_before(session, cutoff=cutoff)
    logger.info("expired idempotency keys purged", deleted=deleted)
    return {"ok": True, "deleted": deleted}
