"""Search as the catalog grows: each query of books_bench, a word one book in ten holds, the same
with a typo, a prefix as typed, and page five of each, through the real handler at two sizes.

    uv run python bench/search_bench.py [--sizes 100000 1000000] [--runs 100] [--json FILE]

Creates its own database on the server of BENCH_DATABASE_URL (else TEST_DATABASE_URL, else the
machine's PostgreSQL), migrates it, loads the smaller size with SQL (`generate_series` over the
sample catalog's first books, so each word keeps its share as the catalog grows), measures, grows
it to the larger size and measures again. Prints p50/p99 per query and page at both sizes, the
ratio of the larger p99 to the smaller, and the plans (EXPLAIN ANALYZE, BUFFERS) of the page
statements at the larger size. Drops the database at the end.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import sys
import time
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")
os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "true")
os.environ.setdefault("POWERTOOLS_SERVICE_NAME", "search-bench")

import asyncpg
from books_bench import AS_TYPED, SEARCHES, TWO_TYPOS, compiled_sql
from support import percentile, run, scratch_database

from bookstore.bench_figures import Figure, write_figures
from bookstore.catalog.generator import generate_catalog
from bookstore.events import http_api_event
from bookstore.lambda_context import LocalLambdaContext
from functions.books.app import handler

# A word one book in ten holds (in the title of one in twenty, the description of another).
COMMON = "lantern"
QUERIES = (
    *SEARCHES,
    *AS_TYPED,
    *TWO_TYPOS,
    COMMON,
    "lantren",  # a swap of two letters
    "lant",  # typed so far: no space after it
)
P99_LIMIT_MS = 30.0
GROWTH_LIMIT = 2.0
TEMPLATES = 20_000

LOAD = """
INSERT INTO books (id, isbn, title, author, description, genre, price, stock, release_date)
SELECT gen_random_uuid(),
       '979' || lpad(i::text, 10, '0'),
       CASE WHEN i % 20 = 0 THEN 'The Lantern of ' || t.title ELSE t.title END,
       t.author,
       CASE WHEN i % 20 = 10 THEN t.description || ' A lantern burns.' ELSE t.description END,
       t.genre, t.price, 1 + i % 50, t.release_date
FROM generate_series($1::int, $2::int - 1) AS i
JOIN bench_templates t ON t.n = i % $3::int
"""
# What the trigger does row by row, done set-based for the rows just loaded (the trigger is off
# during the load: a million rows one by one would take the whole sitting).
POSTINGS = """
INSERT INTO search_postings (word, rank, book_id)
SELECT p.word, p.rank, books.id
FROM books, book_postings(books.search_vector) AS p
WHERE books.isbn >= '979' || lpad($1::int::text, 10, '0') AND books.deleted_at IS NULL
"""
WORDS = """
INSERT INTO search_words (word, books)
SELECT lexeme, count(*)
FROM books, unnest(to_tsvector('simple', books.title || ' ' || books.author || ' '
                                         || books.description))
