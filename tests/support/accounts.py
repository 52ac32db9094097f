"""Accounts and books made straight in the test's database, for tests of functions that only use
them (cart, orders, ...). Their own routes are tested through the Users and Books handlers.

Registered as a pytest plugin by tests/conftest.py: any test may ask for `customer` or `admin`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import count

import pytest

from shared.auth.roles import Role
from shared.auth.tokens import create_access_token
from shared.db.ids import new_id
from tests.support.databases import fetch, run

_serials = count(1)


@dataclass(frozen=True)
class Account:
    id: str
    token: str


def make_account(database_url: str, role: Role = "customer") -> Account:
    user_id = new_id()
    run(
        fetch(
            database_url,
            "INSERT INTO users (id, email, full_name, password_hash, role) "
            "VALUES ($1, $2, 'Test Account', 'not-a-hash', $3)",
            user_id,
            f"account-{user_id}@example.org",
            role,
        )
    )
    return Account(id=str(user_id), token=create_access_token(user_id, role)[0])


def make_book(
    database_url: str,
    *,
    title: str | None = None,
    price: str = "10.00",
    stock: int = 5,
    release_date: date | None = None,
) -> str:
    serial = next(_serials)
    book_id = new_id()
    run(
        fetch(
            database_url,
            "INSERT INTO books (id, isbn, title, author, genre, price, stock, release_date) "
            "VALUES ($1, $2, $3, 'Ann Author', 'Fiction', $4, $5, $6)",
            book_id,
            f"979{serial:010d}",
            title or f"Book {serial}",
            Decimal(price),
            stock,
            release_date,
        )
    )
    return str(book_id)


def stock_of(database_url: str, book_id: str) -> int:
    rows = run(fetch(database_url, "SELECT stock FROM books WHERE id = $1", book_id))
    return int(rows[0]["stock"])


@pytest.fixture
def customer(database_url: str) -> Account:
    return make_account(database_url)


@pytest.fixture
def admin(database_url: str) -> Account:
    return make_account(database_url, role="admin")
