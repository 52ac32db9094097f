"""What a second way of serving a route buys: the Books function's hot reads, each served the way
the code does it and the plain FastAPI way, side by side.

Every variant is a whole function handler (`create_app` + `create_handler`, with the edge
middleware, error handling and log line), on the same scratch database, in one process and on
one event loop, interleaved round by round so that machine noise hits each alike:

- `GET /books` (a page of 20 fifty pages deep, and a price range sorted by price): the Books
  handler as deployed,
  against a route that takes its query as a FastAPI query model (`Annotated[CatalogQuery,
  Query()]`) and returns a `Page[BookPublic]` built from the rows (`page_of_rows`), FastAPI
  serializing it against its response model.
- `GET /books/{id}`: the Books handler, against a route that returns `BookPublic` for FastAPI to
  serialize.

Prints p50 of each and the difference, the figure the project's rule weighs (a second way stays
only for 0.5 ms of a warm request or 10 ms of a cold start):

    uv run python bench/ways_bench.py [--books 2000] [--rounds 20] [--calls 50]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import uuid
from dataclasses import replace
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
from bookstore.lambda_context import LocalLambdaContext
from functions.books import repository
from functions.books.catalog_query import sort_order
from functions.books.router import CatalogQuery
from functions.books.schemas import BookPublic
from shared.db.reads import reading
from shared.domain.availability import today
from shared.domain.errors import BookNotFoundError
from shared.http.app import create_app
from shared.http.pagination import Page, page_of_rows
from shared.runtime.handler import create_handler


def fastapi_way_handler() -> Handler:
    """The Books reads written the plain FastAPI way: query model in, model out."""
    router = APIRouter(prefix="/books")

    @router.get("", response_model=Page[BookPublic])
    async def list_books(query: Annotated[CatalogQuery, Query()]) -> Page[BookPublic]:
        filters = query.filters()
        order = sort_order(query.sort, filters.searching)
        after = None if query.cursor is None else order.after_values(query.cursor)
        async with reading() as reader:
            if filters.q is not None:
                terms = await repository.spell(reader, query=filters.q, typing=filters.typing)
                filters = replace(filters, terms=terms)
            rows = await repository.list_books(
                reader, filters=filters, order=order, after=after, limit=query.limit, today=today()
            )
        return page_of_rows(Page[BookPublic], rows, query.limit, order.cursor_of)

    @router.get("/{book_id}", response_model=BookPublic)
    async def get_book(book_id: uuid.UUID) -> BookPublic:
        async with reading() as reader:
            row = await repository.get_book(reader, book_id=book_id, today=today())
        if row is None:
            raise BookNotFoundError()
        return BookPublic.model_validate(dict(row))

    return create_handler(create_app("books", router, title="FastAPI's way"))


def measure(books: int, rounds: int, calls: int) -> list[tuple[str, dict[str, float]]]:
    with scratch_database("bench_ways") as database_url:
        load_seconds = run(load_books(database_url, books))
        print(f"{books} books loaded in {load_seconds:.1f} s", file=sys.stderr)
        from functions.books.app import handler as ours

        handlers = {"ours": ours, "fastapi": fastapi_way_handler()}
        first = ours(http_api_event("GET", "/books", query={"limit": "1"}), LocalLambdaContext())
        book_id = json.loads(first["body"])["items"][0]["id"]
        price_range = {"min_price": "10.00", "max_price": "20.00", "sort": "-price"}
        events = {
            "GET /books, 50 pages deep": http_api_event(
                "GET", "/books", query={"limit": "20", "cursor": deep_cursor(50)}
            ),
            "GET /books, price range": http_api_event("GET", "/books", query=price_range),
            "GET /books/{id}": http_api_event("GET", f"/books/{book_id}"),
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
    print("| request | ours p50 | FastAPI's way p50 | difference | ratio |")
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
