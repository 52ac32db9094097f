from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from typing import Any

from tests.books import workers
from tests.books.helpers import AddBook, isbn13
from tests.support.lambda_client import LambdaClient

ROUNDS = 25


def run_side_by_side(target: Callable[..., None], *per_worker_args: tuple[Any, ...]) -> list[Any]:
    """Runs `target` in one spawned process per argument tuple, released together by a barrier."""
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(len(per_worker_args))
    results = context.Queue()
    processes = [
        context.Process(target=target, args=(*args, barrier, results)) for args in per_worker_args
    ]
    for process in processes:
        process.start()
    outcomes = [results.get(timeout=120) for _ in processes]
    for process in processes:
        process.join(timeout=30)
        assert process.exitcode == 0
    return outcomes


def test_concurrent_patches_of_different_fields_lose_no_field(
    client: LambdaClient, add_book: AddBook, database_url: str
) -> None:
    book = add_book(title="Start", stock=0, price="1.00")
    titles = [{"title": f"Title {n}"} for n in range(ROUNDS)]
    stocks = [{"stock": n} for n in range(ROUNDS)]
    prices = [{"price": f"{n}.50"} for n in range(ROUNDS)]

    outcomes = run_side_by_side(
        workers.patch_one_field,
        (database_url, book["id"], titles),
        (database_url, book["id"], stocks),
        (database_url, book["id"], prices),
    )

    assert all(status == 200 for statuses in outcomes for status in statuses)
    final = client.get(f"/books/{book['id']}").json()
    assert (final["title"], final["stock"], final["price"]) == (
        f"Title {ROUNDS - 1}",
        ROUNDS - 1,
        f"{ROUNDS - 1}.50",
    )


def test_racing_creates_of_one_isbn_give_one_201_and_one_409(
    client: LambdaClient, database_url: str
) -> None:
    bodies = [
        {
            "isbn": isbn13(700 + n),
            "title": f"Race {n}",
            "author": "Runner",
            "genre": "Sport",
            "price": "3.00",
        }
        for n in range(5)
    ]

    outcomes = run_side_by_side(workers.create_each, (database_url, bodies), (database_url, bodies))

    for first, second in zip(*outcomes, strict=True):
        assert sorted([first, second]) == [201, 409]
    assert len(client.get("/books", query={"limit": "100"}).json()["items"]) == len(bodies)
