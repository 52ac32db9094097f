"""One engine per process, created on first use.

A Lambda execution environment serves one request at a time and may be frozen for minutes between
requests, so the pool is small, never overflows, and a connection that sat idle past a threshold is
re-validated at checkout instead of pinging before every request.
"""

from __future__ import annotations

import time
from typing import Any

import asyncpg
from sqlalchemy import event, exc
from sqlalchemy.engine import Dialect, ExceptionContext
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import ConnectionPoolEntry, PoolProxiedConnection

from shared.db.availability import error_chain, is_authentication_failure
from shared.db.url import Credentials, resolve_database_url, secret_credentials
from shared.observability import logger
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
        # An error's message otherwise quotes the values bound to its statement: emails, password
        # hashes, token digests. The statement itself is still there to debug with.
        hide_parameters=True,
        connect_args=connect_args(settings),
    )
    _revalidate_idle_connections(engine, settings.db_idle_revalidate_seconds)
    _drop_row_values_from_errors(engine)
    if secret_credentials(settings) is not None:
        _connect_with_current_secret(engine, settings)
    return engine


def _connect_with_current_secret(engine: AsyncEngine, settings: Settings) -> None:
    """Each new connection logs in with the secret as it is now (cached for minutes), so a rotated
    password reaches a warm environment without a new engine. Refused credentials are re-read
    from Secrets Manager once, at once, and the connection tried again."""

    @event.listens_for(engine.sync_engine, "do_connect")
    def _connect(
        dialect: Dialect, record: ConnectionPoolEntry, cargs: list[Any], cparams: dict[str, Any]
    ) -> Any:
        credentials = secret_credentials(settings)
        try:
            return _connect_as(dialect, cargs, cparams, credentials)
        except Exception as error:
            if not is_authentication_failure(error):
                raise
        logger.warning("database credentials refused; reading the secret again")
        return _connect_as(dialect, cargs, cparams, secret_credentials(settings, force_fetch=True))


def _connect_as(
    dialect: Dialect, cargs: list[Any], cparams: dict[str, Any], credentials: Credentials | None
) -> Any:
    if credentials is None:
        return dialect.connect(*cargs, **cparams)
    # A copy: `cparams` is shared by every connection the pool will make.
    params = {**cparams, "user": credentials.username, "password": credentials.password}
    return dialect.connect(*cargs, **params)


def _drop_row_values_from_errors(engine: AsyncEngine) -> None:
    """PostgreSQL's DETAIL quotes row values ("Failing row contains (...)", "Key (email)=(...)");
    the driver's error prints it, and a logged traceback prints the driver's error."""

    @event.listens_for(engine.sync_engine, "handle_error")
    def _drop_detail(context: ExceptionContext) -> None:
        for link in error_chain(context.original_exception):
            if isinstance(link, asyncpg.PostgresError):
                link.detail = None


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
