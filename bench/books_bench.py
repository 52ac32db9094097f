"""GET /books at 100 000 books: the real handler against the same SQL run directly with asyncpg.

    uv run python bench/books_bench.py [--books 100000] [--runs 300] [--keep]

Creates its own database on the server of BENCH_DATABASE_URL (else TEST_DATABASE_URL, else
postgresql://postgres@127.0.0.1:5432/postgres), migrates it, COPYs the sample catalog in, then for
each scenario prints p50/p99 through the handler, p50/p99 of the raw query, their ratios, and the
query plan (EXPLAIN ANALYZE), flagging any sequential scan of books. Drops the database at the end.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

# Read when the shared layer is imported: quiet logs, no tracing, as in a deployed function.
os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")
os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "true")
os.environ.setdefault("POWERTOOLS_SERVICE_NAME", "books-bench")

import asyncpg
from support import percentile, run, scratch_database

from bookstore.bench_figures import Figure, write_figures
from bookstore.catalog.generator import generate_catalog
from bookstore.events import http_api_event
from bookstore.lambda_context import LocalLambdaContext
from functions.books import repository
from functions.books.app import handler
from functions.books.catalog_query import sort_order
from functions.books.router import CatalogQuery
from functions.books.search import SearchTerms, query_words
from shared.db.access import CATALOG
from shared.db.compiled import reading
from shared.db.ids import new_id
from shared.domain.availability import today

COLUMNS = (
    "id",
    "isbn",
    "title",
    "author",
    "description",
    "genre",
    "price",
    "stock",
    "release_date",
)
SEARCHES = ("dragon", "hobit", "silent garden", "tolkien", "murder in the old quarter", "recipes")
# The same searches typed right, and with a typo in each of two words (a swap or a missing letter).
AS_TYPED = ("hobbit tolkien", "silent garden", "murder quarter")
TWO_TYPOS = ("hobit tolkein", "silnet gardne", "murdre quartre")


async def load_books(database_dsn: str, count: int) -> float:
    today = datetime.now(UTC).date()
    records = [
        (
            new_id(),
            b.isbn,
            b.title,
            b.author,
            b.description,
            b.genre,
            b.price,
            b.stock,
            b.release_date,
        )
        for b in generate_catalog(count, today=today)
    ]
    connection = await asyncpg.connect(database_dsn)
    try:
        started = time.perf_counter()
        await connection.copy_records_to_table("books", records=records, columns=COLUMNS)
        await connection.execute("VACUUM ANALYZE books")
        return time.perf_counter() - started
    finally:
        await connection.close()


def compiled_sql(query: dict[str, str]) -> list[tuple[str, list[Any]]]:
    """The exact statements the handler runs for `query` (the spelling lookup of a search, then
    the page), as SQL text and positional arguments."""
    parsed = CatalogQuery.model_validate(query)
    filters = parsed.filters()
    order = sort_order(parsed.sort, filters.searching)
    after = None if parsed.cursor is None else order.after_values(parsed.cursor)
    statements = []
    if filters.q is not None:
        words = query_words(filters.q)
        if words:
            lookup = repository.vocabulary_lookup(words, typing=filters.typing)
            statements.append(repository.VOCABULARY.arguments(lookup))
        filters = replace(filters, terms=run(spelled(filters.q, typing=filters.typing)))
    read, values = repository.page_read(
        filters=filters, order=order, after=after, limit=parsed.limit, today=today()
    )
    statements.append(read.arguments(values))
    return statements


async def spelled(query: str, *, typing: bool) -> SearchTerms:
    async with reading(CATALOG) as reader:
        return await repository.spell(reader, query=query, typing=typing)


def measure(
    name: str, queries: list[dict[str, str]], connection: asyncpg.Connection, runs: int
) -> dict[str, Any]:
    handler_ms: list[float] = []
    raw_ms: list[float] = []
    prepared = [compiled_sql(query) for query in queries]
    events = [urlencode(query) for query in queries]

    async def raw_once(statements: list[tuple[str, list[Any]]]) -> float:
        started = time.perf_counter()
        for sql, args in statements:
            await connection.fetch(sql, *args)
        return (time.perf_counter() - started) * 1000

    def handler_once(raw_query: str) -> float:
        # Lambda hands the handler its event and context: neither is the handler's time.
        event, context = http_api_event("GET", "/books", query=raw_query), LocalLambdaContext()
        started = time.perf_counter()
        response = handler(event, context)
        elapsed = (time.perf_counter() - started) * 1000
        if response["statusCode"] != 200:
            raise SystemExit(f"{name}: {response['statusCode']} {response['body'][:300]}")
        return elapsed

    with open(os.devnull, "w") as devnull, contextlib.redirect_stdout(devnull):  # metric lines
        for index in range(runs + 20):  # the first 20 warm both paths up
            which = index % len(queries)
            handler_time = handler_once(events[which])
            raw_time = run(raw_once(prepared[which]))
            if index >= 20:
                handler_ms.append(handler_time)
                raw_ms.append(raw_time)
    # The page's plan: the spelling lookup before it is an index scan of a small table.
    plans = [run(explain(connection, *prepared[i][-1])) for i in range(len(queries))]
    return {"name": name, "queries": queries, "handler": handler_ms, "raw": raw_ms, "plans": plans}


async def explain(connection: asyncpg.Connection, sql: str, args: list[Any]) -> str:
    rows = await connection.fetch("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) " + sql, *args)
    return "\n".join(row[0] for row in rows)


def deep_cursor(pages: int) -> str:
    cursor: str | None = None
    with open(os.devnull, "w") as devnull, contextlib.redirect_stdout(devnull):
        for _ in range(pages):
            query = {"limit": "20", **({"cursor": cursor} if cursor else {})}
            event = http_api_event("GET", "/books", query=urlencode(query))
            cursor = json.loads(handler(event, LocalLambdaContext())["body"])["next_cursor"]
    assert cursor is not None
    return cursor


def report(result: dict[str, Any], show: Callable[[str], None]) -> bool:
    # The median, as the figures take it: a scenario of several queries has its samples in
    # clusters, between which a nearest-rank p50 and the median can differ.
    h50, h99 = statistics.median(result["handler"]), percentile(result["handler"], 0.99)
    r50, r99 = statistics.median(result["raw"]), percentile(result["raw"], 0.99)
    show(
        f"{result['name']:<28} handler p50 {h50:6.2f} ms  p99 {h99:6.2f} ms | "
        f"raw p50 {r50:6.2f} ms  p99 {r99:6.2f} ms | ratio p50 {h50 / r50:4.2f}  p99 {h99 / r99:4.2f}"
        f"  (mean handler {statistics.fmean(result['handler']):.2f} ms)"
    )
    return any("Seq Scan on books" in plan for plan in result["plans"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--books", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--json", help="also write the figures to this file (bookstore bench)")
    arguments = parser.parse_args()

    with scratch_database("books_bench", keep=arguments.keep) as url:
        seconds = run(load_books(url, arguments.books))
        print(f"loaded {arguments.books} books with COPY in {seconds:.1f} s (indexes included)")
        return bench(arguments.runs, arguments.json)


def bench(runs: int, json_path: str | None = None) -> int:
    scenarios = {
        "search q": [{"q": q} for q in SEARCHES],
        "search, two words as typed": [{"q": q} for q in AS_TYPED],
        "search, a typo in both words": [{"q": q} for q in TWO_TYPOS],
        "author filter": [{"author": a} for a in ("nakamura", "Okafor", "jane austen")],
        "price range, sort -price": [
            {"min_price": "10.00", "max_price": "20.00", "sort": "-price"},
            {"min_price": "25", "max_price": "30", "sort": "price"},
        ],
        "deep page (50 pages in)": [{"limit": "20", "cursor": deep_cursor(50)}],
    }
    connection = run(asyncpg.connect(os.environ["DATABASE_URL"]))
    try:
        results = [measure(name, queries, connection, runs) for name, queries in scenarios.items()]
    finally:
        run(connection.close())
    seq_scans = False
    for result in results:
        seq_scans |= report(result, print)
    for result in results:
        for query, plan in zip(result["queries"], result["plans"], strict=True):
            shown = {k: v if k != "cursor" else "<50 pages in>" for k, v in query.items()}
            print(f"\n--- plan: {result['name']} {shown}\n{plan}")
    print(f"\nsequential scan of books in any plan: {'YES' if seq_scans else 'no'}")
    write_figures(
        json_path,
        [
            Figure(
                f"catalog: {result['name']}, p50",
                statistics.median(result["handler"]),
                statistics.median(result["raw"]),
                "its raw SQL (asyncpg)",
                "ms",
                2.5,
            )
            for result in results
        ],
    )
    return 1 if seq_scans else 0


if __name__ == "__main__":
    sys.exit(main())
