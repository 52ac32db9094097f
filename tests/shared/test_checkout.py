"""The shared checkout rule called directly, as the Orders function and the prebook release job
call it: on a session of the test's database (`db_session`), without a handler."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from shared.db.ids import new_id
from shared.domain.checkout import LineRequest, place_order
from shared.domain.errors import OutOfStockError

TODAY = datetime.now(UTC).date()


async def add_account(session: AsyncSession) -> uuid.UUID:
    user_id = new_id()
    await session.execute(
        text(
            "INSERT INTO users (id, email, full_name, password_hash) "
            "VALUES (:id, :email, 'Buyer', 'not-a-hash')"
        ),
        {"id": user_id, "email": f"{user_id}@example.org"},
    )
    return user_id


async def add_book(
    session: AsyncSession,
    *,
    title: str = "A book",
    price: str = "10.00",
    stock: int = 5,
    release_date: date | None = None,
) -> str:
    book_id = new_id()
    await session.execute(
        text(
            "INSERT INTO books (id, isbn, title, author, genre, price, stock, release_date) "
            "VALUES (:id, :isbn, :title, 'Ann Author', 'Fiction', :price, :stock, :release)"
        ),
        {
            "id": book_id,
            "isbn": f"979{book_id.int % 10**10:010d}",
            "title": title,
            "price": Decimal(price),
            "stock": stock,
            "release": release_date,
        },
    )
    return str(book_id)


async def stock_of(session: AsyncSession, book_id: str) -> int:
    query = text("SELECT stock FROM books WHERE id = :id")
    return int((await session.execute(query, {"id": uuid.UUID(book_id)})).scalar_one())


async def test_an_order_copies_prices_and_titles_in_the_order_given_and_takes_the_stock(
    db_session: AsyncSession,
) -> None:
    buyer = await add_account(db_session)
    second = await add_book(db_session, title="B", price="2.50", stock=4)
    first = await add_book(db_session, title="A", price="10.00", stock=1)

    order = await place_order(
        db_session,
        user_id=buyer,
        lines=[LineRequest(uuid.UUID(second), 3), LineRequest(uuid.UUID(first), 1)],
        currency="EUR",
        today=TODAY,
    )

    assert [(line.title, line.unit_price, line.line_total) for line in order.items] == [
        ("B", Decimal("2.50"), Decimal("7.50")),
        ("A", Decimal("10.00"), Decimal("10.00")),
    ]
    assert (order.status, order.total, order.currency) == ("pending", Decimal("17.50"), "EUR")
    assert (await stock_of(db_session, second), await stock_of(db_session, first)) == (1, 0)
    events = (await db_session.execute(text("SELECT type FROM outbox_events"))).scalars().all()
    assert events == ["OrderPlaced"]


async def test_every_unservable_line_is_named_and_nothing_is_written(
    db_session: AsyncSession,
) -> None:
    buyer = await add_account(db_session)
    fine = await add_book(db_session, stock=5)
    short = await add_book(db_session, stock=1)
    upcoming = await add_book(db_session, stock=5, release_date=TODAY + timedelta(days=1))
    deleted = await add_book(db_session, stock=5)
    await db_session.execute(
        text("UPDATE books SET deleted_at = now() WHERE id = :id"), {"id": uuid.UUID(deleted)}
    )
    lines = [
        LineRequest(uuid.UUID(book), quantity)
        for book, quantity in ((fine, 1), (short, 2), (upcoming, 1), (deleted, 1))
    ]

    with pytest.raises(OutOfStockError) as raised:
        await place_order(db_session, user_id=buyer, lines=lines, currency="USD", today=TODAY)

    assert [(str(line.book_id), line.reason) for line in raised.value.lines] == [
        (short, "out_of_stock"),
        (upcoming, "not_released"),
        (deleted, "not_in_catalog"),
    ]
    assert raised.value.field == short
    assert await stock_of(db_session, fine) == 5
    assert (await db_session.execute(text("SELECT count(*) FROM orders"))).scalar_one() == 0


@pytest.mark.parametrize("lines", [[], [("a", 1), ("a", 2)]])
async def test_a_checkout_needs_lines_of_distinct_books(
    db_session: AsyncSession, lines: list[tuple[str, int]]
) -> None:
    book = uuid.uuid4()
    requests = [LineRequest(book, quantity) for _, quantity in lines]

    with pytest.raises(ValueError, match="distinct books"):
        await place_order(
            db_session, user_id=uuid.uuid4(), lines=requests, currency="USD", today=date(2026, 1, 1)
        )
