from __future__ import annotations

import multiprocessing
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from bookstore.seed import seed_catalog
from functions.migrations import runner
from shared.db.engine import connect_args
from shared.db.models import Base
from shared.db.revision import MIGRATION_LOCK_KEY, REVISIONS, SCHEMA_HEAD
from shared.settings import get_settings
from tests.support.databases import connect, direct_url, fetch, run
from tests.support.pgbouncer import running_pgbouncer
from tests.support.processes import upgrade_in_fresh_process


def test_the_revisions_the_code_knows_are_the_migrations_revisions() -> None:
    assert list(REVISIONS) == runner.revision_ids(), (
        "A migration was added: add its revision to REVISIONS in shared/db/revision.py"
    )
    assert runner.head_revision() == SCHEMA_HEAD


def test_migrations_upgrade_downgrade_to_base_and_upgrade_again(empty_database_url: str) -> None:
    first = runner.run("upgrade")
    assert first.current == SCHEMA_HEAD
    assert first.applied, "an empty database should have had every revision applied"

    down = runner.run("downgrade", "base")
    assert down.current is None
    assert [step["upgrade"] for step in down.applied] == [False] * len(first.applied)

    again = runner.run("upgrade")
    assert again.current == SCHEMA_HEAD
    assert len(again.applied) == len(first.applied)


def test_each_revision_downgrades_one_step_at_a_time_on_a_database_with_rows_and_upgrades_again(
    empty_database_url: str,
) -> None:
    runner.run("upgrade")
    seed_catalog(count=40)
    run(
        fetch(
            empty_database_url,
            "INSERT INTO users (id, email, full_name, password_hash) "
            "VALUES (gen_random_uuid(), 'rows@example.org', 'Rows', 'x') RETURNING id",
        )
    )

    stepped = []
    while (current := runner.run("current").current) is not None:
        stepped.append(current)
        runner.run("downgrade", "-1")
    again = runner.run("upgrade")

    assert stepped == list(reversed(REVISIONS))
    assert again.current == SCHEMA_HEAD


def test_the_models_and_the_migrations_describe_the_same_schema(database_url: str) -> None:
    def differences(connection: Connection) -> list[Any]:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences: list[Any] = compare_metadata(context, Base.metadata)
        return differences

    async def compare() -> list[Any]:
        engine = create_async_engine(
            database_url.replace("postgresql://", "postgresql+asyncpg://"),
            connect_args=connect_args(get_settings()),
        )
        try:
            async with engine.connect() as connection:
                return await connection.run_sync(differences)
        finally:
            await engine.dispose()

    assert run(compare()) == []


def test_two_concurrent_upgrades_migrate_only_once(empty_database_url: str) -> None:
    # Two processes, as two Lambda environments would be: one migrates, the other waits on the
    # advisory lock and then finds nothing to do.
    context = multiprocessing.get_context("spawn")
    with context.Pool(2) as pool:
        results = pool.map(upgrade_in_fresh_process, [empty_database_url] * 2)

    assert [r["current"] for r in results] == [SCHEMA_HEAD, SCHEMA_HEAD]
    applied = sorted((r["applied"] for r in results), key=len)
    assert applied[0] == []
    assert [step["revision"] for step in applied[1]] == runner.revision_ids()


def test_current_reports_the_database_revision_and_the_head(database_url: str) -> None:
    result = runner.run("current")

    assert result.current == SCHEMA_HEAD
    assert result.head == SCHEMA_HEAD
    assert result.applied == []


def test_an_upgrade_waits_while_another_run_holds_the_migration_lock(
    empty_database_url: str,
) -> None:
    # The other run holds the lock for as long as its transaction is open, as a migrator does.
    # Behind a transaction-mode pooler a lock held outside a transaction would stay on a server
    # connection that the pooler may hand to the upgrade itself, which would then own it.
    holder = run(connect(empty_database_url))
    try:
        run(holder.execute("BEGIN"))
        run(holder.execute("SELECT pg_advisory_xact_lock($1)", MIGRATION_LOCK_KEY))
        context = multiprocessing.get_context("spawn")
        with context.Pool(1) as pool:
            pending = pool.apply_async(upgrade_in_fresh_process, (empty_database_url,))
            pending.wait(timeout=4)
            assert not pending.ready(), "the upgrade ran although another run held the lock"
            assert runner.run("current").current is None

            run(holder.execute("COMMIT"))
            result = pending.get(timeout=60)
    finally:
        run(holder.close())

    assert result["current"] == SCHEMA_HEAD


def test_two_concurrent_upgrades_through_a_transaction_pooler_migrate_once_and_leave_no_lock(
    empty_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # PgBouncer in transaction mode hands each transaction to any server connection, and keeps
    # the server connection when the client leaves: a session-level lock would stay behind on it.
    monkeypatch.setenv("DB_PROXY_MODE", "true")
    rounds: list[list[dict[str, Any]]] = []
    held_after_each_round = []
    with running_pgbouncer(direct_url(empty_database_url)) as pooled_url:
        context = multiprocessing.get_context("spawn")
        with context.Pool(2) as pool:
            # Later rounds find nothing to do, but lock and unlock all the same: each is another
            # chance for a lock to stay behind on a pooled server connection.
            for _ in range(3):
                rounds.append(pool.map(upgrade_in_fresh_process, [pooled_url] * 2))
                held_after_each_round.append(advisory_locks_held(direct_url(empty_database_url)))

    first = rounds[0]
    assert [r["current"] for r in first] == [SCHEMA_HEAD, SCHEMA_HEAD]
    applied = sorted((r["applied"] for r in first), key=len)
    assert applied[0] == []
    assert [step["revision"] for step in applied[1]] == runner.revision_ids()
    assert [r["applied"] for later in rounds[1:] for r in later] == [[]] * 4
    assert held_after_each_round == [0, 0, 0]


def advisory_locks_held(database_url: str) -> int:
    rows = run(
        fetch(
            database_url,
            "SELECT count(*) AS n FROM pg_locks l JOIN pg_database d ON d.oid = l.database "
            "WHERE l.locktype = 'advisory' AND d.datname = current_database()",
        )
    )
    return int(rows[0]["n"])
