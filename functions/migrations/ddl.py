"""DDL that is safe on tables serving requests, for the revisions under alembic/versions/.

- `bounded_lock_statements`: what every migration transaction runs first (alembic/env.py), online
  and in the offline SQL: a lock that cannot be had within MIGRATION_LOCK_TIMEOUT fails the
  migration (and the deployment rolls back) instead of queueing every request behind it.
- `create_index_concurrently` / `drop_index_concurrently`: an index on an existing table, built
  or dropped without blocking its writes, outside the migration's transaction.
- `backfill_in_batches`: a data backfill of an existing table, outside the migration's
  transaction, one short bounded transaction a batch, while the table goes on being written.

docs/migrations.md says when to use which.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import suppress

from alembic import op
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

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


# A batch that deadlocked with a writer (PostgreSQL ends one of the two after deadlock_timeout)
# is tried again: it rolled back whole. Any other error (a lock timeout) ends the migration.
DEADLOCK_DETECTED = "40P01"
_BATCH_ATTEMPTS = 3


def backfill_in_batches(batch: str, *, finish: Sequence[str] = ()) -> int:
    """Run `batch` again and again until it answers 0, then `finish`; answers how many rows the
    batches took in all.

    The migration's transaction is committed first (what it created stays created), and begun
    again after, bounded (as `create_index_concurrently` does). Each batch is a transaction of its
    own, under the same bounds (`bounded_lock_statements`): what it locks, it holds for one batch,
    and a lock it cannot have within MIGRATION_LOCK_TIMEOUT fails the migration. `finish` runs in
    one more transaction of its own, once the batches are done.

    `batch` is one statement that answers one row with one number: how many rows it took, 0 once
    none is left. It must go on from where the last committed batch stopped (a watermark kept in a
    table, advanced by the same statement), so that a migration stopped half way (a lock timeout,
    the function's own timeout) resumes where it stopped when it runs again. It must read what it
    copies under a row lock (`FOR SHARE`, in key order, with a `LIMIT`): a row being written is
    then read once its writer committed, as it then is, and a writer of a row waits for one batch
    at most. docs/migrations.md says what else makes it safe against concurrent writers.

    Offline (`alembic upgrade --sql`, and squawk), one batch is written, as each runs."""
    context = op.get_context()
    taken = 0
    with context.autocommit_block():
        if context.as_sql:
            _emit_transaction([batch])
            if finish:
                _emit_transaction(finish)
        else:
            while done := _run_transaction([batch]):
                taken += done
            if finish:
                _run_transaction(finish)
    _bound_the_transaction_again()
    return taken


def _emit_transaction(statements: Sequence[str]) -> None:
    op.execute("BEGIN")
    for statement in [*bounded_lock_statements(get_settings()), *statements]:
        op.execute(statement)
    op.execute("COMMIT")


def _run_transaction(statements: Sequence[str]) -> int:
    """Runs `statements` in one transaction, bounded; answers the first value of the last one's
    first row (0 when it answers none)."""
    bind = op.get_bind()
    attempt = 1
    while True:
        # Alembic's autocommit block leaves the driver outside any transaction: this is ours.
        bind.exec_driver_sql("BEGIN")
        try:
            for statement in bounded_lock_statements(get_settings()):
                bind.exec_driver_sql(statement)
            for statement in statements:
                result = bind.exec_driver_sql(statement)
            answer = int(result.scalar() or 0) if result.returns_rows else 0
            bind.exec_driver_sql("COMMIT")
            return answer
        except DBAPIError as error:
            # A connection that broke has no transaction left to end: the error says what happened.
            with suppress(SQLAlchemyError):
                bind.exec_driver_sql("ROLLBACK")
            if getattr(error.orig, "sqlstate", None) != DEADLOCK_DETECTED:
                raise
            if attempt == _BATCH_ATTEMPTS:
                raise
            attempt += 1


def _bound_the_transaction_again() -> None:
    # The autocommit block ended the transaction that set them; the one begun after has none.
    for statement in bounded_lock_statements(get_settings()):
        op.execute(statement)
