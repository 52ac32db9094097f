"""The release job and prebook requests run in separate processes, as separate Lambda
environments would run them."""

from __future__ import annotations

import os
from typing import Any


def _fresh_environment(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    from shared.db.engine import dispose_engine
    from shared.settings import get_settings
    from tests.support.databases import run

    run(dispose_engine())
    get_settings.cache_clear()


def release(database_url: str) -> dict[str, Any]:
    _fresh_environment(database_url)
    from tests.prebooks.helpers import release_job

    return release_job()


def release_then_die_after_the_first_prebook(database_url: str) -> None:
    """The release job in batches of one, dying right after its first batch committed (a crash,
    a timeout)."""
    _fresh_environment(database_url)
    from functions.prebooks import release as release_module
    from tests.prebooks.helpers import release_job

    real_release_next = release_module.release_next

    async def release_next_then_die(**kwargs: Any) -> tuple[release_module.Outcome, int]:
        outcome, count = await real_release_next(**kwargs)
        if outcome is release_module.Outcome.FULFILLED:
            os._exit(1)
        return outcome, count

    release_module.BATCH = 1
    release_module.release_next = release_next_then_die
    release_job()
    raise AssertionError("the process should have died after the first prebook")


def prebook(database_url: str, token: str, book_id: str) -> int:
    _fresh_environment(database_url)
    from functions.prebooks.app import handler
    from tests.support.lambda_client import LambdaClient

    response = LambdaClient(handler).post(
        "/prebooks", json_body={"book_id": book_id, "quantity": 1}, token=token
    )
    return response.status_code
