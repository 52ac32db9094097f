"""Work run in separate processes, as concurrent Lambda environments would run it."""

from __future__ import annotations

import os
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tests.support.lambda_client import LambdaClient


def _client(database_url: str) -> LambdaClient:
    os.environ["DATABASE_URL"] = database_url
    from functions.books.app import handler
    from tests.support.lambda_client import LambdaClient

    return LambdaClient(handler)


def _admin_token() -> str:
    from shared.auth.tokens import create_access_token
    from shared.db.ids import new_id

    return create_access_token(new_id(), "admin")[0]


def patch_one_field(
    database_url: str,
    book_id: str,
    changes: list[dict[str, Any]],
    barrier: Barrier,
    results: Queue[list[int]],
) -> None:
    """Sends each change as its own PATCH, starting together with the other worker."""
    client, token = _client(database_url), _admin_token()
    barrier.wait()
    statuses = [
        client.patch(f"/books/{book_id}", json_body=change, token=token).status_code
        for change in changes
    ]
    results.put(statuses)


def create_each(
    database_url: str, bodies: list[dict[str, Any]], barrier: Barrier, results: Queue[list[int]]
) -> None:
    """POSTs each body in step with the other worker (one barrier per body)."""
    client, token = _client(database_url), _admin_token()
    statuses: list[int] = []
    for body in bodies:
        barrier.wait()
        statuses.append(client.post("/books", json_body=body, token=token).status_code)
    results.put(statuses)
