"""What the project's one way of reading a query buys: `GET /books` with its query read by
`QueryModel` (one Pydantic call), against the same route taking it as FastAPI's own query model
(`Annotated[CatalogQuery, Query()]`, read field by field), side by side.

Both are whole function handlers (`create_app` + `create_handler`, with the edge middleware,
error handling and log line) on the same scratch database, in one process and on one event loop,
interleaved round by round so that machine noise hits each alike. Prints each p50 and the
difference, the figure the project's rule weighs (bench/RESULTS.md):

    uv run python bench/ways_bench.py [--books 2000] [--rounds 20] [--calls 50]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from typing import Annotated

# Read when the shared layer is imported: the deployed defaults, no tracing.
os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "INFO")
os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "true")
os.environ.setdefault("POWERTOOLS_SERVICE_NAME", "ways-bench")

from books_bench import deep_cursor, load_books
from fastapi import APIRouter, Query
from support import percentile, run, scratch_database
from warm_path import Handler, logs_discarded, time_calls

from bookstore.events import http_api_event
from functions.books import service
from functions.books.router import CatalogQuery
from functions.books.schemas import BookPublic
from shared.http.app import create_app
from shared.http.pagination import Page
from shared.runtime.handler import create_handler


def fastapi_query_model_handler() -> Handler:
    """`GET /books` as the Books function serves it, but for FastAPI reading the query model."""
    router = APIRouter(prefix="/books")

    @router.get("")
    async def list_books(query: Annotated[CatalogQuery, Query()]) -> Page[BookPublic]:
        return await service.list_books(
            filters=query.filters(), sort=query.sort, limit=query.limit, cursor=query.cursor
        )

    return create_handler(create_app("books", router, title="FastAPI's query model"))


def measure(books: int, rounds: int, calls: int) -> list[tuple[str, dict[str, float]]]:
    with scratch_database("bench_ways") as database_url:
        load_seconds = run(load_books(database_url, books))
        print(f"{books} books loaded in {load_seconds:.1f} s", file=sys.stderr)
        from functions.books.app import handler as ours

        handlers = {"ours": ours, "fastapi": fastapi_query_model_handler()}
        price_range = {"min_price": "10.00", "max_price": "20.00", "sort": "-price"}
        events = {
            "GET /books, 50 pages deep": http_api_event(
                "GET", "/books", query={"limit": "20", "cursor": deep_cursor(50)}
            ),
            "GET /books, price range": http_api_event("GET", "/books", query=price_range),
        }
        samples: dict[tuple[str, str], list[float]] = {
            (event, handler): [] for event in events for handler in handlers
        }
        with logs_discarded():
            for event in events.values():
                for handler in handlers.values():
                    time_calls(handler, event, 100)  # warm
            for _ in range(rounds):
                for event_name, event in events.items():
                    for name, handler in handlers.items():
                        samples[(event_name, name)] += time_calls(handler, event, calls)
        return [
            (event_name, {name: percentile(samples[(event_name, name)], 0.5) for name in handlers})
            for event_name in events
        ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--books", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--calls", type=int, default=50)
    arguments = parser.parse_args()
    started = time.perf_counter()
    results = measure(arguments.books, arguments.rounds, arguments.calls)
    print("| request | QueryModel p50 | FastAPI's Query() p50 | difference | ratio |")
    print("|---|---|---|---|---|")
    for name, p50 in results:
        difference = p50["fastapi"] - p50["ours"]
        print(
            f"| {name} | {p50['ours']:.3f} ms | {p50['fastapi']:.3f} ms | "
            f"{difference * 1000:+.0f} us | {p50['fastapi'] / p50['ours']:.2f} |"
        )
    print(f"({time.perf_counter() - started:.0f} s)", file=sys.stderr)


if __name__ == "__main__":
    main()
