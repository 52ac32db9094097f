"""Direct SQL on the test's database, to set up states no route creates and to look behind them."""

from __future__ import annotations

from typing import Any

import asyncpg

from tests.support.databases import fetch, run


def sql(database_url: str, statement: str, *args: Any) -> list[asyncpg.Record]:
    return run(fetch(database_url, statement, *args))
