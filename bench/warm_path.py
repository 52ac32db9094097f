"""Warm `GET /books/{id}`: our Books function against the bare stack and against a typical peer.

Three Lambda handlers answer the same API Gateway event for the same row, in one process, on one
event loop, interleaved round by round (so a noisy machine slows all three alike):

- bare: FastAPI + Mangum, the row read with a raw asyncpg `fetchrow` on a kept connection;
- peer: what a user would write from the seed documents: FastAPI + Mangum, an `AsyncSession`
  dependency, `select(Book)`, a `response_model`;
- ours: the Books function's handler, as deployed (its log line, middleware, error handling).

Prints p50 and p99 per handler and the ratios ours/bare (target <= 2.0) and ours/peer (<= 0.7).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import date
from typing import Any

# Read when the shared layer is imported: the deployed defaults (INFO logs, one line a request),
# no tracing, and stdout away from the terminal as Lambda's log pipe is.
os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "INFO")
os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "true")
os.environ.setdefault("POWERTOOLS_SERVICE_NAME", "warm-path-bench")

import asyncpg
from fastapi import Depends, FastAPI, HTTPException
from mangum import Mangum
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from support import percentile, run, scratch_database

from bookstore.bench_figures import Figure, write_figures
from bookstore.dsn import asyncpg_dsn
from bookstore.events import http_api_event
from bookstore.lambda_context import LocalLambdaContext
from functions.books.schemas import BookPublic
from shared.db.models import Book
from shared.db.url import to_async_url

Handler = Callable[[dict[str, Any], Any], dict[str, Any]]
COLUMNS = (
    "id, isbn, title, author, description, genre, price, stock, release_date, "
    "(stock > 0 AND (release_date IS NULL OR release_date <= CURRENT_DATE)) AS available, "
    "created_at, updated_at"
)


def bare_handler(database_url: str) -> Handler:
    app = FastAPI()
    connection: list[asyncpg.Connection] = []

    @app.get("/books/{book_id}")
    async def get_book(book_id: uuid.UUID) -> dict[str, Any]:
        if not connection:
            connection.append(await asyncpg.connect(asyncpg_dsn(database_url)))
        row = await connection[0].fetchrow(
            f"SELECT {COLUMNS} FROM books WHERE id = $1 AND deleted_at IS NULL",
            book_id,
        )
        return dict(row) if row is not None else {}

    return Mangum(app, lifespan="off")


def peer_handler(database_url: str) -> Handler:
    engine = create_async_engine(to_async_url(database_url), pool_size=1, max_overflow=0)
    sessions = async_sessionmaker(engine, expire_on_commit=False)

    async def get_session() -> AsyncIterator[AsyncSession]:
        async with sessions() as session:
            yield session

    app = FastAPI()

    @app.get("/books/{book_id}", response_model=BookPublic)
    async def get_book(
        book_id: uuid.UUID,
        session: AsyncSession = Depends(get_session),
    ) -> Any:
        book = (await session.execute(select(Book).where(Book.id == book_id))).scalar_one_or_none()
        if book is None:
            raise HTTPException(404)
        released = book.release_date is None or book.release_date <= date.today()
        return {**book.__dict__, "available": released and book.stock > 0}

    return Mangum(app, lifespan="off")


def ours_handler(database_url: str) -> Handler:
    os.environ["DATABASE_URL"] = database_url
    from functions.books.app import handler

    return handler


def time_calls(handler: Handler, event: dict[str, Any], calls: int) -> list[float]:
    context = LocalLambdaContext(function_name="bench", timeout_seconds=15)
    samples = []
    for _ in range(calls):
        started = time.perf_counter()
        response = handler(event, context)
        samples.append((time.perf_counter() - started) * 1000)
        assert response["statusCode"] == 200, response
    return samples


def measure(rounds: int, calls: int) -> list[tuple[str, float, float]]:
    """(name, p50 ms, p99 ms) of bare, peer and ours."""
    with scratch_database("bench_warm") as database_url:
        book_id = uuid.uuid4()
        run(insert_book(database_url, book_id))
        handlers = {
            "bare": bare_handler(database_url),
            "peer": peer_handler(database_url),
            "ours": ours_handler(database_url),
        }
        event = http_api_event("GET", f"/books/{book_id}")
        samples: dict[str, list[float]] = {label: [] for label in handlers}
        for handler in handlers.values():
            time_calls(handler, event, 200)  # warm: imports, connections, statement caches
        for _ in range(rounds):
            for label, handler in handlers.items():
                samples[label] += time_calls(handler, event, calls)
        return [
            (label, percentile(values, 0.5), percentile(values, 0.99))
            for label, values in samples.items()
        ]


async def insert_book(database_url: str, book_id: uuid.UUID) -> None:
    connection = await asyncpg.connect(database_url)
    try:
        await connection.execute(
            "INSERT INTO books (id, isbn, title, author, genre, price, stock) "
            "VALUES ($1, '9780306406157', 'Warm Path', 'Ann Author', 'Fiction', 12.50, 3)",
            book_id,
        )
    finally:
        await connection.close()


def report(results: list[tuple[str, float, float]]) -> str:
    p50 = {label: median for label, median, _ in results}
    lines = ["| handler | p50 | p99 |", "|---|---|---|"]
    lines += [f"| {label} | {median:.2f} ms | {p99:.2f} ms |" for label, median, p99 in results]
    lines.append("")
    lines.append(
        f"ours / bare = **{p50['ours'] / p50['bare']:.2f}** (target <= 2.0); "
        f"ours / peer = **{p50['ours'] / p50['peer']:.2f}** (target <= 0.7)"
    )
    return "\n".join(lines)


@contextlib.contextmanager
def logs_discarded() -> Iterator[None]:
    """The handlers' log lines (written, as in Lambda, but to /dev/null) away from the report."""
    sys.stdout.flush()
    saved = os.dup(1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    try:
        yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(devnull)
        os.close(saved)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--calls", type=int, default=50, help="calls per handler per round")
    parser.add_argument("--json", help="also write the figures to this file (bookstore bench)")
    arguments = parser.parse_args()
    with logs_discarded():
        results = measure(arguments.rounds, arguments.calls)
    print(report(results))
    write_figures(arguments.json, figures(results))


def figures(results: list[tuple[str, float, float]]) -> list[Figure]:
    p50 = {label: median for label, median, _ in results}
    return [
        Figure(
            "warm GET /books/{id}, p50",
            p50["ours"],
            p50["bare"],
            "FastAPI+Mangum+fetchrow",
            "ms",
            2.0,
        ),
        Figure(
            "warm GET /books/{id}, p50",
            p50["ours"],
            p50["peer"],
            "AsyncSession+select peer",
            "ms",
            0.7,
        ),
    ]


if __name__ == "__main__":
    main()
