"""Revision 0009 commits its triggers at once and indexes the books already there after, in short
batches of their own, while the catalog goes on being written: a checkout waits for one batch at
most, and however the books change meanwhile, the search index ends as indexing every live book
from scratch leaves it. A migration stopped half way goes on where it stopped when run again.

Each test builds a database at 0008 with a catalog of 1 500 books, and backfills it in
batches of 25 (SEARCH_BACKFILL_BATCH_ROWS)."""

from __future__ import annotations

import importlib.util
import time
from types import ModuleType

import pytest

from bookstore.catalog.generator import generate_catalog
from bookstore.database import run_on_database
from bookstore.migration_sql import revision_sql
from bookstore.seed import upsert_books
from functions.migrations import runner
from shared.db.transaction import get_sessionmaker
from shared.domain.availability import today
from shared.settings import Settings, get_settings
from tests.support.catalog_writers import (
    DONE,
    BookHeldDuringTheBackfill,
    edit_catalog,
    index_differences,
    update_stock,
    watermarks_seen,
    writing,
)
from tests.support.databases import sql
from tests.support.races import OpenTransaction

BEFORE = "0008_login_throttle"
REVISION = "0009_search_postings"
BOOKS = 1500
BATCH_ROWS = 25
NO_DIFFERENCE: dict[str, list[tuple[object, ...]]] = {"postings": [], "words": []}


