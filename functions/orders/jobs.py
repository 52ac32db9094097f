"""The work of the Orders function's scheduled actions (`functions.orders.operator_actions`
imports this module on the first action: it needs the ORM session, requests do not)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from functions.orders import repository
from functions.orders.idempotency import KEY_LIFETIME
from shared.db.transaction import transaction
from shared.events.publisher import drain_outbox
from shared.observability.log import logger


async def drain() -> dict[str, Any]:
    summary = await drain_outbox()
    return {"ok": True, **asdict(summary)}


async def purge_expired_idempotency_keys() -> dict[str, Any]:
    cutoff = datetime.now(UTC) - KEY_LIFETIME
    async with transaction() as session:
        deleted = await repository.delete_idempotency_keys_before(session, cutoff=cutoff)
    logger.info("expired idempotency keys purged", deleted=deleted)
    return {"ok": True, "deleted": deleted}
