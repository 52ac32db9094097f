"""The release job and prebooks racing from separate processes (Lambda environments): two runs at
once, a run that dies half-way, two identical prebooks at once."""

from __future__ import annotations

import multiprocessing
from multiprocessing.pool import Pool
from typing import Any

from tests.prebooks import workers
from tests.prebooks.helpers import Shelf, release_job
from tests.support.accounts import Account, make_account
from tests.support.races import race, wait_until


def test_two_runs_at_once_fulfil_every_prebook_exactly_once_in_order(
    process_pool: Pool, shelf: Shelf, database_url: str
) -> None:
    books = [shelf.upcoming(stock=10) for _ in range(2)]
    lines = [
        [shelf.prebook(make_account(database_url), book, 1) for _ in range(3)] for book in books
    ]
    for book in books:
        shelf.release_today(book)
    first_book, second_book = sorted(books)
    # Hold the first book's row: the run that takes it waits inside its release, so the other
    # run meets a book that is being released, leaves it to the first, and releases the second.
    summaries: list[dict[str, Any]] = race(
        database_url,
        hold=("SELECT 1 FROM books WHERE id = $1 FOR UPDATE", first_book),
        start=lambda: [
            process_pool.apply_async(workers.release, (database_url,)) for _ in range(2)
        ],
        waiters=1,
        meanwhile=lambda: wait_until(
            lambda: (
                not shelf.sql(
                    "SELECT 1 FROM prebooks WHERE book_id = $1 AND status = 'pending'", second_book
                )
            ),
            "the other run never released the second book",
        ),
    )

    assert sorted(summary["fulfilled"] for summary in summaries) == [3, 3]
    assert shelf.count("orders") == 6
    for book, prebooks in zip(books, lines, strict=True):
        assert shelf.statuses(*prebooks) == ["fulfilled"] * 3
        assert shelf.stock(book) == 7
        ordered = shelf.sql(
            "SELECT p.id FROM prebooks p JOIN orders o ON o.id = p.order_id "
            "WHERE p.book_id = $1 ORDER BY o.id",
            book,
        )
        assert [str(row["id"]) for row in ordered] == [prebook["id"] for prebook in prebooks]


def test_a_run_that_dies_half_way_fulfils_nothing_twice(
    process_pool: Pool, shelf: Shelf, database_url: str
) -> None:
    book = shelf.upcoming(stock=10)
    prebooks = [shelf.prebook(make_account(database_url), book, 2) for _ in range(3)]
    shelf.release_today(book)
    child = multiprocessing.get_context("spawn").Process(
        target=workers.release_then_die_after_the_first_prebook, args=(database_url,)
    )
    child.start()
    child.join(timeout=120)

    assert child.exitcode == 1
    assert shelf.statuses(*prebooks) == ["fulfilled", "pending", "pending"]
    assert (shelf.count("orders"), shelf.stock(book)) == (1, 8)

    assert release_job()["fulfilled"] == 2
    assert shelf.statuses(*prebooks) == ["fulfilled"] * 3
    assert (shelf.count("orders"), shelf.stock(book)) == (3, 4)


def test_two_identical_prebooks_at_once_give_one_201_and_one_409(
    process_pool: Pool, shelf: Shelf, customer: Account, database_url: str
) -> None:
    book = shelf.upcoming()
    # Both inserts check the user's row (foreign key) and queue behind this lock.
    statuses: list[int] = race(
        database_url,
        hold=("SELECT 1 FROM users WHERE id = $1 FOR UPDATE", customer.id),
        start=lambda: [
            process_pool.apply_async(workers.prebook, (database_url, customer.token, book))
            for _ in range(2)
        ],
        waiters=2,
    )

    assert sorted(statuses) == [201, 409]
    assert shelf.count("prebooks") == 1
