"""Checkouts sent from separate processes, as separate Lambda environments would send them.

A pool process keeps its imported handler between tasks (a warm environment), but each task
starts with a new engine: the test database may have been reset since, its connections ended.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tests.support.lambda_client import LambdaClient


def _client() -> LambdaClient:
    from functions.orders.app import handler
    from shared.db.engine import dispose_engine
    from shared.settings import get_settings
    from tests.support.databases import run
    from tests.support.lambda_client import LambdaClient

    run(dispose_engine())
    get_settings.cache_clear()
    return LambdaClient(handler)


def checkout_each(database_url: str, tokens: list[str], key: str | None) -> list[tuple[int, bool]]:
    """POST /orders with each token in turn: (status, replayed) of each."""
    os.environ["DATABASE_URL"] = database_url
    client = _client()
    headers = {"idempotency-key": key} if key is not None else None
    answers = []
    for token in tokens:
        response = client.post("/orders", token=token, headers=headers)
        answers.append(
            (response.status_code, response.headers.get("idempotency-replayed") == "true")
        )
    return answers


def cancel(database_url: str, token: str, order_id: str) -> int:
    os.environ["DATABASE_URL"] = database_url
    return _client().post(f"/orders/{order_id}/cancel", token=token).status_code


def checkout_then_die_before_publishing(database_url: str, token: str, bus_name: str) -> None:
    """POST /orders with a bus configured, the process dying once the order has committed and
    before its events are published (a crash, a timeout, a frozen environment never thawed)."""
    os.environ["DATABASE_URL"] = database_url
    os.environ["EVENT_BUS_NAME"] = bus_name
    # Nothing listens there: had a publish been attempted, it would have left its mark on the row.
    os.environ["AWS_ENDPOINT_URL_EVENTBRIDGE"] = "http://127.0.0.1:9"
    from shared.domain import outbox

    async def die(**kwargs: object) -> None:
        os._exit(1)

    outbox.publish_pending = die  # type: ignore[attr-defined, assignment]
    _client().post("/orders", token=token)
    raise AssertionError("the process should have died after the commit")
