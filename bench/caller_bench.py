"""What carrying the caller costs: `GET /cart`, `GET /orders` and `PUT /cart/items/{id}` through
their real handlers, with each transaction assuming its role and caller (as deployed) and without.

"Without" is the code before row-level security, rebuilt here by switching the two steps off for
one call at a time: the sessionless reads then run outside any transaction (one round trip per
statement) and a session's transaction starts with its own first statement. The benchmark
connects as a superuser, which row-level security does not bind, so both answer the same rows.
Both run in one process on one loop, interleaved round by round.

Prints each route's round trips (exchanges with the server per request, counted at the pooled
connection's socket) and p50 before and after, and the ratio after / before.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "INFO")
os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "true")
os.environ.setdefault("POWERTOOLS_SERVICE_NAME", "caller-bench")

import asyncpg
import pytest
from support import percentile, run, scratch_database
from warm_path import logs_discarded

from bookstore.bench_figures import Figure, write_figures
from bookstore.events import http_api_event
from bookstore.lambda_context import LocalLambdaContext
from shared.auth.tokens import create_access_token
from shared.db import compiled, transaction
from shared.db.access import Access
from shared.db.engine import get_engine

Handler = Callable[[dict[str, Any], Any], dict[str, Any]]
ORDERS = 20
CART_LINES = 3


async def load(database_url: str) -> tuple[uuid.UUID, list[uuid.UUID]]:
    """A customer with a three-line cart and 20 orders of two lines each; the books it holds."""
    connection = await asyncpg.connect(database_url)
    try:
        user_id = uuid.uuid4()
        await connection.execute(
            "INSERT INTO users (id, email, full_name, password_hash) "
            "VALUES ($1, 'bench@example.org', 'Bench', 'x')",
            user_id,
        )
        books = [uuid.uuid4() for _ in range(CART_LINES)]
        for number, book_id in enumerate(books):
            await connection.execute(
                "INSERT INTO books (id, isbn, title, author, genre, price, stock) "
                "VALUES ($1, $2, $3, 'Ann Author', 'Fiction', 9.99, 1000)",
                book_id,
                f"979{number:010d}",
                f"Book {number}",
            )
            await connection.execute(
                "INSERT INTO cart_items (user_id, book_id, quantity) VALUES ($1, $2, 1)",
                user_id,
                book_id,
            )
        for _ in range(ORDERS):
            order_id = uuid.uuid4()
            await connection.execute(
                "INSERT INTO orders (id, user_id, total, currency) VALUES ($1, $2, 19.98, 'USD')",
                order_id,
                user_id,
            )
            for line, book_id in enumerate(books[:2], start=1):
                await connection.execute(
                    "INSERT INTO order_items (order_id, book_id, line_number, title, unit_price, "
                    "quantity, line_total) VALUES ($1, $2, $3, 'Book', 9.99, 1, 9.99)",
                    order_id,
                    book_id,
                    line,
                )
        return user_id, books
    finally:
        await connection.close()


@contextlib.contextmanager
def without_caller() -> Iterator[None]:
    """The code before row-level security: no role, no caller, no transaction around a read."""

    async def nothing(self: compiled.Reader, *args: Any) -> None:
        return None

    @contextlib.asynccontextmanager
    async def unassumed(access: Access) -> AsyncIterator[Any]:
        async with transaction.get_sessionmaker()() as session:
            await session.begin()
            try:
                yield session
            except BaseException:
                await session.rollback()
                raise
            await session.commit()

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(compiled.Reader, "begin", nothing)
        patch.setattr(compiled.Reader, "end", nothing)
        patch.setattr(transaction, "transaction", unassumed)
        yield


class RoundTrips:
    """Messages the pool's one connection sends the server: asyncpg writes each exchange (a
    simple query, a bind-and-execute of a prepared statement, a prepare) in one write to its
    socket's transport and waits for the answer, so writes are round trips."""

    def __init__(self) -> None:
        self.count = 0
        pooled = get_engine().raw_connection()
        try:
            transport = pooled.driver_connection._transport  # type: ignore[union-attr]
            write = transport.write

            def counted(data: Any) -> None:
                self.count += 1
                write(data)

            transport.write = counted
        finally:
            pooled.close()


def call(handler: Handler, event: dict[str, Any], expected: int) -> float:
    context = LocalLambdaContext(function_name="bench", timeout_seconds=15)
    started = time.perf_counter()
    response = handler(event, context)
    elapsed = (time.perf_counter() - started) * 1000
    assert response["statusCode"] == expected, response
    return elapsed


def measure(rounds: int, calls: int) -> list[tuple[str, int, int, float, float]]:
    """(route, round trips before, after, p50 ms before, after)."""
    with scratch_database("bench_caller") as database_url:
        user_id, books = run(load(database_url))
        token = create_access_token(user_id, "customer")[0]
        headers = {"authorization": f"Bearer {token}"}
        from functions.cart.app import handler as cart
        from functions.orders.app import handler as orders

        routes: dict[str, tuple[Handler, dict[str, Any]]] = {
            "GET /cart": (cart, http_api_event("GET", "/cart", headers=headers)),
            "GET /orders": (orders, http_api_event("GET", "/orders", headers=headers)),
            "PUT /cart/items/{id}": (
                cart,
                http_api_event(
                    "PUT",
                    f"/cart/items/{books[0]}",
                    headers={**headers, "content-type": "application/json"},
                    body='{"quantity": 2}',
                ),
            ),
        }
        for handler, event in routes.values():  # imports, connection, statement caches
            for _ in range(50):
                call(handler, event, 200)
                with without_caller():
                    call(handler, event, 200)
        counter = RoundTrips()
        trips: dict[tuple[str, bool], int] = {}
        for route, (handler, event) in routes.items():
            for before in (True, False):
                counter.count = 0
                with without_caller() if before else contextlib.nullcontext():
                    call(handler, event, 200)
                trips[route, before] = counter.count
        samples: dict[tuple[str, bool], list[float]] = {key: [] for key in trips}
        for _ in range(rounds):
            for route, (handler, event) in routes.items():
                for before in (True, False):
                    with without_caller() if before else contextlib.nullcontext():
                        samples[route, before] += [call(handler, event, 200) for _ in range(calls)]
        return [
            (
                route,
                trips[route, True],
                trips[route, False],
                percentile(samples[route, True], 0.5),
                percentile(samples[route, False], 0.5),
            )
            for route in routes
        ]


def report(results: list[tuple[str, int, int, float, float]]) -> str:
    lines = [
        "| route | round trips before | after | p50 before | p50 after | after / before |",
        "|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {route} | {trips_before} | {trips_after} | {before:.2f} ms | {after:.2f} ms "
        f"| **{after / before:.2f}** |"
        for route, trips_before, trips_after, before, after in results
    ]
    return "\n".join(lines)


def figures(results: list[tuple[str, int, int, float, float]]) -> list[Figure]:
    return [
        Figure(
            f"{route} with its caller carried, p50",
            after,
            before,
            "no role, no caller",
            "ms",
            None,
        )
        for route, _, _, before, after in results
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--calls", type=int, default=50, help="calls per route and way a round")
    parser.add_argument("--json", help="also write the figures to this file (bookstore bench)")
    arguments = parser.parse_args()
    with logs_discarded():
        results = measure(arguments.rounds, arguments.calls)
    print(report(results))
    sys.stdout.flush()
    write_figures(arguments.json, figures(results))


if __name__ == "__main__":
    main()
