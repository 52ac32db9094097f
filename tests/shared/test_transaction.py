"""`transaction()`: the one owner of every non-HTTP transaction, and what services may ask of it."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from shared.db.access import OPERATIONS
from shared.db.transaction import after_commit, commit_on_error, transaction
from shared.errors import ConflictError
from tests.support.accounts import make_book
from tests.support.databases import fetch, run


def stock_of_all(database_url: str) -> list[int]:
    rows = run(fetch(database_url, "SELECT stock FROM books ORDER BY id"))
    return [row["stock"] for row in rows]


def test_the_block_commits_and_then_runs_its_after_commit_callbacks(database_url: str) -> None:
    make_book(database_url, stock=1)
    seen: list[list[int]] = []

    async def work() -> None:
        async with transaction(OPERATIONS) as session:
            await session.execute(text("UPDATE books SET stock = 7"))

            async def committed_stock() -> None:
                rows = await fetch(database_url, "SELECT stock FROM books")
                seen.append([row["stock"] for row in rows])

            after_commit(session, committed_stock)
            assert seen == []

    run(work())

    assert seen == [[7]]


def test_a_raising_block_rolls_back_and_never_runs_its_callbacks(database_url: str) -> None:
    make_book(database_url, stock=1)
    ran: list[str] = []

    async def work() -> None:
        async with transaction(OPERATIONS) as session:
            await session.execute(text("UPDATE books SET stock = 7"))

            async def callback() -> None:
                ran.append("callback")

            after_commit(session, callback)
            raise ConflictError()

    with pytest.raises(ConflictError):
        run(work())

    assert stock_of_all(database_url) == [1]
    assert ran == []


def test_commit_on_error_keeps_the_writes_and_still_raises_the_domain_error(
    database_url: str,
) -> None:
    make_book(database_url, stock=1)
    ran: list[str] = []

    async def work() -> None:
        async with transaction(OPERATIONS) as session:
            await session.execute(text("UPDATE books SET stock = 0"))
            commit_on_error(session)

            async def callback() -> None:
                ran.append("callback")

            after_commit(session, callback)
            raise ConflictError("answered with an error, written all the same")

    with pytest.raises(ConflictError):
        run(work())

    assert stock_of_all(database_url) == [0]
    assert ran == ["callback"]


def test_commit_on_error_does_not_keep_writes_when_the_failure_is_not_a_domain_error(
    database_url: str,
) -> None:
    make_book(database_url, stock=1)

    async def work() -> None:
        async with transaction(OPERATIONS) as session:
            await session.execute(text("UPDATE books SET stock = 0"))
            commit_on_error(session)
            raise RuntimeError("a bug, not an answer")

    with pytest.raises(RuntimeError):
        run(work())

    assert stock_of_all(database_url) == [1]


def test_a_failing_callback_is_logged_and_leaves_the_commit_and_the_other_callbacks_alone(
    database_url: str,
) -> None:
    make_book(database_url, stock=1)
    ran: list[str] = []

    async def broken() -> None:
        raise RuntimeError("publish failed")

    async def second() -> None:
        ran.append("second")

    async def work() -> None:
        async with transaction(OPERATIONS) as session:
            await session.execute(text("UPDATE books SET stock = 3"))
            after_commit(session, broken)
            after_commit(session, second)

    run(work())

    assert stock_of_all(database_url) == [3]
    assert ran == ["second"]
