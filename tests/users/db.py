"""Direct SQL on the test's database, to set up states no route creates and to look behind them."""

from __future__ import annotations

from typing import Any

import asyncpg

from tests.support.databases import asyncpg_dsn, run


def sql(database_url: str, statement: str, *args: Any) -> list[asyncpg.Record]:
    async def go() -> list[asyncpg.Record]:
        connection = await asyncpg.connect(asyncpg_dsn(database_url))
        try:
            return await connection.fetch(statement, *args)
        finally:
            await connection.close()

    return run(go())


class RowLock:
    """Holds `SELECT … FOR UPDATE` on rows in an open transaction until `release()`."""

    def __init__(self, database_url: str, query: str, *args: Any) -> None:
        self._connection: asyncpg.Connection = run(asyncpg.connect(asyncpg_dsn(database_url)))
        self._transaction = self._connection.transaction()
        run(self._transaction.start())
        run(self._connection.fetch(f"{query} FOR UPDATE", *args))

    def release(self) -> None:
        if not self._connection.is_closed():
            run(self._transaction.rollback())
            run(self._connection.close())


def lock_waiters(database_url: str, database: str) -> int:
    """How many other sessions of `database` are waiting for a lock."""
    rows = sql(
        database_url,
        "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'",
        database,
    )
    return int(rows[0]["n"])
