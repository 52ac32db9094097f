"""One engine per process, created on first use.

A Lambda execution environment serves one request at a time and may be frozen for minutes between
requests, so the pool is small, never overflows, and a connection that sat idle past a threshold is
re-validated at checkout instead of pinging before every request.
"""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import event, exc
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import ConnectionPoolEntry, PoolProxiedConnection

from shared.db.url import resolve_database_url
from shared.settings import Settings, get_settings

_IDLE_SINCE = "bookstore_idle_since"

_engine: AsyncEngine | None = None
_sessionmaker: async_sessionmaker[AsyncSession] | None = None
_autocommit_sessionmaker: async_sessionmaker[AsyncSession] | None = None


def connect_args(settings: Settings) -> dict[str, Any]:
    args: dict[str, Any] = {
        "timeout": settings.db_connect_timeout,
        "command_timeout": settings.db_command_timeout,
        "server_settings": {"application_name": "bookstore"},
    }
    if settings.db_sslmode != "prefer":
        args["ssl"] = settings.db_sslmode if settings.db_sslmode != "disable" else False
    if settings.db_proxy_mode:
        # Transaction-mode poolers hand each transaction to any server connection: a statement
        # prepared on one is missing (or different) on the next. Both caches must be off.
        args["statement_cache_size"] = 0
        args["prepared_statement_cache_size"] = 0
    return args


def create_engine(settings: Settings) -> AsyncEngine:
    engine = create_async_engine(
        resolve_database_url(settings),
        pool_size=settings.db_pool_size,
        max_overflow=0,
        pool_timeout=settings.db_pool_timeout,
        pool_pre_ping=False,
        connect_args=connect_args(settings),
    )
    _revalidate_idle_connections(engine, settings.db_idle_revalidate_seconds)
    return engine


def _revalidate_idle_connections(engine: AsyncEngine, idle_seconds: float) -> None:
    pool = engine.sync_engine.pool
    dialect = engine.sync_engine.dialect

    @event.listens_for(pool, "checkin")
    def _mark_idle(dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
        record.info[_IDLE_SINCE] = time.monotonic()

    @event.listens_for(pool, "checkout")
    def _ping_if_idle_too_long(
        dbapi_connection: Any, record: ConnectionPoolEntry, proxy: PoolProxiedConnection
    ) -> None:
        idle_since = record.info.get(_IDLE_SINCE)
        if idle_since is None or time.monotonic() - idle_since < idle_seconds:
            return
        try:
            dialect.do_ping(dbapi_connection)
        except Exception as error:
            # The pool discards this connection and checks out a fresh one.
            raise exc.DisconnectionError("idle connection is gone") from error


def get_engine() -> AsyncEngine:
    global _engine
    if _engine is None:
        _engine = create_engine(get_settings())
    return _engine


def get_sessionmaker() -> async_sessionmaker[AsyncSession]:
    global _sessionmaker
    if _sessionmaker is None:
        _sessionmaker = async_sessionmaker(get_engine(), expire_on_commit=False)
    return _sessionmaker


def get_autocommit_sessionmaker() -> async_sessionmaker[AsyncSession]:
    """Sessions whose statements each commit on their own: no BEGIN and COMMIT round trips.

    Same pool as `get_sessionmaker()`; the isolation level is a flag on the driver connection,
    set at checkout and reset at checkin without a round trip.
    """
    global _autocommit_sessionmaker
    if _autocommit_sessionmaker is None:
        autocommit = get_engine().execution_options(isolation_level="AUTOCOMMIT")
        _autocommit_sessionmaker = async_sessionmaker(autocommit, expire_on_commit=False)
    return _autocommit_sessionmaker


async def dispose_engine() -> None:
    """Close every pooled connection and forget the engine (tests, and settings changes)."""
    global _engine, _sessionmaker, _autocommit_sessionmaker
    if _engine is not None:
        await _engine.dispose()
    _engine = None
    _sessionmaker = None
    _autocommit_sessionmaker = None
