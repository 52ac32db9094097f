"""Alembic environment: async, URL from the application settings, one migrator at a time.

The whole upgrade is one transaction, which first takes a transaction-level advisory lock: two
deployments (or a deployment and an operator) never migrate at once, the second waits and then
finds nothing to do. Transaction-level, because behind a transaction-mode pooler (PgBouncer, RDS
Proxy) a session-level lock stays with the server connection when it goes back to the pool, held
by nobody, and the next migrator's lock through the pooler may land on that same connection and
"succeed". One transaction also means a failed upgrade leaves the schema as it was.
"""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from shared.db.engine import connect_args
from shared.db.models import Base
from shared.db.revision import MIGRATION_LOCK_KEY
from shared.db.url import resolve_database_url
from shared.settings import get_settings

config = context.config
target_metadata = Base.metadata


def _record_applied(ctx: object, step: object, heads: object, run_args: object) -> None:
    config.attributes.setdefault("applied", []).append(
        {"revision": step.up_revision_id, "upgrade": step.is_upgrade}  # type: ignore[attr-defined]
    )


def _run(connection: Connection, *, serialize: bool, lock_wait_seconds: float) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        compare_type=True,
        transaction_per_migration=False,
        on_version_apply=_record_applied,
    )
    with context.begin_transaction():
        if serialize:
            _take_migration_lock(connection, lock_wait_seconds)
        # Reads the schema's revision only now: after whoever held the lock has committed.
        context.run_migrations()


def _take_migration_lock(connection: Connection, wait_seconds: float) -> None:
    # SET LOCAL: a session-level SET would outlive this transaction on a pooled server connection.
    connection.execute(text(f"SET LOCAL lock_timeout = '{int(wait_seconds * 1000)}ms'"))
    connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
    connection.execute(text("SET LOCAL lock_timeout = DEFAULT"))


async def run_migrations_online() -> None:
    settings = get_settings()
    args = connect_args(settings)
    args["command_timeout"] = None  # DDL on a large table may legitimately take long
    engine = create_async_engine(
        resolve_database_url(settings), poolclass=NullPool, connect_args=args
    )
    # Reading the revision needs no lock; only runs that may change the schema queue up.
    serialize = config.attributes.get("serialize", True)
    lock_wait = config.attributes.get("lock_timeout_seconds", 120)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_run, serialize=serialize, lock_wait_seconds=lock_wait)
    finally:
        await engine.dispose()


if context.is_offline_mode():
    context.configure(
        url=resolve_database_url(get_settings()).render_as_string(hide_password=True),
        target_metadata=target_metadata,
        literal_binds=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
else:
    asyncio.run(run_migrations_online())
