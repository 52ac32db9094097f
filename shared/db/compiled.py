"""Hot reads without an ORM session: statements compiled once, run on the pool's driver connection.

A read that maps one statement's row straight to a response gains nothing from a session, an
identity map or a statement rebuilt per request, and pays for each on every call (bench/warm_path.py
measures it, bench/RESULTS.md has the figures). A `CompiledRead` is written once with
SQLAlchemy Core (so it shares the tables' columns, `shared.db.tables`, and the domain's
expressions) and compiled once to PostgreSQL's SQL; `reading()` lends the pooled connection, in a
read-only transaction that acts for someone (`shared.db.access`), with the same checkout checks
and the same failure rules as the engine: a database that cannot serve is
`DatabaseUnavailableError`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

import asyncpg
from sqlalchemy.exc import MissingGreenlet
from sqlalchemy.pool import PoolProxiedConnection
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.util import greenlet_spawn

from shared.db.access import Access
from shared.db.engine import checkout_awaits_nothing, get_engine
from shared.db.faults import (
    DatabaseUnavailableError,
    driver_failure_reason,
    forget_row_values,
)
from shared.runtime.warmup import caller_name, defer

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

# The driver errors after which the connection itself cannot be trusted again.
_BROKEN_CONNECTION = (
    OSError,
    TimeoutError,
    asyncpg.InterfaceError,
    asyncpg.PostgresConnectionError,
)


type _Compiled = tuple[str, tuple[str, ...], dict[str, Any], frozenset[str]]


class CompiledRead[Statement: ClauseElement]:
    """A Core select (or text) compiled once (on first use, by the engine's dialect). Its
    `bindparam`s are passed by name per call; the values the statement was written with are kept.
    A `bindparam` written without a value must be passed (KeyError otherwise): left out, it would
    bind NULL, and a misspelt name would read nothing rather than fail.

    A read made at import is also compiled before a SnapStart snapshot; one made per query shape
    (`precompile=False`) is compiled when first run."""

    def __init__(self, statement: Statement, *, precompile: bool = True) -> None:
        self.statement = statement
        self._compiled: _Compiled | None = None
        if precompile:
            defer("read", caller_name(), self.compiled, lambda: self._compiled is not None)

    def compiled(self) -> _Compiled:
        """The SQL, its parameters' names in order, the values it was written with, and the
        names it needs."""
        if self._compiled is None:
            compiled = self.statement.compile(dialect=get_engine().dialect)
            assert isinstance(compiled, SQLCompiler)
            names = tuple(compiled.positiontup or ())
            required = frozenset(name for name in names if compiled.binds[name].required)
            self._compiled = (str(compiled), names, compiled.params, required)
        return self._compiled

    def arguments(self, params: Mapping[str, Any]) -> tuple[str, list[Any]]:
        """The SQL, and its positional arguments for these named parameters."""
        sql, names, written, required = self.compiled()
        if not required.issubset(params):
            missing = ", ".join(sorted(required.difference(params)))
            raise KeyError(f"this read needs {missing}: {sql[:80]}")
        return sql, [params.get(name, written.get(name)) for name in names]


class Reader:
    def __init__(self, driver: asyncpg.Connection) -> None:
        self._driver = driver
        self.broken = False

    async def fetchrow(self, read: CompiledRead[Any], **params: Any) -> Mapping[str, Any] | None:
        row: Mapping[str, Any] | None = await self._run(self._driver.fetchrow, read, params)
        return row

    async def fetch(self, read: CompiledRead[Any], **params: Any) -> list[Mapping[str, Any]]:
        rows: list[Mapping[str, Any]] = await self._run(self._driver.fetch, read, params)
        return rows

    async def begin(self, access: Access) -> None:
        await self._command(access.begin_statement())

    async def end(self, command: str) -> None:
        await self._command(command)

    async def _command(self, sql: str) -> None:
        try:
            await self._driver.execute(sql)
        except Exception as error:
            raise self._failure(error) from error

    async def _run(
        self,
        call: Callable[..., Awaitable[Any]],
        read: CompiledRead[Any],
        params: Mapping[str, Any],
    ) -> Any:
        sql, arguments = read.arguments(params)
        try:
            return await call(sql, *arguments)
        except Exception as error:
            raise self._failure(error) from error

    def _failure(self, error: Exception) -> Exception:
        forget_row_values(error)  # as the engine does
        if isinstance(error, _BROKEN_CONNECTION):
            self.broken = True
        reason = driver_failure_reason(error)
        return error if reason is None else DatabaseUnavailableError(reason)


@asynccontextmanager
async def reading(access: Access) -> AsyncIterator[Reader]:
    """The pooled connection, in a read-only transaction acting for `access`: its first round
    trip begins it and assumes the role and caller together, its last commits it. `CATALOG`
    reads outside any transaction, each statement on its own committed snapshot."""
    pooled = await _checkout()
    reader = Reader(pooled.driver_connection)
    in_transaction = access.role is not None
    try:
        if in_transaction:
            await reader.begin(access)
        yield reader
        if in_transaction:
            await reader.end("COMMIT")
    except BaseException:
        if in_transaction and not reader.broken:
            await _end_quietly(reader)
        raise
    finally:
        if reader.broken:
            pooled.invalidate()  # closes the socket at once, without waiting on the server
        # Back to the pool without a round trip: its transaction, if any, has ended.
        pooled.close()


async def _end_quietly(reader: Reader) -> None:
    """Roll back after a failure, so the connection goes back to the pool outside a transaction;
    a connection that cannot even do that is not put back."""
    try:
        await reader.end("ROLLBACK")
    except Exception:
        reader.broken = True


async def _checkout() -> PoolProxiedConnection:
    engine = get_engine()
    if checkout_awaits_nothing(engine):
        # Straight from the pool: the greenlet bridge, which a checkout that may await needs,
        # cost a warm catalog page more than the rest of its checkout.
        try:
            return engine.raw_connection()
        except MissingGreenlet:
            pass  # the one waiting must be replaced (closed by the server, or the pool invalidated)
    return await greenlet_spawn(engine.raw_connection)


async def session_reader(session: AsyncSession) -> Reader:
    """A reader on the session's own connection, inside its transaction: a write path reads back
    what it has just written with the same compiled reads as the sessionless path. The driver
    begins a session's transaction with its first statement, so use it after one."""
    connection = await session.connection()
    pooled = await connection.get_raw_connection()
    return Reader(pooled.driver_connection)
