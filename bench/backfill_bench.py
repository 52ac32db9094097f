"""Revision 0009 on a large catalog while checkouts write stock: how long the stock updates wait.

    uv run python bench/backfill_bench.py [--books 100000] [--before d73a5d9] [--only after]

For each of two versions of alembic/versions/0009_search_postings.py, `before` (the file at the
commit --before names, which backfilled in the migration's one transaction) and `after` (the
working tree's, which backfills in batches after committing its DDL), creates a database on the
server of BENCH_DATABASE_URL (else TEST_DATABASE_URL, else postgresql://postgres@127.0.0.1:5432/
postgres), migrates it to 0008, COPYs the sample catalog in, then runs the upgrade to 0009 while
a second connection updates the stock of random books one after another, as checkouts do. Prints
the upgrade's duration, how many stock updates completed meanwhile, and their longest and p99
waits; checks that the search index equals a recount from scratch. Drops the databases.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")
os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "true")
os.environ.setdefault("POWERTOOLS_SERVICE_NAME", "backfill-bench")

import asyncpg
from support import admin, percentile, run, server_url

from bookstore.catalog.generator import generate_catalog
from bookstore.dsn import asyncpg_dsn
from functions.migrations import runner
from shared.db.engine import dispose_engine
from shared.db.ids import new_id
from shared.settings import get_settings

ROOT = Path(__file__).resolve().parents[1]
REVISION = "alembic/versions/0009_search_postings.py"
COLUMNS = ("id", "isbn", "title", "author", "description", "genre", "price", "stock")
RECOUNT_DIFFERS = """
SELECT
  (SELECT count(*) FROM (
     (SELECT p.word, p.rank, b.id FROM books b, book_postings(b.search_vector) p
      WHERE b.deleted_at IS NULL EXCEPT ALL SELECT word, rank, book_id FROM search_postings)
     UNION ALL
     (SELECT word, rank, book_id FROM search_postings EXCEPT ALL
      SELECT p.word, p.rank, b.id FROM books b, book_postings(b.search_vector) p
      WHERE b.deleted_at IS NULL)) d)
  +
  (SELECT count(*) FROM (
     WITH expected AS (
       SELECT lexeme AS word, count(*)::int AS books
       FROM books, unnest(to_tsvector('simple', coalesce(title, '') || ' ' || coalesce(author, '')
                                                || ' ' || coalesce(description, '')))
       WHERE deleted_at IS NULL GROUP BY lexeme)
     (SELECT * FROM expected EXCEPT ALL SELECT word, books FROM search_words)
     UNION ALL (SELECT word, books FROM search_words EXCEPT ALL SELECT * FROM expected)) d)
"""


def scripts_at(ref: str, folder: Path) -> Path:
    """A copy of alembic/ with 0009 as it was at `ref`."""
    scripts = folder / "alembic"
    shutil.copytree(ROOT / "alembic", scripts, ignore=shutil.ignore_patterns("__pycache__"))
    old = subprocess.run(
        ["git", "show", f"{ref}:{REVISION}"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    (scripts / "versions" / Path(REVISION).name).write_text(old)
    return scripts


async def load_books(dsn: str, count: int) -> None:
    today = datetime.now(UTC).date()
    records = [
        (new_id(), b.isbn, b.title, b.author, b.description, b.genre, b.price, b.stock)
        for b in generate_catalog(count, today=today)
    ]
    connection = await asyncpg.connect(dsn)
    try:
        await connection.copy_records_to_table("books", records=records, columns=COLUMNS)
        await connection.execute("VACUUM ANALYZE books")
    finally:
        await connection.close()


class Checkouts(threading.Thread):
    """Stock updates of random books, one after another, each its own transaction."""

    def __init__(self, dsn: str) -> None:
        super().__init__(daemon=True)
        self.dsn = dsn
        self.waits: list[tuple[float, float]] = []  # (finished at, seconds)
        self.stop = threading.Event()

    def run(self) -> None:
        asyncio.run(self._write())

    async def _write(self) -> None:
        connection = await asyncpg.connect(self.dsn)
        try:
            ids = [row["id"] for row in await connection.fetch("SELECT id FROM books")]
            rng = random.Random(7)
            while not self.stop.is_set():
                started = time.monotonic()
                await connection.execute(
                    "UPDATE books SET stock = stock + 1 WHERE id = $1", rng.choice(ids)
                )
                finished = time.monotonic()
                self.waits.append((finished, finished - started))
                await asyncio.sleep(0.01)
        finally:
            await connection.close()


def measure(name: str, scripts: Path, books: int) -> None:
    server = server_url()
    database = f"backfill_bench_{name}_{os.getpid()}"
    run(admin(server, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
    run(admin(server, f'CREATE DATABASE "{database}"'))
    dsn = asyncpg_dsn(server, database)
    os.environ["DATABASE_URL"] = dsn
    get_settings.cache_clear()
    try:
        runner.run("upgrade", "0008_login_throttle", scripts=scripts)
        started = time.monotonic()
        run(load_books(dsn, books))
        print(f"{name}: loaded {books} books at 0008 in {time.monotonic() - started:.1f} s")
        checkouts = Checkouts(dsn)
        checkouts.start()
        time.sleep(1)
        began = time.monotonic()
        runner.run("upgrade", scripts=scripts)
        ended = time.monotonic()
        time.sleep(0.5)
        checkouts.stop.set()
        checkouts.join()
        during = [seconds for finished, seconds in checkouts.waits if began <= finished <= ended]
        # The one that finished first after the upgrade waited for it, if anything did.
        straddling = [s for f, s in checkouts.waits if f > ended and f - s < ended][:1]
        waits = sorted(during + straddling)
        differs = run(_fetchval(dsn, RECOUNT_DIFFERS))
        print(
            f"{name}: upgrade {ended - began:.1f} s; {len(during)} stock updates completed "
            f"during it; longest wait {max(waits):.3f} s, p99 {percentile(waits, 0.99):.3f} s, "
            f"p50 {percentile(waits, 0.5):.3f} s; index rows differing from a recount: {differs}"
        )
    finally:
        run(dispose_engine())
        run(admin(server, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))


async def _fetchval(dsn: str, query: str) -> object:
    connection = await asyncpg.connect(dsn)
    try:
        return await connection.fetchval(query)
    finally:
        await connection.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--books", type=int, default=100_000)
    parser.add_argument("--before", default="d73a5d9", help="a commit with the old 0009")
    parser.add_argument("--only", choices=("before", "after"))
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="backfill-bench-") as scratch:
        variants = {
            "before": scripts_at(arguments.before, Path(scratch)),
            "after": runner.SCRIPT_LOCATION,
        }
        for name, scripts in variants.items():
            if arguments.only in (None, name):
                measure(name, scripts, arguments.books)
    return 0


if __name__ == "__main__":
    sys.exit(main())
