"""Which database the commands use: DATABASE_URL when configured, else the embedded dev server."""

from __future__ import annotations

import os
from collections.abc import Coroutine
from typing import Any

from bookstore import embedded_postgres
from shared.settings import get_settings

DEV_DATABASE = "bookstore"


def configured_database_url(*, start_embedded: bool = True) -> str:
    """The URL the commands (and the functions they call) will use; sets DATABASE_URL for them."""
    url = os.environ.get("DATABASE_URL")
    if url:
        return url
    if not start_embedded:
        raise SystemExit("DATABASE_URL is not set")
    server_url = embedded_postgres.start()
    url = embedded_postgres.ensure_database(server_url, DEV_DATABASE)
    os.environ["DATABASE_URL"] = url
    # Whatever read the settings before (the command's own options, say) cached them without a
    # database: from here on, the process and the functions it runs see this one.
    get_settings.cache_clear()
    return url


def run_on_database[T](work: Coroutine[Any, Any, T]) -> T:
    """Runs a command's database work on the process's event loop (the one the shared engine's
    connections are bound to), then closes those connections: a command ends, a Lambda does not."""
    from shared.db.engine import dispose_engine
    from shared.runtime.handler import process_event_loop

    loop = process_event_loop()
    try:
        return loop.run_until_complete(work)
    finally:
        loop.run_until_complete(dispose_engine())


class DatabaseUnavailableError(Exception):
    """The configured database could not be reached; `bookstore` reports it in one line."""


def without_password(url: str) -> str:
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "<unparseable DATABASE_URL>"


def is_unreachable(error: BaseException) -> bool:
    """Whether `error`, or an error it was raised from, says the database cannot be reached."""
    from shared.db.faults import driver_failure_reason, error_chain

    # Every error here came from talking to the database, so a bare OSError is about it too.
    return any(isinstance(link, DatabaseUnavailableError) for link in error_chain(error)) or (
        driver_failure_reason(error) is not None
    )


def unreachable_message(error: BaseException) -> str:
    url = os.environ.get("DATABASE_URL")
    where = f"at {without_password(url)}" if url else "(DATABASE_URL is not set)"
    reason = _root_reason(error)
    return (
        f"cannot reach the database {where}{f' ({reason})' if reason else ''}: "
        "check that PostgreSQL is running and that DATABASE_URL names the right host, port and "
        "database"
    )


def _root_reason(error: BaseException) -> str:
    from shared.db.faults import error_chain

    # The innermost error is the driver's or the socket's: the shortest true account.
    innermost = error_chain(error)[-1]
    text = (
        innermost.strerror
        if isinstance(innermost, OSError) and innermost.strerror
        else str(innermost)
    )
    return " ".join(text.split())[:200]