def revision_module() -> ModuleType:
    path = runner.SCRIPT_LOCATION / "versions" / f"{REVISION}.py"
    spec = importlib.util.spec_from_file_location("search_postings_revision", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


async def seed_as_the_owner(count: int) -> int:
    """The sample catalog, written as the connection's own user: before 0010 the roles the
    functions assume have no privilege in this database."""
    async with get_sessionmaker()() as session, session.begin():
        return await upsert_books(session, generate_catalog(count, today=today()))


@pytest.fixture
def catalog_before_the_backfill(empty_database_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    runner.run("upgrade", BEFORE)
    run_on_database(seed_as_the_owner(BOOKS))
    # Some books deleted already: the backfill passes them by (and indexes one listed again).
    sql(
        empty_database_url,
        "UPDATE books SET deleted_at = now() WHERE id IN "
        "(SELECT id FROM books ORDER BY md5(isbn) LIMIT $1)",
        BOOKS // 10,
    )
    monkeypatch.setenv("SEARCH_BACKFILL_BATCH_ROWS", str(BATCH_ROWS))
    return empty_database_url


def helper_tables(database_url: str) -> list[str]:
    rows = sql(
        database_url,
        "SELECT relname FROM pg_class WHERE relname IN ('search_backfill', "
        "'search_backfill_inserted') ORDER BY 1",
    )
    return [row["relname"] for row in rows]


def trigger_functions_read_the_backfill(database_url: str) -> bool:
    rows = sql(
        database_url,
        "SELECT prosrc FROM pg_proc WHERE proname IN ('index_book_words', 'index_inserted_books')",
    )
    assert len(rows) == 2
    return any("search_backfill" in row["prosrc"] for row in rows)


def test_checkouts_write_stock_between_the_backfill_s_batches_and_never_wait_a_second(
    catalog_before_the_backfill: str,
) -> None:
    url = catalog_before_the_backfill
    # A stock write that waits a second for a lock fails its writer, and the block with it.
    with writing(url, update_stock, update_stock) as writers:
        started = time.monotonic()
        result = runner.run("upgrade", REVISION)
        backfill_seconds = time.monotonic() - started
    writes = [write for writer in writers for write in writer.writes]

    assert result.current == REVISION
    # Stock writes committed while the backfill was part way, between many of its 60 batches: in
    # the migration's one transaction, they would all have waited for its end.
    assert len(watermarks_seen(writes)) >= 10, backfill_seconds
    assert index_differences(url) == NO_DIFFERENCE


def test_the_search_index_ends_as_indexing_from_scratch_leaves_it_however_books_change_during_the_backfill(
    catalog_before_the_backfill: str,
) -> None:
    url = catalog_before_the_backfill
    with writing(url, edit_catalog, edit_catalog, edit_catalog, update_stock) as writers:
        result = runner.run("upgrade", REVISION)
        # And a moment with the final triggers, the writers still at it.
        time.sleep(0.2)
    writes = [write for writer in writers for write in writer.writes]

    assert result.current == REVISION
    # New titles, descriptions, deletions and books raced the batches, not just the ends.
    assert len(watermarks_seen(writes)) >= 10
    assert index_differences(url) == NO_DIFFERENCE
    assert helper_tables(url) == []
    assert not trigger_functions_read_the_backfill(url)


def test_a_backfill_stopped_half_way_by_a_lock_timeout_goes_on_where_it_stopped_when_run_again(
    catalog_before_the_backfill: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = catalog_before_the_backfill
    monkeypatch.setenv("MIGRATION_LOCK_TIMEOUT", "0.5")
    monkeypatch.setenv("SEARCH_BACKFILL_BATCH_ROWS", "20")
    get_settings.cache_clear()
    # Far enough along that the editor holds it long before the batches reach it.
    held = sql(url, "SELECT id FROM books ORDER BY id OFFSET $1 LIMIT 1", BOOKS * 9 // 10)[0]["id"]
    editor = BookHeldDuringTheBackfill(url, held, "Halfway Zeppelin")
    editor.start()
    try:
        with pytest.raises(Exception, match="lock timeout"):
            runner.run("upgrade", REVISION)
        assert editor.held.is_set()
    finally:
        editor.release()

    assert runner.run("current").current == BEFORE
    watermark = sql(url, "SELECT watermark FROM search_backfill")[0]["watermark"]
    assert watermark is not None
    assert watermark < held
    # Books change while the backfill is half done, before the migration runs again.
    with writing(url, edit_catalog, edit_catalog):
        time.sleep(0.5)
    again = runner.run("upgrade", REVISION)

    assert again.current == REVISION
    assert index_differences(url) == NO_DIFFERENCE
    assert sql(url, "SELECT books FROM search_words WHERE word = 'zeppelin'")[0]["books"] >= 1
    assert helper_tables(url) == []


def test_a_migration_stopped_after_its_last_batch_ends_the_same_when_run_again(
    catalog_before_the_backfill: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = catalog_before_the_backfill
    monkeypatch.setenv("MIGRATION_LOCK_TIMEOUT", "0.5")
    get_settings.cache_clear()
    # The backfill's watermark table made ahead of the migration (which then keeps it, as a run
    # after a failure does), so that a reader can hold it: dropping it, the last step, times out.
    sql(url, revision_module().SEARCH_BACKFILL)
    reader = OpenTransaction(url)
    try:
        reader.execute("LOCK TABLE search_backfill IN ACCESS SHARE MODE")
        with pytest.raises(Exception, match="lock timeout"):
            runner.run("upgrade", REVISION)
    finally:
        reader.commit()

    assert runner.run("current").current == BEFORE
    # The batches are done and the final trigger functions committed.
    assert sql(url, "SELECT watermark::text AS w FROM search_backfill")[0]["w"] == DONE
    assert not trigger_functions_read_the_backfill(url)
    with writing(url, edit_catalog, edit_catalog):
        time.sleep(0.5)
    again = runner.run("upgrade", REVISION)

    assert again.current == REVISION
    assert index_differences(url) == NO_DIFFERENCE
    assert helper_tables(url) == []
    assert not trigger_functions_read_the_backfill(url)


def test_the_offline_sql_commits_the_triggers_before_the_backfill_and_bounds_each_batch() -> None:
    settings = Settings()
    bounds = [
        f"SET LOCAL lock_timeout = '{int(settings.migration_lock_timeout * 1000)}ms';",
        f"SET LOCAL statement_timeout = '{int(settings.migration_statement_timeout * 1000)}ms';",
    ]
    lines = [line.strip() for line in revision_sql()[REVISION].splitlines() if line.strip()]

    last_trigger = max(
        i for i, line in enumerate(lines) if line.startswith("CREATE OR REPLACE TRIGGER")
    )
    batch = lines.index("WITH batch AS MATERIALIZED (")
    committed = lines.index("COMMIT;")
    assert last_trigger < committed
    assert lines[committed:batch] == ["COMMIT;", "BEGIN;", *bounds]
    assert "COMMIT;" in lines[batch:]
    end_of_batch = batch + lines[batch:].index("COMMIT;")
    assert lines[end_of_batch - 1] == "SELECT count(*) FROM batch;"
