"""DDL that is safe on tables serving requests, for the revisions under alembic/versions/.

- `bounded_lock_statements`: what every migration transaction runs first (alembic/env.py), online
  and in the offline SQL: a lock that cannot be had within MIGRATION_LOCK_TIMEOUT fails the
  migration (and the deployment rolls back) instead of queueing every request behind it.
- `create_index_concurrently` / `drop_index_concurrently`: an index on an existing table, built
  or dropped without blocking its writes, outside the migration's transaction.

docs/migrations.md says when to use which.
"""

from __future__ import annotations

from alembic import op

from shared.settings import Settings, get_settings


def _milliseconds(seconds: float) -> str:
    return f"'{int(seconds * 1000)}ms'"


def bounded_lock_statements(settings: Settings) -> list[str]:
    """SET LOCAL: a session-level SET would outlive the transaction on a pooled server connection."""
    return [
        f"SET LOCAL lock_timeout = {_milliseconds(settings.migration_lock_timeout)}",
        f"SET LOCAL statement_timeout = {_milliseconds(settings.migration_statement_timeout)}",
    ]


def create_index_concurrently(
    name: str, table: str, expressions: str, *, where: str | None = None, unique: bool = False
) -> None:
    """`CREATE INDEX CONCURRENTLY name ON table (expressions) [WHERE where]`.

    It cannot run in a transaction, so the migration's transaction is committed first and begun
    again after (Alembic's autocommit block; the migration lock, held on a connection of its
    own, stays held). An earlier attempt that failed half way leaves an invalid index behind: it
    is dropped first. The build takes a SHARE UPDATE EXCLUSIVE lock, which blocks no read or
    write, and no lock_timeout applies to it: it waits for the transactions already running on
    the table, then builds while they go on."""
    predicate = f" WHERE {where}" if where else ""
    kind = "UNIQUE INDEX" if unique else "INDEX"
    with op.get_context().autocommit_block():
        op.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")
        op.execute(
            f"CREATE {kind} CONCURRENTLY IF NOT EXISTS {name} ON {table} ({expressions}){predicate}"
        )
    _bound_the_transaction_again()


def drop_index_concurrently(name: str) -> None:
    with op.get_context().autocommit_block():
        op.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")
    _bound_the_transaction_again()


def _bound_the_transaction_again() -> None:
    # The autocommit block ended the transaction that set them; the one begun after has none.
    for statement in bounded_lock_statements(get_settings()):
        op.execute(statement)
