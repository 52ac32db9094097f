"""The connection budget the README promises: N warm environments never hold more than
N times DB_POOL_SIZE connections, however many requests they serve."""

from __future__ import annotations

import time
from multiprocessing.pool import Pool

from tests.support.accounts import make_book
from tests.support.databases import bookstore_sessions
from tests.support.processes import serve_book_requests
from tests.support.races import PATIENCE_SECONDS, POOL_PROCESSES

REQUESTS_PER_ENVIRONMENT = 40
POOL_SIZE = 1  # the default; an environment serves one request at a time and needs no more


def test_warm_environments_never_hold_more_connections_than_environments_times_pool_size(
    process_pool: Pool, database_url: str
) -> None:
    pool_size = POOL_SIZE
    book = make_book(database_url)

    pending = [
        process_pool.apply_async(
            serve_book_requests, (database_url, pool_size, book, REQUESTS_PER_ENVIRONMENT)
        )
        for _ in range(POOL_PROCESSES)
    ]
    # Counted over and over while they serve: the peak is what the budget must hold.
    samples = []
    deadline = time.monotonic() + PATIENCE_SECONDS
    while not all(result.ready() for result in pending) and time.monotonic() < deadline:
        samples.append(len(bookstore_sessions(database_url)))
    statuses = [status for result in pending for status in result.get(timeout=PATIENCE_SECONDS)]

    assert statuses == [200] * (POOL_PROCESSES * REQUESTS_PER_ENVIRONMENT)
    assert 1 < max(samples) <= POOL_PROCESSES * pool_size
