"""Statements compiled once, run on the pool's driver connection: the hot paths' way.

A read that maps one statement's row straight to a response gains nothing from a session, an
identity map or a statement rebuilt per request, and pays for each on every call (bench/warm_path.py
measures it, bench/RESULTS.md has the figures). A `CompiledStatement` is written once with
SQLAlchemy Core (so it shares the tables' columns, `shared.db.tables`, and the domain's
expressions) and compiled once to PostgreSQL's SQL.

- `reading(access)` lends the pooled connection, in a read-only transaction that acts for someone
  (`shared.db.access`), with the same checkout checks and the same failure rules as the engine: a
  database that cannot serve is `DatabaseUnavailableError`.
- `session_reader(session)` reads, and `session_writer(session)` also writes, on a session's own
  connection inside its transaction, which the session's owner still begins and ends. The
  checkout writes this way: SQLAlchemy's execution path costs about 0.1 ms a statement, which ten
  statements a checkout make felt (bench/RESULTS.md, issue 28).

The driver gets values as it binds them: no column type's processing runs. A JSON or JSONB
parameter is JSON text (`json_text`); a JSON or JSONB column reads as Python values (the codecs
SQLAlchemy's dialect gives each connection).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Mapping, Sequence
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

import asyncpg
from sqlalchemy import Insert, Table, bindparam, insert
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

_WRITER = "bookstore.session_writer"

# The driver errors after which the connection itself cannot be trusted again.
_BROKEN_CONNECTION = (
    OSError,
    TimeoutError,
    asyncpg.InterfaceError,
    asyncpg.PostgresConnectionError,
)


type _Compiled = tuple[str, tuple[str, ...], dict[str, Any], frozenset[str]]


def inserting(table: Table, *columns: str) -> Insert:
    """An INSERT of these columns of `table`, each bound by its own name (the rest take their
    defaults): a `CompiledStatement`'s insert, run with one mapping per row."""
    return insert(table).values({name: bindparam(name) for name in columns})


class CompiledStatement[Statement: ClauseElement]:
    """A Core statement (a select, an insert, text...) compiled once (on first use, by the
    engine's dialect). Its `bindparam`s are passed by name per call; the values the statement
    was written with are kept. A `bindparam` written without a value must be passed (KeyError
    otherwise): left out, it would bind NULL, and a misspelt name would read nothing rather than
    fail.

    A statement made at import is also compiled before a SnapStart snapshot; one made per query
    shape (`precompile=False`) is compiled when first run."""

    def __init__(self, statement: Statement, *, precompile: bool = True) -> None:
        self.statement = statement
        self._compiled: _Compiled | None = None
        if precompile:
            defer("statement", caller_name(), self.compiled, lambda: self._compiled is not None)

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
            raise KeyError(f"this statement needs {missing}: {sql[:80]}")
        return sql, [params.get(name, written.get(name)) for name in names]


def json_text(value: Any) -> str:
    """A value for a JSON or JSONB parameter, as the connection's codec takes it (and as
    SQLAlchemy's JSON type would have written it)."""
    return json.dumps(value)


class Reader:
    def __init__(self, driver: asyncpg.Connection) -> None:
        self._driver = driver
        self.broken = False

    async def fetchrow(
        self, read: CompiledStatement[Any], **params: Any
    ) -> Mapping[str, Any] | None:
        sql, arguments = read.arguments(params)
        row: Mapping[str, Any] | None = await self._sent(self._driver.fetchrow(sql, *arguments))
        return row

    async def fetch(self, read: CompiledStatement[Any], **params: Any) -> list[Mapping[str, Any]]:
        sql, arguments = read.arguments(params)
        rows: list[Mapping[str, Any]] = await self._sent(self._driver.fetch(sql, *arguments))
        return rows

    async def begin(self, access: Access) -> None:
        await self._sent(self._driver.execute(access.begin_statement()))

    async def end(self, command: str) -> None:
        await self._sent(self._driver.execute(command))

    async def _sent[Result](self, call: Awaitable[Result]) -> Result:
        """The driver's answer, or its failure as the engine would classify it."""
        try:
            return await call
        except Exception as error:
            raise self._failure(error) from error

    def _failure(self, error: Exception) -> Exception:
        forget_row_values(error)  # as the engine does
        if isinstance(error, _BROKEN_CONNECTION):
            self.broken = True
        reason = driver_failure_reason(error)
        return error if reason is None else DatabaseUnavailableError(reason)


class Writer(Reader):
    """Reads and writes on a session's connection, in its transaction. A constraint's violation is
    the driver's `asyncpg.IntegrityConstraintViolationError` (`shared.db.integrity` maps it by
    name). A connection that breaks is invalidated at once, so that the session's rollback skips
    it and the pool never lends it again."""

    def __init__(self, pooled: PoolProxiedConnection) -> None:
        super().__init__(pooled.driver_connection)
        self._pooled = pooled

    def _failure(self, error: Exception) -> Exception:
        failure = super()._failure(error)
        if self.broken:
            self._pooled.invalidate()
        return failure

    async def execute(self, statement: CompiledStatement[Any], **params: Any) -> None:
        sql, arguments = statement.arguments(params)
        await self._sent(self._driver.execute(sql, *arguments))

    async def executemany(
        self, statement: CompiledStatement[Any], rows: Sequence[Mapping[str, Any]]
    ) -> None:
        """The statement once per row, pipelined: one round trip however many rows."""
        if not rows:
            return
        sql = statement.arguments(rows[0])[0]
        arguments = [statement.arguments(row)[1] for row in rows]
        await self._sent(self._driver.executemany(sql, arguments))


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
    what it has just written with the same compiled reads as the sessionless path."""
    return await session_writer(session)


async def session_writer(session: AsyncSession) -> Writer:
    """A writer on the session's own connection, inside its transaction, for a write path hot
    enough that SQLAlchemy's own cost per statement shows (the checkout). One per transaction:
    the checkout and the rules it calls each ask for it."""
    transaction = session.sync_session.get_transaction()
    kept: tuple[object, Writer] | None = session.info.get(_WRITER)
    if kept is not None and transaction is not None and kept[0] is transaction:
        return kept[1]
    writer = Writer(await _session_connection(session))
    session.info[_WRITER] = (session.sync_session.get_transaction(), writer)
    return writer


async def _session_connection(session: AsyncSession) -> PoolProxiedConnection:
    connection = await session.connection()
    pooled = await connection.get_raw_connection()
    driver = pooled.driver_connection
    if driver is not None and not driver.is_in_transaction():
        # The driver begins the session's transaction with its first statement: a write sent
        # before one would commit on its own, whatever the session does after. Every
        # `shared.db.transaction` has sent one (its role and caller); a bare session may not have.
        await connection.exec_driver_sql("SELECT 1")
    return pooled
