"""Test databases: one migrated template per run, one copy of it per test."""

from __future__ import annotations

import itertools
import os
from collections.abc import Coroutine
from typing import Any

import asyncpg
import pytest

from bookstore.dsn import asyncpg_dsn
from shared.db.engine import dispose_engine
from shared.lambda_handler import process_event_loop
from shared.settings import get_settings

_counter = itertools.count()


def run[T](coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine on the process loop, the one the handlers and the engine use."""
    return process_event_loop().run_until_complete(coroutine)


def unique_name(prefix: str) -> str:
    return f"{prefix}_{os.getpid()}_{next(_counter)}"


async def execute(server_url: str, *statements: str, database: str = "postgres") -> None:
    connection = await asyncpg.connect(asyncpg_dsn(server_url, database))
    try:
        for statement in statements:
            await connection.execute(statement)
    finally:
        await connection.close()


async def fetch(
    url: str, query: str, *args: Any, database: str | None = None
) -> list[asyncpg.Record]:
    """Rows of `query` on the database of `url` (or on `database` of the same server)."""
    connection = await asyncpg.connect(asyncpg_dsn(url, database))
    try:
        rows: list[asyncpg.Record] = await connection.fetch(query, *args)
        return rows
    finally:
        await connection.close()


def create_database(server_url: str, name: str, template: str | None = None) -> None:
    suffix = f' TEMPLATE "{template}"' if template else ""
    run(execute(server_url, f'CREATE DATABASE "{name}"{suffix}'))


def drop_database(server_url: str, name: str) -> None:
    run(execute(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def point_settings_at(database_url: str | None, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the process use another database, as a fresh Lambda environment would."""
    run(dispose_engine())
    if database_url is None:
        monkeypatch.delenv("DATABASE_URL", raising=False)
    else:
        monkeypatch.setenv("DATABASE_URL", database_url)
    get_settings.cache_clear()
