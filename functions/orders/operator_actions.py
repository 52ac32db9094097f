"""Scheduled invocations of the Orders function (see `shared.operator_actions`).

- `{"action": "drain-outbox"}` (every few minutes): publishes the domain events whose publish
  after commit failed or never ran (a crash between commit and publish), so none is lost.
- `{"action": "purge-expired-idempotency-keys"}` (daily): forgets checkout keys older than their
  24-hour lifetime.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from functions.orders import repository
from functions.orders.idempotency import KEY_LIFETIME
from shared.db.transaction import transaction
from shared.events.publisher import drain_outbox
from shared.observability import logger
from shared.operator_actions import Action

DRAIN_OUTBOX = "drain-outbox"
PURGE_EXPIRED_IDEMPOTENCY_KEYS = "purge-expired-idempotency-keys"


async def drain(event: dict[str, Any], context: Any) -> dict[str, Any]:
    summary = await drain_outbox()
    return {"ok": True, **asdict(summary)}


async def purge_expired_idempotency_keys(event: dict[str, Any], context: Any) -> dict[str, Any]:
    cutoff = datetime.now(UTC) - KEY_LIFETIME
    async with transaction() as session:
        deleted = await repository.delete_idempotency_keys_before(session, cutoff=cutoff)
    logger.info("expired idempotency keys purged", deleted=deleted)
    return {"ok": True, "deleted": deleted}


ACTIONS: dict[str, Action] = {
    DRAIN_OUTBOX: drain,
    PURGE_EXPIRED_IDEMPOTENCY_KEYS: purge_expired_idempotency_keys,
}
