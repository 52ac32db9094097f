"""What the outbox tests need around a real database and a moto EventBridge: a bus whose deliveries
can be read back, a spy on the client's `PutEvents` that can also make AWS fail, and the rows."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from shared.db.access import OPERATIONS
from shared.db.transaction import AfterCommit, after_commit, transaction
from shared.domain.outbox import record_event
from tests.support.databases import fetch, run

ORDER_PLACED = "OrderPlaced"


def commit_events(
    count: int, *, before: AfterCommit | None = None, detail: Mapping[str, Any] | None = None
) -> list[uuid.UUID]:
    """Records `count` events in one business transaction, which commits; answers their ids.

    `before` is an after-commit callback registered ahead of the outbox's own publish."""

    async def work() -> list[uuid.UUID]:
        async with transaction(OPERATIONS) as session:
            if before is not None:
                after_commit(session, before)
            return [
                await record_event(
                    session, event_type=ORDER_PLACED, detail={"n": n, **(detail or {})}
                )
                for n in range(count)
            ]

    return run(work())


def outbox_rows(database_url: str) -> list[dict[str, Any]]:
    rows = run(fetch(database_url, "SELECT * FROM outbox_events ORDER BY id"))
    return [{**dict(row), "payload": json.loads(row["payload"])} for row in rows]


def published(database_url: str) -> dict[uuid.UUID, bool]:
    return {row["id"]: row["published_at"] is not None for row in outbox_rows(database_url)}


def committed_ids(database_url: str) -> set[str]:
    """Ids another connection sees committed, asked from a thread of its own: the caller may be
    running on the process loop, in the middle of a publish."""

    def look() -> list[Any]:
        return asyncio.run(fetch(database_url, "SELECT id FROM outbox_events"))

    with ThreadPoolExecutor(max_workers=1) as pool:
        return {str(row["id"]) for row in pool.submit(look).result(timeout=30)}
