"""Work run in a separate process, the way a second Lambda environment would run it."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any


def upgrade_in_fresh_process(database_url: str, scripts: Path | None = None) -> dict[str, Any]:
    os.environ["DATABASE_URL"] = database_url
    from functions.migrations import runner

    if scripts is None:
        return runner.run("upgrade").as_dict()
    return runner.run("upgrade", scripts=scripts).as_dict()


def serve_book_requests(database_url: str, pool_size: int, book_id: str, count: int) -> list[int]:
    """A warm environment serving `count` requests one after another, as Lambda feeds it: the
    statuses. Its engine is new (the test database may have been reset since the last task)."""
    os.environ["DATABASE_URL"] = database_url
    os.environ["DB_POOL_SIZE"] = str(pool_size)
    from functions.books.app import handler
    from shared.db.engine import dispose_engine
    from shared.settings import get_settings
    from tests.support.databases import run
    from tests.support.lambda_client import LambdaClient

    run(dispose_engine())
    get_settings.cache_clear()
    client = LambdaClient(handler)
    requests: list[tuple[str, dict[str, str]]] = [
        (f"/books/{book_id}", {}),
        ("/books", {"limit": "5"}),
        ("/books", {"q": "book"}),
    ]
    return [
        client.get(path, query=query).status_code
        for path, query in (requests[i % len(requests)] for i in range(count))
    ]
