"""A SnapStart lifecycle in one process, as Lambda runs it: init (import, one request), the
runtime's before-snapshot hooks, then restores, each a fork of the snapshotted process (a
restore is a copy of its memory) running the after-restore hooks and serving a request.

    python -m tests.support.snapstart_probe DATABASE_URL BOOK_ID

prints one JSON object with what each step left behind.
"""

from __future__ import annotations

import json
import os
import random
import sys
import time
from typing import Any

RESTORES = 2


def server_pids(database_url: str) -> list[str]:
    """The application's connections to the database (behind a pooler, the pooler's clients)."""
    from tests.support.databases import bookstore_sessions

    return sorted(session.key for session in bookstore_sessions(database_url))


def restore(database_url: str, book_id: str) -> dict[str, Any]:
    import snapshot_restore_py

    from bookstore.events import http_api_event
    from bookstore.lambda_context import LocalLambdaContext
    from functions.books.app import handler

    started = time.perf_counter()
    for hook, args, kwargs in snapshot_restore_py.get_after_restore():
        hook(*args, **kwargs)
    seconds = time.perf_counter() - started
    draws = [random.random() for _ in range(4)]
    response = handler(http_api_event("GET", f"/books/{book_id}"), LocalLambdaContext())
    return {
        "after_restore_seconds": seconds,
        "draws": draws,
        "status": response["statusCode"],
        "server_pids": server_pids(database_url),
    }


def in_a_fork(database_url: str, book_id: str) -> dict[str, Any]:
    reading, writing = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(reading)
        with os.fdopen(writing, "w") as out:
            out.write(json.dumps(restore(database_url, book_id)))
        os._exit(0)
    os.close(writing)
    with os.fdopen(reading) as answer:
        result: dict[str, Any] = json.loads(answer.read())
    os.waitpid(pid, 0)
    return result


def main(database_url: str, book_id: str) -> dict[str, Any]:
    os.environ["DATABASE_URL"] = database_url
    import snapshot_restore_py

    from bookstore.events import http_api_event
    from bookstore.lambda_context import LocalLambdaContext
    from functions.books.app import handler
    from shared.db.engine import get_engine
    from shared.runtime.warmup import pending

    handler(http_api_event("GET", f"/books/{book_id}"), LocalLambdaContext())
    during_init = server_pids(database_url)
    before_hooks = {
        "orm": "sqlalchemy.orm" in sys.modules,
        "pending": pending("module"),
        "unbuilt_pages": pending("page"),
    }
    hooks = snapshot_restore_py.get_before_snapshot()
    registered = len(hooks)
    started = time.perf_counter()
    while hooks:  # the runtime's order: the last registered runs first
        hook, args, kwargs = hooks.pop()
        hook(*args, **kwargs)
    before_seconds = time.perf_counter() - started
    pool = get_engine().pool
    snapshot = {
        "before_snapshot_hooks": registered,
        "before_snapshot_seconds": before_seconds,
        "pool_connections": pool.checkedin() + pool.checkedout(),  # type: ignore[attr-defined]
        "server_pids_during_init": during_init,
        "server_pids_at_snapshot": server_pids(database_url),
        "loaded_before_hooks": before_hooks,
        "loaded_at_snapshot": {
            "orm": "sqlalchemy.orm" in sys.modules,
            "pending": pending("module"),
            "unbuilt_pages": pending("page"),
            "anything_left": pending(),
        },
    }
    return {**snapshot, "restores": [in_a_fork(database_url, book_id) for _ in range(RESTORES)]}


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], sys.argv[2])))
