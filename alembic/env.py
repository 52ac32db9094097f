"""Alembic environment: async, URL from the application settings, one migrator at a time, every
lock bounded.

One migrator at a time: before reading the schema's revision, a run takes a transaction-level
advisory lock on a connection of its own, in a transaction held open until the run ends. Two
deployments (or a deployment and an operator) never migrate at once: the second tries again until
it has the lock (for at most MIGRATION_WAIT_TIMEOUT), then finds nothing to do. Transaction-level, because behind a
transaction-mode pooler (PgBouncer, RDS Proxy) a session-level lock stays with the server
connection when it goes back to the pool, held by nobody; an open transaction keeps its server
connection. On a connection of its own, so that a migration may commit part of its work (an index
built `CONCURRENTLY` runs outside any transaction, in `op.get_context().autocommit_block()`)
while the lock stays held.

Bounded locks: the migrations' own transaction starts with `SET LOCAL lock_timeout` and
`SET LOCAL statement_timeout` (MIGRATION_LOCK_TIMEOUT, MIGRATION_STATEMENT_TIMEOUT), so DDL that
cannot get its lock on a busy table fails fast instead of queueing every request behind it. The
offline SQL (`alembic upgrade head --sql`) starts with the same statements, for reviewers and
for squawk (`bookstore lint-migrations`). Every revision runs in that one transaction, but for
its autocommit blocks: a failed upgrade leaves the schema as it was.
"""

from __future__ import annotations

import asyncio
import time
from contextlib import AsyncExitStack

import asyncpg
from alembic import context
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine
from sqlalchemy.pool import NullPool

from functions.migrations.ddl import bounded_lock_statements
from shared.db.engine import connect_args
from shared.db.models import Base
from shared.db.revision import MIGRATION_LOCK_KEY
from shared.db.url import resolve_database_url
from shared.settings import Settings, get_settings

config = context.config
target_metadata = Base.metadata


def _record_applied(ctx: object, step: object, heads: object, run_args: object) -> None:
    config.attributes.setdefault("applied", []).append(
        {"revision": step.up_revision_id, "upgrade": step.is_upgrade}  # type: ignore[attr-defined]
    )


def _run(connection: Connection, settings: Settings) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        compare_type=True,
        transaction_per_migration=False,
        on_version_apply=_record_applied,
    )
    with context.begin_transaction():
        for statement in bounded_lock_statements(settings):
            connection.execute(text(statement))
        # Where this run starts (None: an empty database), for a revision that must keep the
        # release already serving working (0010_row_level_security).
        migration = context.get_context()
        migration.opts["starting_revision"] = migration.get_current_revision()
        context.run_migrations()


# Raises lock_not_available when another run holds the lock. A DO block: a statement over the
# simple protocol, which leaves no snapshot behind in its transaction.
_TRY_LOCK = (
    "BEGIN; DO $$ BEGIN IF NOT pg_try_advisory_xact_lock({key}) THEN "
    "RAISE EXCEPTION USING ERRCODE = 'lock_not_available', "
    "MESSAGE = 'another run holds the migration lock'; END IF; END $$"
)
_RETRY_SECONDS = 0.2


async def _hold_migration_lock(connection: AsyncConnection, settings: Settings) -> None:
    """The lock, in a transaction this connection keeps open until the run ends.

    Tried, not waited for: a run building an index `CONCURRENTLY` waits for every transaction
    that holds a snapshot, a waiting statement holds one, and the waiter waits for that run. So a
    second run tries in a short transaction of its own, again and again, for at most
    MIGRATION_WAIT_TIMEOUT: a try that fails ends its transaction at once, and the one that
    succeeds keeps it open, holding the lock, until the run ends."""
    driver = (await connection.get_raw_connection()).driver_connection
    assert driver is not None
    deadline = time.monotonic() + settings.migration_wait_timeout
    while True:
        try:
            await driver.execute(_TRY_LOCK.format(key=int(MIGRATION_LOCK_KEY)))
            return
        except asyncpg.LockNotAvailableError:
            await driver.execute("ROLLBACK")
            if time.monotonic() >= deadline:
                raise TimeoutError(
                    "another migration held the migration lock for longer than "
                    f"MIGRATION_WAIT_TIMEOUT ({settings.migration_wait_timeout:g} s)"
                ) from None
            await asyncio.sleep(_RETRY_SECONDS)


async def run_migrations_online() -> None:
    settings = get_settings()
    args = connect_args(settings)
    # The statement_timeout above bounds DDL; the driver's own timeout would cut it off sooner.
    args["command_timeout"] = None
    engine = create_async_engine(
        resolve_database_url(settings), poolclass=NullPool, connect_args=args
    )
    # Reading the revision needs no lock; only runs that may change the schema queue up.
    serialize = config.attributes.get("serialize", True)
    try:
        async with AsyncExitStack() as lock:
            if serialize:
                lock_connection = await lock.enter_async_context(engine.connect())
                await _hold_migration_lock(lock_connection, settings)
            # Connected only now, so the revision is read after whoever held the lock committed.
            async with engine.connect() as connection:
                await connection.run_sync(_run, settings)
    finally:
        await engine.dispose()


if context.is_offline_mode():
    context.configure(
        dialect_name="postgresql",
        target_metadata=target_metadata,
        literal_binds=True,
        compare_type=True,
        transaction_per_migration=False,
    )
    with context.begin_transaction():
        for statement in bounded_lock_statements(get_settings()):
            context.execute(statement)
        context.run_migrations()
else:
    asyncio.run(run_migrations_online())
