"""One engine per process, created on first use, with SQLAlchemy Core only.

The engine is a Core `Engine` over the asyncpg dialect: sessionless reads (`shared.db.compiled`) borrow
its pooled connections without importing the ORM, which costs cold-start time (bench/RESULTS.md). The ORM's `AsyncEngine` and sessions wrap this same engine, and its pool, on first use
(`shared.db.transaction`).

A Lambda execution environment serves one request at a time and may be frozen for minutes between
requests, so the pool is small, never overflows, and a connection is checked at checkout (for free,
and with a ping only after it sat idle past a threshold) instead of pinging before every request.
"""

from __future__ import annotations

import select
import time
import weakref
from typing import Any

import asyncpg
import sqlalchemy
from sqlalchemy import event, exc
from sqlalchemy.engine import Dialect, Engine, ExceptionContext
from sqlalchemy.pool import ConnectionPoolEntry, PoolProxiedConnection
from sqlalchemy.util import await_, greenlet_spawn
from sqlalchemy.util.concurrency import in_greenlet

from shared.db.faults import (
    DatabaseUnavailableError,
    connect_failure_reason,
    driver_failure_reason,
    error_chain,
    forget_row_values,
    is_refused_login,
)
from shared.db.tls import ssl_argument
from shared.db.url import Credentials, resolve_database_url, secret_credentials
from shared.observability.log import logger
from shared.runtime.deadline import within_budget
from shared.settings import Settings, get_settings

_IDLE_SINCE = "bookstore_idle_since"

_engine: Engine | None = None


def connect_args(settings: Settings) -> dict[str, Any]:
    args: dict[str, Any] = {
        "timeout": settings.db_connect_timeout,
        "command_timeout": settings.db_command_timeout,
        "server_settings": {"application_name": "bookstore"},
    }
    ssl = ssl_argument(settings.db_sslmode, settings.db_sslrootcert)
    if ssl is not None:
        args["ssl"] = ssl
    if settings.db_proxy_mode:
        # Transaction-mode poolers hand each transaction to any server connection: a statement
        # prepared on one is missing (or different) on the next. Both caches must be off.
        args["statement_cache_size"] = 0
        args["prepared_statement_cache_size"] = 0
    return args


