"""Requests made from a separate process, the way a second Lambda environment would make them.

A spawned process re-imports the handler, with a new engine on this test's database.
"""

from __future__ import annotations

import os


def add(database_url: str, token: str, book_id: str) -> tuple[int, str]:
    """PUT /wishlist/{book_id}: its status and body."""
    os.environ["DATABASE_URL"] = database_url
    from functions.wishlist.app import handler
    from shared.db.engine import dispose_engine
    from shared.settings import get_settings
    from tests.support.databases import run
    from tests.support.lambda_client import LambdaClient

    run(dispose_engine())
    get_settings.cache_clear()
    response = LambdaClient(handler).put(f"/wishlist/{book_id}", token=token)
    return response.status_code, response.body