WHERE books.deleted_at IS NULL
GROUP BY lexeme
ON CONFLICT (word) DO UPDATE SET books = EXCLUDED.books
"""


async def load(url: str, start: int, end: int) -> float:
    connection = await asyncpg.connect(url)
    try:
        began = time.perf_counter()
        if start == 0:
            await connection.execute(
                "CREATE TABLE bench_templates (n int PRIMARY KEY, title text, author text, "
                "description text, genre text, price numeric, release_date date)"
            )
            today = datetime.now(UTC).date()
            records = [
                (n, b.title, b.author, b.description, b.genre, b.price, b.release_date)
                for n, b in enumerate(generate_catalog(TEMPLATES, today=today))
            ]
            await connection.copy_records_to_table("bench_templates", records=records)
        await connection.execute("ALTER TABLE books DISABLE TRIGGER USER")
        await connection.execute(LOAD, start, end, TEMPLATES)
        await connection.execute(POSTINGS, start)
        await connection.execute(WORDS)
        await connection.execute("ALTER TABLE books ENABLE TRIGGER USER")
        await connection.execute("VACUUM ANALYZE books")
        await connection.execute("VACUUM ANALYZE search_postings")
        await connection.execute("VACUUM ANALYZE search_words")
        return time.perf_counter() - began
    finally:
        await connection.close()


def request(query: dict[str, str]) -> tuple[float, dict[str, Any]]:
    event = http_api_event("GET", "/books", query=urlencode(query))
    context = LocalLambdaContext()
    started = time.perf_counter()
    response = handler(event, context)
    elapsed = (time.perf_counter() - started) * 1000
    if response["statusCode"] != 200:
        raise SystemExit(f"{query}: {response['statusCode']} {response['body'][:300]}")
    return elapsed, json.loads(response["body"])


def page_five(q: str) -> dict[str, str] | None:
    query = {"q": q}
    for _ in range(4):
        _, body = request(query)
        if body["next_cursor"] is None:
            return None
        query = {"q": q, "cursor": body["next_cursor"]}
    return query


def measure(runs: int) -> dict[tuple[str, int], list[float]]:
    """Handler times per (query, page), the queries interleaved."""
    with open(os.devnull, "w") as devnull, contextlib.redirect_stdout(devnull):
        queries: dict[tuple[str, int], dict[str, str]] = {}
        for q in QUERIES:
            queries[(q, 1)] = {"q": q}
            fifth = page_five(q)
            if fifth is not None:
                queries[(q, 5)] = fifth
        times: dict[tuple[str, int], list[float]] = {key: [] for key in queries}
        for round_ in range(runs + 5):  # the first 5 rounds warm up
            for key, query in queries.items():
                elapsed, _ = request(query)
                if round_ >= 5:
                    times[key].append(elapsed)
    return times


def plans(url: str, keys: list[tuple[str, int]]) -> list[str]:
    shown = []
    for q, page in keys:
        with open(os.devnull, "w") as devnull, contextlib.redirect_stdout(devnull):
            query = {"q": q} if page == 1 else page_five(q)
        if query is None:
            continue
        sql, args = compiled_sql(query)[-1]
        plan = run(explain(url, sql, args))
        shown.append(f"--- plan: q={q!r} page {page}\n{plan}")
    return shown


async def explain(url: str, sql: str, args: list[Any]) -> str:
    connection = await asyncpg.connect(url)
    try:
        rows = await connection.fetch("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql, *args)
        return "\n".join(row[0] for row in rows)
    finally:
        await connection.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs=2, default=(100_000, 1_000_000))
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--plans", action="store_true", help="print every plan, not four")
    parser.add_argument("--json", help="also write the figures to this file (bookstore bench)")
    arguments = parser.parse_args()
    small, large = arguments.sizes

    with scratch_database("search_bench") as url:
        results: dict[int, dict[tuple[str, int], list[float]]] = {}
        loaded = 0
        for size in (small, large):
            seconds = run(load(url, loaded, size))
            loaded = size
            print(f"loaded {size} books with SQL in {seconds:.0f} s (postings and words included)")
            results[size] = measure(arguments.runs)
        keys = list(results[small])
        if arguments.plans:
            wanted = keys
        else:
            wanted = [(COMMON, 1), (COMMON, 5), ("lant", 1), ("silent garden", 1)]
        shown = plans(url, [key for key in wanted if key in results[large]])

    figures, failed = report(results, small, large)
    print("\n\n".join(shown))
    write_figures(arguments.json, figures)
    return 1 if failed else 0


def report(
    results: dict[int, dict[tuple[str, int], list[float]]], small: int, large: int
) -> tuple[list[Figure], bool]:
    print(f"\n{'query':<28} page | {small:>9} p50   p99 | {large:>9} p50   p99 | p99 x  | target")
    figures = []
    failed = False
    worst_p99, worst_growth = (0.0, ""), (0.0, "")
    for key, times in results[large].items():
        q, page = key
        before = results[small].get(key)
        s50 = statistics.median(before) if before else float("nan")
        s99 = percentile(before, 0.99) if before else float("nan")
        l50, l99 = statistics.median(times), percentile(times, 0.99)
        growth = l99 / s99 if before else float("nan")
        met = l99 <= P99_LIMIT_MS and (not before or growth <= GROWTH_LIMIT)
        failed |= not met
        print(
            f"{q:<28} {page:>4} | {s50:9.2f} {s99:6.2f} | {l50:9.2f} {l99:6.2f} | "
            f"{growth:5.2f}  | {'met' if met else 'NOT met'}"
        )
        worst_p99 = max(worst_p99, (l99, f"{q} p{page}"))
        if before:
            worst_growth = max(worst_growth, (growth, f"{q} p{page}"))
    figures.append(
        Figure(
            f"search at {large} books, worst p99 ({worst_p99[1]})",
            worst_p99[0],
            P99_LIMIT_MS,
            "the 30 ms target",
            "ms",
            1.0,
        )
    )
    growth_key = tuple(worst_growth[1].rsplit(" p", 1))
    key = (growth_key[0], int(growth_key[1]))
    figures.append(
        Figure(
            f"search p99 at {large} / {small} books, worst ({worst_growth[1]})",
            percentile(results[large][key], 0.99),
            percentile(results[small][key], 0.99),
            f"its p99 at {small}",
            "ms",
            GROWTH_LIMIT,
        )
    )
    return figures, failed


if __name__ == "__main__":
    sys.exit(main())
