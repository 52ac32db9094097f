"""POST /orders: checkout latency through the real handler against the same transaction on asyncpg,
and 100 checkouts racing for 10 copies from separate processes.

    uv run python bench/orders_bench.py [--runs 300] [--processes 8] [--keep]

Creates its own database on the server of BENCH_DATABASE_URL (else TEST_DATABASE_URL, else
postgresql://postgres@127.0.0.1:5432/postgres), migrates it, and drops it at the end.

1. Latency (pinned to one core, as users_bench is): a 3-line cart checked out through the Orders
   Lambda handler (payload 2.0 event, a new Idempotency-Key each time), interleaved with the same
   transaction's statements sent by hand on one asyncpg connection. The SQL the handler sends is
   captured once and compared with the baseline's, statement by statement: the run stops if they
   differ. Carts are refilled outside the timed section.
2. Contention: 100 users with the same book (10 in stock) in their carts check out at once from
   `--processes` spawned processes, each a warm Lambda-like environment (handler imported, two
   checkouts served) released together by a barrier. The same pool then races `--rounds` times
   (5) with stock for all 100 (contention without refusals), each round also 100 buyers of a book
   each (no contention), the two alternating which goes first; the throughput ratio is the median
   of the rounds', since one race of half a second swings by a fifth. Baseline for the first: 100
   checkouts that all succeed, one after the other, from one such process. Exits non-zero unless
   each race sold exactly its stock (10 orders and 0 left for the first).
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import multiprocessing
import os
import secrets
import statistics
import sys
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from multiprocessing.pool import Pool
from multiprocessing.queues import SimpleQueue
from multiprocessing.synchronize import Barrier
from typing import Any

# Read when the shared layer is imported (here and in every spawned worker, which inherits them):
# quiet logs, no tracing, one signing key for the tokens made here and checked there.
os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")
os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "true")
os.environ.setdefault("POWERTOOLS_SERVICE_NAME", "orders-bench")
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(48))

import asyncpg
from support import percentile, run, scratch_database

from bookstore.bench_figures import Figure, write_figures
from bookstore.events import http_api_event
from bookstore.lambda_context import LocalLambdaContext
from bookstore.statements_sent import statements_sent
from functions.orders.app import handler
from shared.auth.tokens import create_access_token
from shared.db.engine import get_engine
from shared.db.ids import new_id
from shared.domain.availability import is_released, today
from shared.domain.money import CENTS, format_money
from shared.settings import get_settings

WARM_UP = 30
PRICES = ("12.99", "7.50", "23.00")  # one cart line per book, one copy each
RACERS = 100
COPIES = 10
WORKER_TIMEOUT = 120.0

# What functions/orders (service, repository) and shared/domain/checkout.py send for a checkout
# with an Idempotency-Key, in order, as SQLAlchemy compiles it for asyncpg. BEGIN and COMMIT
# around them are not cursor executions. First, every transaction assumes its role and caller
# (shared/db/access.py).
ASSUME = "SELECT set_config('role', $1, true), set_config('app.user_id', $2, true)"
LOCK_CART = (
    "SELECT cart_items.book_id, cart_items.quantity FROM cart_items "
    "JOIN books ON books.id = cart_items.book_id "
    "WHERE cart_items.user_id = $1::UUID AND books.deleted_at IS NULL "
    "ORDER BY cart_items.added_at, cart_items.book_id FOR UPDATE OF cart_items"
)
FIND_KEY = (
    "SELECT idempotency_keys.user_id, idempotency_keys.key, idempotency_keys.fingerprint, "
    "idempotency_keys.order_id, idempotency_keys.response_status, "
    "idempotency_keys.response_body, idempotency_keys.created_at FROM idempotency_keys "
    "WHERE idempotency_keys.user_id = $1::UUID AND idempotency_keys.key = $2::VARCHAR"
)
READ_BOOKS = (
    "SELECT books.id, books.title, books.price, books.stock, books.release_date, "
    "books.deleted_at, now() AS now FROM books WHERE books.id = ANY ($1::UUID[])"
)
# The one statement that locks the books: sent last, before COMMIT.
TAKE_STOCK = (
    "WITH locked AS (SELECT id FROM books WHERE id = ANY($1::UUID[]) ORDER BY id "
    "FOR NO KEY UPDATE) "
    "UPDATE books SET stock = books.stock - wanted.quantity, updated_at = now() "
    "FROM locked, unnest($1::UUID[], $2::INTEGER[]) AS wanted(book_id, quantity) "
    "WHERE books.id = locked.id AND books.id = wanted.book_id "
    "AND books.stock >= wanted.quantity AND books.deleted_at IS NULL "
    "AND coalesce(books.release_date, '-infinity'::date) <= $3::DATE "
    "RETURNING books.id"
)
INSERT_ORDER = (
    "INSERT INTO orders (id, user_id, status, total, currency) "
    "VALUES ($1::UUID, $2::UUID, $3::VARCHAR, $4::NUMERIC(12, 2), $5::VARCHAR)"
)
# Sent as one executemany, as SQLAlchemy does: asyncpg pipelines the lines in one round trip.
INSERT_LINES = (
    "INSERT INTO order_items (order_id, book_id, line_number, title, unit_price, quantity, "
    "line_total) VALUES ($1::UUID, $2::UUID, $3::SMALLINT, $4::VARCHAR, $5::NUMERIC(10, 2), "
    "$6::INTEGER, $7::NUMERIC(12, 2))"
)
INSERT_EVENT = (
    "INSERT INTO outbox_events (id, type, payload) VALUES ($1::UUID, $2::VARCHAR, $3::JSONB)"
)
EMPTY_CART = (
    "DELETE FROM cart_items USING books WHERE cart_items.user_id = $1::UUID "
    "AND books.id = cart_items.book_id "
    "AND (cart_items.book_id = ANY ($2::UUID[]) OR books.deleted_at IS NOT NULL)"
)
REMEMBER_KEY = (
    "INSERT INTO idempotency_keys (user_id, key, fingerprint, order_id, response_status, "
    "response_body) VALUES ($1::UUID, $2::VARCHAR, $3::VARCHAR, $4::UUID, $5::SMALLINT, "
    "$6::JSONB)"
)
CHECKOUT_SQL = (
    ASSUME,
    LOCK_CART,
    FIND_KEY,
    READ_BOOKS,
    INSERT_ORDER,
    INSERT_LINES,
    INSERT_EVENT,
    EMPTY_CART,
    REMEMBER_KEY,
    TAKE_STOCK,
)
LOCKS_BOOKS = "FOR NO KEY UPDATE"


def normalized(sql: str) -> str:
    return " ".join(sql.split())


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """The handler prints its JSON metric (EMF) and log lines to stdout, as in Lambda."""
    with open(os.devnull, "w") as devnull, contextlib.redirect_stdout(devnull):
        yield


def checkout_event(token: str) -> dict[str, Any]:
    headers = {"authorization": f"Bearer {token}", "idempotency-key": str(uuid.uuid4())}
    return http_api_event("POST", "/orders", headers=headers)


# --- the shop's rows, written straight into the database ------------------------------------


@dataclass(frozen=True)
class Buyer:
    id: uuid.UUID
    token: str


async def make_buyers(connection: asyncpg.Connection, count: int) -> list[Buyer]:
    ids = [new_id() for _ in range(count)]
    await connection.executemany(
        "INSERT INTO users (id, email, full_name, password_hash, role) "
        "VALUES ($1, $2, 'Bench Buyer', 'not-a-hash', 'customer')",
        [(user_id, f"buyer-{user_id}@example.org") for user_id in ids],
    )
    return [Buyer(user_id, create_access_token(user_id, "customer")[0]) for user_id in ids]


async def make_book(connection: asyncpg.Connection, *, stock: int, price: str) -> uuid.UUID:
    book_id = new_id()
    await connection.execute(
        "INSERT INTO books (id, isbn, title, author, genre, price, stock, release_date) "
        "VALUES ($1, $2, $3, 'Ann Author', 'Fiction', $4, $5, DATE '2020-01-01')",
        book_id,
        f"979{book_id.int % 10**10:010d}",
        f"Bench book {book_id.hex[-6:]}",
        Decimal(price),
        stock,
    )
    return book_id


async def fill_carts(
    connection: asyncpg.Connection, lines: Sequence[tuple[uuid.UUID, uuid.UUID, int]]
) -> None:
    await connection.executemany(
        "INSERT INTO cart_items (user_id, book_id, quantity) VALUES ($1, $2, $3)", lines
    )


# --- 1. checkout latency ----------------------------------------------------------------------


async def baseline_checkout(
    connection: asyncpg.Connection, *, user_id: uuid.UUID, key: str, currency: str
) -> None:
    """The handler's transaction by hand: same statements, same order, same parameters, and only
    the Python needed to produce them (the checks, the JSON of the event and of the answer)."""
    async with connection.transaction():
        await connection.fetchrow(ASSUME, "bookstore_app", str(user_id))
        lines = await connection.fetch(LOCK_CART, user_id)
        if await connection.fetchrow(FIND_KEY, user_id, key) is not None:
            raise RuntimeError("a new key was found")
        book_ids = sorted(line["book_id"] for line in lines)
        books = {row["id"]: row for row in await connection.fetch(READ_BOOKS, book_ids)}
        on_day = today()
        for line in lines:
            book = books.get(line["book_id"])
            if (
                book is None
                or book["deleted_at"] is not None
                or not is_released(book["release_date"], on_day)
                or book["stock"] < line["quantity"]
            ):
                raise RuntimeError("a line cannot be served")
        wanted = {line["book_id"]: line["quantity"] for line in lines}

        order_id = new_id()
        items = [
            {
                "book_id": line["book_id"],
                "title": books[line["book_id"]]["title"],
                "unit_price": books[line["book_id"]]["price"],
                "quantity": line["quantity"],
                "line_total": (books[line["book_id"]]["price"] * line["quantity"]).quantize(CENTS),
            }
            for line in lines
        ]
        total = sum((item["line_total"] for item in items), Decimal("0.00"))
        placed_at = next(iter(books.values()))["now"]
        await connection.execute(INSERT_ORDER, order_id, user_id, "pending", total, currency)
        await connection.executemany(
            INSERT_LINES,
            [
                (
                    order_id,
                    item["book_id"],
                    number,
                    item["title"],
                    item["unit_price"],
                    item["quantity"],
                    item["line_total"],
                )
                for number, item in enumerate(items, start=1)
            ],
        )
        json_items = [
            {
                "book_id": str(item["book_id"]),
                "title": item["title"],
                "unit_price": format_money(item["unit_price"]),
                "quantity": item["quantity"],
                "line_total": format_money(item["line_total"]),
            }
            for item in items
        ]
        event_id = new_id()
        payload = {
            "order_id": str(order_id),
            "user_id": str(user_id),
            "status": "pending",
            "lines": json_items,
            "total": format_money(total),
            "currency": currency,
            "occurred_at": placed_at.isoformat(),
            "event_id": str(event_id),
        }
        await connection.execute(INSERT_EVENT, event_id, "OrderPlaced", json.dumps(payload))
        await connection.execute(EMPTY_CART, user_id, book_ids)
        fingerprint = hashlib.sha256(
            ";".join(f"{i}:{wanted[i]}" for i in book_ids).encode()
        ).hexdigest()
        body = {
            "id": str(order_id),
            "status": "pending",
            "items": json_items,
            "total": format_money(total),
            "currency": currency,
            "created_at": placed_at.isoformat(),
            "updated_at": placed_at.isoformat(),
        }
        await connection.execute(
            REMEMBER_KEY, user_id, key, fingerprint, order_id, 201, json.dumps(body)
        )
        taken = await connection.fetch(TAKE_STOCK, book_ids, [wanted[i] for i in book_ids], on_day)
        if len(taken) != len(lines):
            raise RuntimeError("the stock was taken meanwhile")


def handler_statements(buyer: Buyer) -> list[str]:
    """The statements one checkout through the handler sends, in order."""
    with statements_sent(get_engine()) as sent, quiet():
        response = handler(checkout_event(buyer.token), LocalLambdaContext())
    if response["statusCode"] != 201:
        raise SystemExit(f"checkout: {response['statusCode']} {response['body'][:300]}")
    return [normalized(sql) for sql in sent]


@dataclass(frozen=True)
class Latency:
    handler_ms: list[float]
    baseline_ms: list[float]
    statements: int
    # Round trips sent while the books' rows are locked: the locking statement, those after it,
    # and the COMMIT.
    under_lock: int


def measure_latency(database_url: str, runs: int) -> Latency:
    setup = run(asyncpg.connect(database_url))
    baseline = run(asyncpg.connect(database_url))
    try:
        # +2: a first checkout of each side (the driver learns the array types on it), and the
        # checkout whose SQL is compared
        iterations = WARM_UP + runs + 2
        books = [run(make_book(setup, stock=2 * iterations, price=price)) for price in PRICES]
        via_handler, by_hand = run(make_buyers(setup, 2))
        currency = get_settings().currency

        def refill() -> None:
            lines = [(buyer.id, book, 1) for buyer in (via_handler, by_hand) for book in books]
            run(fill_carts(setup, lines))

        def handler_once() -> float:
            event, context = checkout_event(via_handler.token), LocalLambdaContext()
            started = time.perf_counter()
            response = handler(event, context)
            elapsed = (time.perf_counter() - started) * 1000
            if response["statusCode"] != 201:
                raise SystemExit(f"checkout: {response['statusCode']} {response['body'][:300]}")
            return elapsed

        def baseline_once() -> float:
            key = str(uuid.uuid4())
            started = time.perf_counter()
            run(baseline_checkout(baseline, user_id=by_hand.id, key=key, currency=currency))
            return (time.perf_counter() - started) * 1000

        refill()
        with quiet():
            handler_once()
        run(baseline_checkout(baseline, user_id=by_hand.id, key="first", currency=currency))
        refill()
        sent = handler_statements(via_handler)
        expected = [normalized(sql) for sql in CHECKOUT_SQL]
        if sent != expected:
            shown = "\n".join(f"  {sql}" for sql in sent)
            raise SystemExit(f"the handler's SQL no longer matches the baseline's:\n{shown}")
        run(baseline_checkout(baseline, user_id=by_hand.id, key="compared", currency=currency))

        handler_ms: list[float] = []
        baseline_ms: list[float] = []
        with quiet():
            for index in range(WARM_UP + runs):
                refill()
                # Alternate which side goes first, so neither always follows the refill.
                if index % 2:
                    h, b = handler_once(), baseline_once()
                else:
                    b, h = baseline_once(), handler_once()
                if index >= WARM_UP:
                    handler_ms.append(h)
                    baseline_ms.append(b)
        left = run(setup.fetch("SELECT stock FROM books WHERE id = ANY($1)", books))
        orders = run(setup.fetchval("SELECT count(*) FROM orders"))
        if any(row["stock"] != 0 for row in left) or orders != 2 * iterations:
            raise SystemExit(f"latency run: {orders} orders, stock left {left}")
        locking = next(i for i, sql in enumerate(sent) if LOCKS_BOOKS in sql)
        return Latency(handler_ms, baseline_ms, len(sent), len(sent) - locking + 1)
    finally:
        run(setup.close())
        run(baseline.close())


# --- 2. contention, from separate processes -----------------------------------------------------

_barrier: Barrier | None = None
_warm_error: str | None = None


def warm_worker(barrier: Barrier, warm_tokens: SimpleQueue[str]) -> None:
    """Pool initializer: a warm environment has imported the handler (this module's imports did)
    and served requests: here one checkout that succeeds and one of an empty cart (409), so its
    connection is open, the route built and both paths' statements compiled and prepared."""
    global _barrier, _warm_error
    _barrier = barrier
    token = warm_tokens.get()
    try:
        with quiet():
            statuses = [handler(checkout_event(token), LocalLambdaContext())["statusCode"]]
            statuses.append(handler(checkout_event(token), LocalLambdaContext())["statusCode"])
        if statuses != [201, 409]:
            _warm_error = f"warm-up checkouts answered {statuses}, not [201, 409]"
    except Exception as error:  # the task reports it: a failing initializer respawns forever
        _warm_error = repr(error)


def checkout_share(tokens: list[str]) -> list[int]:
    """Waits for every worker and the parent, then checks out each buyer's cart in turn."""
    assert _barrier is not None
    if _warm_error is not None:
        _barrier.abort()
        raise RuntimeError(_warm_error)
    events = [checkout_event(token) for token in tokens]
    _barrier.wait(WORKER_TIMEOUT)
    statuses = []
    with quiet():
        for event_ in events:
            statuses.append(handler(event_, LocalLambdaContext())["statusCode"])
    return statuses


@contextlib.contextmanager
def warm_pool(processes: int, warm: list[Buyer]) -> Iterator[tuple[Pool, Barrier]]:
    """`processes` spawned workers, each warmed up (see `warm_worker`) by a buyer of `warm`."""
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(processes + 1)
    warm_tokens: SimpleQueue[str] = context.SimpleQueue()
    for buyer in warm[:processes]:
        warm_tokens.put(buyer.token)
    with context.Pool(processes, initializer=warm_worker, initargs=(barrier, warm_tokens)) as pool:
        yield pool, barrier


def race(pool: Pool, barrier: Barrier, buyers: list[Buyer]) -> tuple[float, list[int]]:
    """Seconds from the barrier's release until the last worker answered, and every status.

    One task per worker: each blocks on the barrier until all have theirs, so none takes two.
    """
    workers = barrier.parties - 1
    shares = [[buyer.token for buyer in buyers[i::workers]] for i in range(workers)]
    pending = [pool.apply_async(checkout_share, (share,)) for share in shares]
    barrier.wait(WORKER_TIMEOUT)
    started = time.perf_counter()
    answers = [result.get(WORKER_TIMEOUT) for result in pending]
    elapsed = time.perf_counter() - started
    return elapsed, [status for share in answers for status in share]


@dataclass(frozen=True)
class Race:
    label: str
    stock: int
    wall_s: float
    statuses: list[int]
    orders: int
    stock_left: int

    @property
    def ok(self) -> bool:
        sold = min(self.stock, len(self.statuses))
        return (
            sorted(self.statuses) == [201] * sold + [409] * (len(self.statuses) - sold)
            and self.orders == sold
            and self.stock_left == self.stock - sold
        )


@dataclass(frozen=True)
class Contention:
    scarce: Race
    in_turn: Race
    # One race each a round, alternating which goes first: one race of half a second swings by a
    # fifth with the code unchanged, the median of several does not.
    hot: list[Race]
    apart: list[Race]

    @property
    def races(self) -> list[Race]:
        return [self.scarce, *self.hot, self.in_turn, *self.apart]

    @property
    def throughput_ratios(self) -> list[float]:
        """Orders a second racing for one book / for a book each, round by round."""
        return [a.wall_s / h.wall_s for h, a in zip(self.hot, self.apart, strict=True)]


def measure_contention(database_url: str, processes: int, rounds: int) -> Contention:
    """The 10-copy race from `processes` workers; the same pool again with enough stock for all
    (contention on one row, no refusals) and with a book each (no contention), `rounds` times
    each; 100 checkouts in turn from one worker (neither)."""
    connection = run(asyncpg.connect(database_url))

    async def shoppers(stock: int) -> tuple[uuid.UUID, list[Buyer]]:
        book = await make_book(connection, stock=stock, price="15.00")
        buyers = await make_buyers(connection, RACERS)
        await fill_carts(connection, [(buyer.id, book, 1) for buyer in buyers])
        return book, buyers

    async def outcome(
        label: str, book: uuid.UUID, stock: int, timed: tuple[float, list[int]]
    ) -> Race:
        orders = await connection.fetchval(
            "SELECT count(DISTINCT order_id) FROM order_items WHERE book_id = $1", book
        )
        left = await connection.fetchval("SELECT stock FROM books WHERE id = $1", book)
        return Race(label, stock, timed[0], timed[1], int(orders), int(left))

    async def shoppers_apart() -> tuple[list[uuid.UUID], list[Buyer]]:
        shelf = [await make_book(connection, stock=1, price="15.00") for _ in range(RACERS)]
        buyers = await make_buyers(connection, RACERS)
        await fill_carts(
            connection, [(b.id, book, 1) for b, book in zip(buyers, shelf, strict=True)]
        )
        return shelf, buyers

    async def outcome_apart(shelf: list[uuid.UUID], timed: tuple[float, list[int]]) -> Race:
        orders = await connection.fetchval(
            "SELECT count(DISTINCT order_id) FROM order_items WHERE book_id = ANY($1)", shelf
        )
        left = await connection.fetchval("SELECT sum(stock) FROM books WHERE id = ANY($1)", shelf)
        label = f"{processes} processes at once, each buyer a book of their own (all succeed)"
        return Race(label, RACERS, timed[0], timed[1], int(orders), int(left))

    try:
        scarce, racers = run(shoppers(COPIES))
        hot_rounds = [run(shoppers(RACERS)) for _ in range(rounds)]
        apart_rounds = [run(shoppers_apart()) for _ in range(rounds)]
        plenty, queue = run(shoppers(RACERS))
        # Each worker's warm-up buys a copy of a book of its own: one buyer per worker.
        warm = run(make_buyers(connection, processes + 1))
        warm_book = run(make_book(connection, stock=len(warm), price="15.00"))
        run(fill_carts(connection, [(buyer.id, warm_book, 1) for buyer in warm]))

        hot_timed: list[tuple[float, list[int]]] = []
        apart_timed: list[tuple[float, list[int]]] = []
        with warm_pool(processes, warm[:processes]) as (pool, barrier):
            scarce_race = race(pool, barrier, racers)
            for number, ((_, crowd), (_, apart)) in enumerate(
                zip(hot_rounds, apart_rounds, strict=True)
            ):
                if number % 2:
                    apart_timed.append(race(pool, barrier, apart))
                    hot_timed.append(race(pool, barrier, crowd))
                else:
                    hot_timed.append(race(pool, barrier, crowd))
                    apart_timed.append(race(pool, barrier, apart))
        with warm_pool(1, warm[processes:]) as (pool, barrier):
            in_turn = race(pool, barrier, queue)
        at_once = f"{processes} processes at once"
        hot_label = f"{at_once}, {RACERS} in stock (all succeed)"
        return Contention(
            scarce=run(outcome(f"{at_once}, {COPIES} in stock", scarce, COPIES, scarce_race)),
            in_turn=run(
                outcome(
                    f"1 process in turn, {RACERS} in stock (all succeed)", plenty, RACERS, in_turn
                )
            ),
            hot=[
                run(outcome(hot_label, book, RACERS, timed))
                for (book, _), timed in zip(hot_rounds, hot_timed, strict=True)
            ],
            apart=[
                run(outcome_apart(shelf, timed))
                for (shelf, _), timed in zip(apart_rounds, apart_timed, strict=True)
            ],
        )
    finally:
        run(connection.close())


# --- the report ---------------------------------------------------------------------------------


def report(runs: int, latency: Latency, contention: Contention, pinned: str) -> bool:
    h50, h99 = percentile(latency.handler_ms, 0.5), percentile(latency.handler_ms, 0.99)
    b50, b99 = percentile(latency.baseline_ms, 0.5), percentile(latency.baseline_ms, 0.99)
    print(f"CPUs: {os.cpu_count()}; latency part {pinned}; PostgreSQL and part 2 unpinned")
    print("Timings vary between runs by tens of percent on this shared machine: compare ratios.")
    print(
        "No EventBridge bus is configured (EVENT_BUS_NAME unset): the after-commit publish sends "
        "nothing, OrderPlaced stays in the outbox."
    )
    print()
    print(
        f"Checkout latency, {len(PRICES)}-line cart, {runs} runs (+{WARM_UP} warm-up), interleaved"
    )
    print(f"{'':<58} {'p50':>9} {'p99':>9}")
    print(f"{'POST /orders through the handler (Idempotency-Key)':<58} {h50:6.2f} ms {h99:6.2f} ms")
    label = f"same SQL by hand on asyncpg (BEGIN, {latency.statements} statements, COMMIT)"
    print(f"{label:<58} {b50:6.2f} ms {b99:6.2f} ms")
    print(f"{'ratio handler / asyncpg':<58} {h50 / b50:9.2f} {h99 / b99:9.2f}")
    print(f"{'handler - asyncpg':<58} {h50 - b50:6.2f} ms {h99 - b99:6.2f} ms")

    print()
    print(f"Contention: {RACERS} checkouts of 1 copy of one book, from warm processes")
    print(f"{'':<58} {'wall':>9}  {'201':>4} {'409':>4} {'orders':>6} {'stock':>5}")
    for result in contention.races:
        refused = result.statuses.count(409)
        print(
            f"{result.label:<58} {result.wall_s * 1000:6.0f} ms  "
            f"{result.statuses.count(201):>4} {refused:>4} {result.orders:>6} "
            f"{result.stock_left:>5}  {'OK' if result.ok else 'WRONG'}"
        )
    scarce, in_turn = contention.scarce, contention.in_turn
    hot_s = statistics.median(result.wall_s for result in contention.hot)
    apart_s = statistics.median(result.wall_s for result in contention.apart)
    ratios = contention.throughput_ratios
    print(f"{'ratio 10-copy race / in turn':<58} {scarce.wall_s / in_turn.wall_s:9.2f}")
    print(f"{'ratio all-succeed race (median) / in turn':<58} {hot_s / in_turn.wall_s:9.2f}")
    print(
        f"{'throughput, one book / a book each, median of rounds':<58} "
        f"{statistics.median(ratios):9.2f}  (rounds: {', '.join(f'{r:.2f}' for r in ratios)})"
    )
    print(
        f"{'orders/s, one book / a book each (median races)':<58} "
        f"{RACERS / hot_s:6.0f} / {RACERS / apart_s:.0f}"
    )
    print(
        f"{'round trips sent under the books lock (COMMIT included)':<58} {latency.under_lock:9d}"
    )
    return all(result.ok for result in contention.races)


def figures(latency: Latency, contention: Contention) -> list[Figure]:
    hot_s = statistics.median(result.wall_s for result in contention.hot)
    apart_s = statistics.median(result.wall_s for result in contention.apart)
    return [
        Figure(
            "POST /orders through the handler, p50",
            statistics.median(latency.handler_ms),
            statistics.median(latency.baseline_ms),
            "its transaction by hand (asyncpg)",
            "ms",
            2.0,
        ),
        Figure(
            "checkout: round trips under the book's lock",
            float(latency.under_lock),
            2.0,
            "the 2 allowed",
            "",
            1.0,
        ),
        Figure(
            f"{RACERS} checkouts racing for one book, wall (median of rounds)",
            hot_s * 1000,
            apart_s * 1000,
            "for a book each",
            "ms",
            round(1 / 0.9, 2),
        ),
    ]


@contextlib.contextmanager
def one_core() -> Iterator[str]:
    """This process on one core, as a Lambda environment is at most; every core again after, for
    the workers of part 2 (they inherit the affinity)."""
    if not hasattr(os, "sched_setaffinity"):
        yield "not pinned (no sched_setaffinity here)"
        return
    cores = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {min(cores)})
    try:
        yield f"pinned to core {min(cores)}"
    finally:
        os.sched_setaffinity(0, cores)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--processes", type=int, default=8)
    parser.add_argument(
        "--rounds", type=int, default=5, help="races for one book and for a book each, each"
    )
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--json", help="also write the figures to this file (bookstore bench)")
    arguments = parser.parse_args()
    if not 1 <= arguments.processes <= RACERS:
        parser.error(f"--processes must be between 1 and {RACERS}")
    if get_settings().event_bus_name:
        parser.error("unset EVENT_BUS_NAME: the bench measures checkout without publishing")

    with scratch_database("orders_bench", keep=arguments.keep) as url:
        with one_core() as pinned:
            latency = measure_latency(url, arguments.runs)
        contention = measure_contention(url, arguments.processes, arguments.rounds)
        ok = report(arguments.runs, latency, contention, pinned)
        write_figures(arguments.json, figures(latency, contention))
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
