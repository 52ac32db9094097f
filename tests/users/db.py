"""Direct SQL on the test's database, to set up states no route creates and to look behind them."""

from __future__ import annotations

from typing import Any

import asyncpg

from bookstore.dsn import asyncpg_dsn
from tests.support.databases import fetch, run


def sql(database_url: str, statement: str, *args: Any) -> list[asyncpg.Record]:
    return run(fetch(database_url, statement, *args))


class OpenTransaction:
    """A transaction on its own connection, left open (holding its locks) until it ends."""

    def __init__(self, database_url: str) -> None:
        self._connection: asyncpg.Connection = run(asyncpg.connect(asyncpg_dsn(database_url)))
        self._transaction = self._connection.transaction()
        run(self._transaction.start())

    def execute(self, statement: str, *args: Any) -> list[asyncpg.Record]:
        rows: list[asyncpg.Record] = run(self._connection.fetch(statement, *args))
        return rows

    def commit(self) -> None:
        self._end(self._transaction.commit)

    def rollback(self) -> None:
        self._end(self._transaction.rollback)

    def _end(self, how: Any) -> None:
        if not self._connection.is_closed():
            run(how())
            run(self._connection.close())


def lock_waiters(database_url: str, database: str) -> int:
    """How many other sessions of `database` are waiting for a lock."""
    rows = sql(
        database_url,
        "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'",
        database,
    )
    return int(rows[0]["n"])