def create_engine(settings: Settings) -> Engine:
    # The asyncpg dialect is asynchronous whichever factory builds the engine: its pool awaits the
    # driver inside SQLAlchemy's greenlet bridge, as an `AsyncEngine`'s does.
    engine = sqlalchemy.create_engine(
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
    _connect_within_budget(engine, settings)
    _check_connections_at_checkout(engine, settings)
    _classify_statement_errors(engine)
    return engine


def _connect_within_budget(engine: Engine, settings: Settings) -> None:
    """Each connect waits no longer than the invocation has left, and a database that cannot
    serve the login (down, refusing it, read-only, full) raises `DatabaseUnavailableError`."""

    @event.listens_for(engine, "do_connect")
    def _connect(
        dialect: Dialect, record: ConnectionPoolEntry, cargs: list[Any], cparams: dict[str, Any]
    ) -> Any:
        if not in_greenlet():
            # A checkout tried without the greenlet bridge (`checkout_awaits_nothing`) must
            # connect after all: refused before the driver's coroutine exists, which would be
            # left never awaited, so that the caller retries through the bridge.
            raise exc.MissingGreenlet("connecting awaits the driver: check out through the bridge")
        try:
            return _log_in(dialect, cargs, cparams, settings)
        except Exception as error:
            reason = connect_failure_reason(error)
            if reason is None:
                raise
            raise DatabaseUnavailableError(reason) from error


def _log_in(dialect: Dialect, cargs: list[Any], cparams: dict[str, Any], settings: Settings) -> Any:
    """With the secret's credentials as they are now (cached for minutes), so a rotated password
    reaches a warm environment without a new engine; refused ones are re-read once, at once."""
    credentials = secret_credentials(settings)
    try:
        return _connect_as(dialect, cargs, cparams, credentials, settings)
    except Exception as error:
        if credentials is None or not is_refused_login(error):
            raise
    logger.warning("database credentials refused; reading the secret again")
    fresh = secret_credentials(settings, force_fetch=True)
    return _connect_as(dialect, cargs, cparams, fresh, settings)


def _connect_as(
    dialect: Dialect,
    cargs: list[Any],
    cparams: dict[str, Any],
    credentials: Credentials | None,
    settings: Settings,
) -> Any:
    timeout = within_budget(settings.db_connect_timeout)
    if timeout <= 0:
        raise DatabaseUnavailableError("no time left in this invocation to connect")
    # A copy: `cparams` is shared by every connection the pool will make.
    params = {**cparams, "timeout": timeout}
    if credentials is not None:
        params |= {"user": credentials.username, "password": credentials.password}
    return dialect.connect(*cargs, **params)


def _classify_statement_errors(engine: Engine) -> None:
    @event.listens_for(engine, "handle_error")
    def _classify(context: ExceptionContext) -> BaseException | None:
        original = context.original_exception
        forget_row_values(original)
        chain = error_chain(original)
        if any(isinstance(link, asyncpg.ReadOnlySQLTransactionError) for link in chain):
            # A failover in progress: the writer's address will soon name the new primary, which
            # only a new connection reaches. Drop this one, keep the pool.
            context.is_disconnect = True
            context.invalidate_pool_on_disconnect = False
        if isinstance(original, OSError | TimeoutError):
            # The driver's own timeout or socket error, which SQLAlchemy does not wrap. The server
            # may be hung: close the socket now (a polite close would wait on it) and never
            # hand this connection out again.
            _abort(context)
            context.is_disconnect = True
            context.invalidate_pool_on_disconnect = False
            reason = driver_failure_reason(original) or "the connection failed"
            return DatabaseUnavailableError(reason)
        return None


def _abort(context: ExceptionContext) -> None:
    connection = context.connection
    if connection is None or connection.invalidated:
        return
    driver = connection.connection.driver_connection
    if driver is not None:
        driver.terminate()


def _check_connections_at_checkout(engine: Engine, settings: Settings) -> None:
    """A connection is checked before a request's first statement, so a dead one is replaced
    invisibly rather than failing the request; nothing has run on it yet, so nothing can run twice.

    Free check, every time: did the server close it while it sat in the pool (a restart, a
    failover, an idle timeout, `pg_terminate_backend`)? The server says so on the socket, which
    is then readable although we asked nothing. One round trip, only after `idle_seconds`: does
    it still answer (a NAT or a frozen environment can drop a connection without a word)? That
    ping gets a short timeout of its own, taken from the time the invocation has left.
    """
    pool = engine.pool
    waiting = _WAITING[engine] = _WaitingConnections(settings.db_idle_revalidate_seconds)

    @event.listens_for(pool, "checkin")
    def _mark_idle(dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
        record.info[_IDLE_SINCE] = time.monotonic()
        waiting.records.add(record)

    @event.listens_for(pool, "checkout")
    def _check(
        dbapi_connection: Any, record: ConnectionPoolEntry, proxy: PoolProxiedConnection
    ) -> None:
        waiting.records.discard(record)
        driver = dbapi_connection.driver_connection
        if _closed_by_server(driver):
            driver.terminate()
            # The pool discards this connection and checks out a fresh one.
            raise exc.DisconnectionError("the server closed this idle connection")
        if not waiting.due_a_ping(record, time.monotonic()):
            return
        try:
            # Simple-query protocol, outside a transaction: safe behind a transaction pooler. A
            # statement with a command tag: asyncpg fails on the empty query's answer (";").
            await_(driver.execute("SELECT 1", timeout=within_budget(settings.db_ping_timeout)))
        except Exception as error:
            driver.terminate()
            raise exc.DisconnectionError("the idle connection did not answer") from error


class _WaitingConnections:
    """The connections now waiting in the pool, as its checkin and checkout listeners see them
    (the pool's own queue is private), and when one is due the idle ping."""

    def __init__(self, revalidate_after: float) -> None:
        self.records: set[ConnectionPoolEntry] = set()
        self._revalidate_after = revalidate_after

    def due_a_ping(self, record: ConnectionPoolEntry, now: float) -> bool:
        idle_since = record.info.get(_IDLE_SINCE)
        return idle_since is not None and now - idle_since >= self._revalidate_after

    def none_due_a_ping(self) -> bool:
        now = time.monotonic()
        return not any(self.due_a_ping(record, now) for record in self.records)


_WAITING: weakref.WeakKeyDictionary[Engine, _WaitingConnections] = weakref.WeakKeyDictionary()


def checkout_awaits_nothing(engine: Engine) -> bool:
    """Whether checking a connection out of `engine`'s pool can be done without the greenlet
    bridge: one is waiting, and none waiting is due the idle ping, so the checkout awaits
    nothing. Unless the one waiting must be replaced (the server closed it, or the pool was
    invalidated since): the checkout then raises `sqlalchemy.exc.MissingGreenlet` as it starts to
    connect, which only the bridge can do."""
    waiting = _WAITING.get(engine)
    pooled: int = engine.pool.checkedin()  # type: ignore[attr-defined]
    return waiting is not None and pooled > 0 and waiting.none_due_a_ping()


def _closed_by_server(driver: Any) -> bool:
    if driver.is_closed():
        return True
    transport = getattr(driver, "_transport", None)
    sock = transport.get_extra_info("socket") if transport is not None else None
    if sock is None:
        return False
    # Nothing was asked on an idle connection, so anything to read is the server's goodbye
    # (an ErrorResponse such as 57P01, then end of file).
    poller = select.poll()
    poller.register(sock.fileno(), select.POLLIN)
    return bool(poller.poll(0))


def get_engine() -> Engine:
    global _engine
    if _engine is None:
        _engine = create_engine(get_settings())
    return _engine


async def dispose_engine() -> None:
    """Close every pooled connection and forget the engine (tests, and settings changes)."""
    global _engine
    if _engine is not None:
        await greenlet_spawn(_engine.dispose)
    _engine = None
