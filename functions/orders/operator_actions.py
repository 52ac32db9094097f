"""Scheduled invocations of the Orders function (see `shared.runtime.operator_actions`).

- `{"action": "drain-outbox"}` (every few minutes): publishes the domain events whose publish
  after commit failed or never ran (a crash between commit and publish), so none is lost.
- `{"action": "purge-expired-idempotency-keys"}` (daily): forgets checkout keys older than their
  24-hour lifetime.
- `{"action": "redrive-outbox"}` (an operator, once the cause is fixed): makes the events the
  drain gave up on (refused `OUTBOX_MAX_ATTEMPTS` times) pending again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from shared.runtime.lazy import lazy_import
from shared.runtime.operator_actions import Action

if TYPE_CHECKING:
    from functions.orders import jobs
else:
    # Their work needs the ORM session: imported by the first action, not at start-up.
    jobs = lazy_import("functions.orders.jobs")

DRAIN_OUTBOX = "drain-outbox"
PURGE_EXPIRED_IDEMPOTENCY_KEYS = "purge-expired-idempotency-keys"
REDRIVE_OUTBOX = "redrive-outbox"


async def drain(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return await jobs.drain(context)


async def purge_expired_idempotency_keys(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return await jobs.purge_expired_idempotency_keys()


async def redrive_outbox(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return await jobs.redrive_outbox()


ACTIONS: dict[str, Action] = {
    DRAIN_OUTBOX: drain,
    PURGE_EXPIRED_IDEMPOTENCY_KEYS: purge_expired_idempotency_keys,
    REDRIVE_OUTBOX: redrive_outbox,
}
