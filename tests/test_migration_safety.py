"""Migrations on a live database: every lock they take is bounded, an index on an existing table is
built concurrently under the same one-migrator-at-a-time lock, and the offline SQL says so too.

Each test runs the project's migrations plus one revision of its own (`PROBE`), from a copy of
alembic/ in a temporary folder, against a database with rows in `books`."""

from __future__ import annotations

import multiprocessing
import time
from pathlib import Path

import pytest

from bookstore.migration_sql import revision_sql
from bookstore.seed import seed_catalog
from bookstore.template import functions, load_template
from functions.migrations import runner
from shared.db.revision import SCHEMA_HEAD
from shared.settings import Settings, get_settings
from tests.support.databases import connect, direct_url, fetch, run
from tests.support.probe_revision import ADD_COLUMN, CONCURRENT_INDEX, PROBE, scripts_with
from tests.support.processes import upgrade_in_fresh_process


@pytest.fixture
def database_with_books(empty_database_url: str) -> str:
    runner.run("upgrade")
    seed_catalog(count=200)
    return empty_database_url


@pytest.fixture
def configured_timeouts(monkeypatch: pytest.MonkeyPatch) -> None:
    """A 2.5 s lock timeout and a 90 s statement timeout, which PostgreSQL shows as 2500ms, 90s."""
    monkeypatch.setenv("MIGRATION_LOCK_TIMEOUT", "2.5")
    monkeypatch.setenv("MIGRATION_STATEMENT_TIMEOUT", "90")
    get_settings.cache_clear()


def probe_settings(database_url: str) -> list[tuple[str, str]]:
    rows = run(fetch(database_url, "SELECT lock_timeout, statement_timeout FROM probe_settings"))
    return [(row["lock_timeout"], row["statement_timeout"]) for row in rows]


def test_every_migration_statement_runs_under_the_configured_lock_and_statement_timeouts(
    database_with_books: str, tmp_path: Path, configured_timeouts: None
) -> None:
    runner.run("upgrade", scripts=scripts_with(tmp_path, "pass"))

    assert probe_settings(database_with_books) == [("2500ms", "90s"), ("2500ms", "90s")]


def test_ddl_that_cannot_get_its_lock_fails_fast_and_leaves_the_schema_as_it_was(
    database_with_books: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MIGRATION_LOCK_TIMEOUT", "0.5")
    get_settings.cache_clear()
    scripts = scripts_with(tmp_path, ADD_COLUMN)
    reader = run(connect(database_with_books))
    try:
        # A long transaction that has read books: ADD COLUMN needs the lock it holds.
        run(reader.execute("BEGIN"))
        run(reader.execute("SELECT count(*) FROM books"))
        started = time.monotonic()
        with pytest.raises(Exception, match="lock timeout"):
            runner.run("upgrade", scripts=scripts)
        waited = time.monotonic() - started
    finally:
        run(reader.close())

    assert waited < 5
    assert runner.run("current").current == SCHEMA_HEAD
    columns = run(
        fetch(
            database_with_books,
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_name = 'books' AND column_name = 'probe_note'",
        )
    )
    assert columns == []


def test_an_index_built_concurrently_is_valid_and_the_rest_of_the_revision_is_bounded_again(
    database_with_books: str, tmp_path: Path, configured_timeouts: None
) -> None:
    result = runner.run("upgrade", scripts=scripts_with(tmp_path, CONCURRENT_INDEX))

    assert result.current == PROBE
    valid = run(
        fetch(
            database_with_books,
            "SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "WHERE c.relname = 'ix_books_probe_author'",
        )
    )
    assert [row["indisvalid"] for row in valid] == [True]
    # Before the build, and after it in the transaction begun again.
    assert probe_settings(database_with_books) == [("2500ms", "90s"), ("2500ms", "90s")]


def test_two_racing_upgrades_with_a_concurrent_index_build_it_once_and_leave_no_lock(
    database_with_books: str, tmp_path: Path
) -> None:
    scripts = scripts_with(tmp_path, CONCURRENT_INDEX)
    context = multiprocessing.get_context("spawn")
    with context.Pool(2) as pool:
        results = pool.starmap(upgrade_in_fresh_process, [(database_with_books, scripts)] * 2)

    applied = sorted(([step["revision"] for step in r["applied"]] for r in results), key=len)
    assert applied == [[], [PROBE]]
    assert [r["current"] for r in results] == [PROBE, PROBE]
    locks = run(
        fetch(
            direct_url(database_with_books),
            "SELECT count(*) AS n FROM pg_locks l JOIN pg_database d ON d.oid = l.database "
            "WHERE l.locktype = 'advisory' AND d.datname = current_database()",
        )
    )
    assert locks[0]["n"] == 0


def test_the_offline_sql_sets_the_same_bounds_and_builds_the_index_outside_the_transaction(
    tmp_path: Path,
) -> None:
    settings = Settings()
    sql = revision_sql(scripts_with(tmp_path, CONCURRENT_INDEX))[PROBE]
    bounds = [
        f"SET LOCAL lock_timeout = '{int(settings.migration_lock_timeout * 1000)}ms';",
        f"SET LOCAL statement_timeout = '{int(settings.migration_statement_timeout * 1000)}ms';",
    ]
    statements = [line for line in sql.splitlines() if line.strip()]

    assert statements[:3] == ["BEGIN;", *bounds]
    build = statements.index(
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_books_probe_author ON books (lower(author));"
    )
    assert statements[build - 2 : build] == [
        "COMMIT;",
        "DROP INDEX CONCURRENTLY IF EXISTS ix_books_probe_author;",
    ]
    assert statements[build + 1 : build + 4] == ["BEGIN;", *bounds]


def test_a_second_migrator_s_wait_and_one_statement_fit_in_the_migrations_function_timeout() -> (
    None
):
    timeout = functions(load_template())["MigrationsFunction"].timeout
    settings = Settings()

    assert settings.migration_wait_timeout + settings.migration_statement_timeout < timeout
