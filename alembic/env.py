"""Alembic environment: async, URL from the application settings, one migrator at a time.

A session-level PostgreSQL advisory lock is held around the whole run, so two deployments (or a
deployment and an operator) never migrate at once: the second waits, then finds nothing to do.
"""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine
from sqlalchemy.pool import NullPool

from shared.db.engine import connect_args
from shared.db.schema import MIGRATION_LOCK_KEY
from shared.db.url import resolve_database_url
from shared.models import Base
from shared.settings import get_settings

config = context.config
target_metadata = Base.metadata


def _record_applied(ctx: object, step: object, heads: object, run_args: object) -> None:
    config.attributes.setdefault("applied", []).append(
        {"revision": step.up_revision_id, "upgrade": step.is_upgrade}  # type: ignore[attr-defined]
    )


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        compare_type=True,
        transaction_per_migration=True,
        on_version_apply=_record_applied,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _acquire_migration_lock(connection: AsyncConnection, wait_seconds: float) -> None:
    await connection.execute(text(f"SET lock_timeout = '{int(wait_seconds * 1000)}ms'"))
    await connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
    await connection.execute(text("RESET lock_timeout"))
    # Session-level lock: it outlives this transaction, which must end before Alembic begins its own.
    await connection.commit()


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
            if serialize:
                await _acquire_migration_lock(connection, lock_wait)
            try:
                await connection.run_sync(_run)
            finally:
                if serialize:
                    await connection.execute(
                        text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK_KEY}
                    )
                    await connection.commit()
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
