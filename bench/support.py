"""What every benchmark script shares: where its scratch database goes, the process's event loop,
an administrative statement, and percentiles."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

import asyncpg

from bookstore.dsn import asyncpg_dsn
from shared.runtime.handler import run_on_process_loop

# On the process loop, the one the handlers and their pooled connections use.
run = run_on_process_loop

DEFAULT_SERVER_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


def server_url() -> str:
    """The server the scratch database is made on: BENCH_DATABASE_URL, else TEST_DATABASE_URL,
    else the machine's PostgreSQL on loopback."""
    for name in ("BENCH_DATABASE_URL", "TEST_DATABASE_URL"):
        if os.environ.get(name):
            return os.environ[name]
    return DEFAULT_SERVER_URL


async def admin(url: str, statement: str) -> None:
    """`statement` on the server's `postgres` database (CREATE/DROP DATABASE)."""
    connection = await asyncpg.connect(asyncpg_dsn(url, "postgres"))
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


@contextlib.contextmanager
def scratch_database(prefix: str, *, keep: bool = False) -> Iterator[str]:
    """A new database on `server_url()`, migrated to head, that this process uses for the block
    (DATABASE_URL, settings read again): its URL. Dropped afterwards unless `keep`."""
    from functions.migrations import runner
    from shared.db.engine import dispose_engine
    from shared.settings import get_settings

    server = server_url()
    name = f"{prefix}_{os.getpid()}"
    run(admin(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    run(admin(server, f'CREATE DATABASE "{name}"'))
    url = asyncpg_dsn(server, name)
    os.environ["DATABASE_URL"] = url  # worker processes inherit it
    get_settings.cache_clear()
    try:
        runner.run("upgrade")
        yield url
    finally:
        run(dispose_engine())
        if not keep:
            run(admin(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]
