"""What the second ways kept on `GET /books` buy, side by side: the Books handler as deployed, the
same list served as every other list is, and served with FastAPI's own query model.

Three whole function handlers (`create_app` + `create_handler`, with the edge middleware, error
handling and log line), on the same scratch database, in one process and on one event loop,
interleaved round by round so that machine noise hits each alike, for a page of 20 fifty pages
deep and a price range sorted by price:

- ours: `RequestRoute` calls the endpoint straight with its `QueryModel`, and `RowPages` writes
  the page from the rows;
- every list's way: the `QueryModel` dependency, a `Page[BookPublic]` built by `page_of_rows`,
  FastAPI serializing it against its response model;
- FastAPI's query model: the same, with the query as `Annotated[CatalogQuery, Query()]`.

Prints each p50 and the difference from ours, the figure the project's rule weighs (a second way
stays for 0.5 ms of a warm request, 10 ms of a cold start, or a target it alone keeps):

    uv run python bench/ways_bench.py [--books 20000] [--rounds 20] [--calls 50]
"""

import argparse
import os
import sys
import time
from dataclasses import replace
from typing import Annotated, Any

# Read when the shared layer is imported: the deployed defaults, no tracing.
os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "INFO")
os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "true")
os.environ.setdefault("POWERTOOLS_SERVICE_NAME", "ways-bench")

from books_bench import deep_cursor, load_books
from fastapi import APIRouter, Depends, Query
from support import percentile, run, scratch_database
from warm_path import Handler, logs_discarded, time_calls

from bookstore.events import http_api_event
from functions.books import repository
from functions.books.catalog_query import sort_order
from functions.books.router import CatalogQuery
from functions.books.schemas import BookPublic
from shared.db.access import CATALOG
from shared.db.compiled import reading
from shared.domain.availability import today
from shared.http.app import create_app
from shared.http.pagination import Page, page_of_rows
from shared.http.query_params import QueryModel
from shared.runtime.handler import create_handler


def list_handler(query_dependency: Any, title: str) -> Handler:
    """`GET /books` served the way every other list is, its query read by `query_dependency`.
    (This module's annotations are evaluated: FastAPI must see the closure's dependency.)"""
    router = APIRouter(prefix="/books")

    @router.get("")
    async def list_books(query: Annotated[CatalogQuery, query_dependency]) -> Page[BookPublic]:
        filters = query.filters()
        order = sort_order(query.sort, filters.searching)
        after = None if query.cursor is None else order.after_values(query.cursor)
        async with reading(CATALOG) as reader:
            if filters.q is not None:
                terms = await repository.spell(reader, query=filters.q, typing=filters.typing)
                filters = replace(filters, terms=terms)
            rows = await repository.list_books(
                reader, filters=filters, order=order, after=after, limit=query.limit, today=today()
            )
        return page_of_rows(Page[BookPublic], rows, query.limit, order.cursor_of)

    return create_handler(create_app("books", router, title=title))


def measure(books: int, rounds: int, calls: int) -> list[tuple[str, dict[str, float]]]:
    with scratch_database("bench_ways") as database_url:
        load_seconds = run(load_books(database_url, books))
        print(f"{books} books loaded in {load_seconds:.1f} s", file=sys.stderr)
        from functions.books.app import handler as ours

        handlers = {
            "ours": ours,
            "every list's way": list_handler(Depends(QueryModel(CatalogQuery)), "lists"),
            "FastAPI's query model": list_handler(Query(), "FastAPI"),
        }
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
    parser.add_argument("--books", type=int, default=20000)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--calls", type=int, default=50)
    arguments = parser.parse_args()
    started = time.perf_counter()
    results = measure(arguments.books, arguments.rounds, arguments.calls)
    others = [name for name in results[0][1] if name != "ours"]
    print("| request | ours p50 | " + " | ".join(f"{name} p50" for name in others) + " |")
    print("|---|---|" + "---|" * len(others))
    for name, p50 in results:
        cells = [
            f"{p50[other]:.3f} ms ({(p50[other] - p50['ours']) * 1000:+.0f} us)" for other in others
        ]
        print(f"| {name} | {p50['ours']:.3f} ms | " + " | ".join(cells) + " |")
    print(f"({time.perf_counter() - started:.0f} s)", file=sys.stderr)


if __name__ == "__main__":
    main()
