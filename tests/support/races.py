"""Racing requests from separate processes (separate Lambda environments), made to overlap: the
test holds a row lock that every racer needs, waits until they all queue behind it, and then lets
them go at once. Without the lock, a racer that starts late would simply run after the others.

Registered as a pytest plugin by tests/conftest.py: any test may ask for `process_pool`.
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable, Iterator
from multiprocessing.pool import Pool
from typing import Any

import asyncpg
import pytest

from tests.support.databases import connect, fetch, run

PATIENCE_SECONDS = 90
POOL_PROCESSES = 4


@pytest.fixture(scope="session")
def process_pool() -> Iterator[Pool]:
    """Warm environments shared by every race of the run: each imports what its tasks need once.
    A task must begin by pointing itself at its test's database with a new engine (the database
    is reset between tests, its connections ended)."""
    with multiprocessing.get_context("spawn").Pool(POOL_PROCESSES) as pool:
        yield pool


class OpenTransaction:
    """A transaction on its own connection, left open (holding its locks) until it ends."""

    def __init__(self, database_url: str) -> None:
        self._connection: asyncpg.Connection = run(connect(database_url))
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


def lock_waiters(database_url: str) -> int:
    """How many sessions of the URL's database are waiting for a lock."""
    rows = run(
        fetch(
            database_url,
            "SELECT count(*) AS n FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'",
        )
    )
    return int(rows[0]["n"])


def wait_until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + PATIENCE_SECONDS
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.05)


def race[T](
    database_url: str,
    *,
    hold: tuple[str, Any],
    start: Callable[[], list[Any]],
    waiters: int,
    meanwhile: Callable[[], None] | None = None,
) -> list[T]:
    """Holds the lock `hold` takes (a `SELECT ... FOR UPDATE` and its argument), calls `start`
    (which launches the racers and answers their AsyncResults), waits until `waiters` sessions
    queue on a lock, runs `meanwhile` if given, releases the lock, and answers every result."""
    held = OpenTransaction(database_url)
    held.execute(*hold)
    try:
        pending = start()
        wait_until(
            lambda: lock_waiters(database_url) >= waiters,
            "the racing requests never queued on the lock",
        )
        if meanwhile is not None:
            meanwhile()
    finally:
        held.rollback()
    return [result.get(timeout=PATIENCE_SECONDS) for result in pending]
