"""What the property-based API tests (tests/test_api_properties.py) start from: a few rows with
fixed ids, so that generated requests reach past 404, and those ids as explicit examples in each
function's OpenAPI document."""

from __future__ import annotations

import copy
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import asyncpg

from bookstore.dsn import asyncpg_dsn
from functions.users.passwords import DUMMY_HASH
from shared.auth.roles import Role
from shared.auth.tokens import create_access_token
from tests.support.databases import run

CUSTOMER_ID = uuid.UUID("01900000-0000-7000-8000-000000000001")
ADMIN_ID = uuid.UUID("01900000-0000-7000-8000-000000000002")
BOOK_ID = uuid.UUID("01900000-0000-7000-8000-000000000010")
UPCOMING_BOOK_ID = uuid.UUID("01900000-0000-7000-8000-000000000011")
ORDER_ID = uuid.UUID("01900000-0000-7000-8000-000000000020")
PREBOOK_ID = uuid.UUID("01900000-0000-7000-8000-000000000030")

# Each path or body id the documents name, and the seeded row it is given as an example.
EXAMPLE_IDS: dict[str, list[uuid.UUID]] = {
    "book_id": [BOOK_ID, UPCOMING_BOOK_ID],
    "order_id": [ORDER_ID],
    "prebook_id": [PREBOOK_ID],
    "user_id": [CUSTOMER_ID],
}


@dataclass(frozen=True)
class Caller:
    role: Role
    user_id: uuid.UUID

    @property
    def token(self) -> str:
        return create_access_token(self.user_id, self.role)[0]


CALLERS = {"admin": Caller("admin", ADMIN_ID), "customer": Caller("customer", CUSTOMER_ID)}


def seed(database_url: str) -> None:
    """Both callers' accounts, a book on sale and an upcoming one, and the customer's cart line,
    wishlist entry, order and pending prebook."""
    upcoming = datetime.now(UTC).date() + timedelta(days=30)
    statements: list[tuple[str, tuple[Any, ...]]] = [
        (
            "INSERT INTO users (id, email, full_name, password_hash, role) "
            "VALUES ($1, 'customer@example.org', 'Cory Customer', $3, 'customer'), "
            "($2, 'admin@example.org', 'Ada Admin', $3, 'admin')",
            # A real hash (of a password nobody knows): a password change is then refused with
            # its 401, as it would be on a live deployment, rather than failing on the hash.
            (CUSTOMER_ID, ADMIN_ID, DUMMY_HASH),
        ),
        (
            "INSERT INTO books (id, isbn, title, author, description, genre, price, stock, "
            "release_date) VALUES "
            "($1, '9780261102217', 'The Hobbit', 'J. R. R. Tolkien', 'There and back.', "
            "'Fantasy', 12.50, 50, $3), "
            "($2, '9780261103573', 'The Silmarillion', 'J. R. R. Tolkien', 'Elder days.', "
            "'Fantasy', 20.00, 10, $4)",
            (BOOK_ID, UPCOMING_BOOK_ID, date(1937, 9, 21), upcoming),
        ),
        (
            "INSERT INTO cart_items (user_id, book_id, quantity) VALUES ($1, $2, 1)",
            (CUSTOMER_ID, BOOK_ID),
        ),
        (
            "INSERT INTO wishlist_items (user_id, book_id) VALUES ($1, $2)",
            (CUSTOMER_ID, BOOK_ID),
        ),
        (
            "INSERT INTO orders (id, user_id, status, total, currency) "
            "VALUES ($1, $2, 'pending', 12.50, 'USD')",
            (ORDER_ID, CUSTOMER_ID),
        ),
        (
            "INSERT INTO order_items (order_id, book_id, line_number, title, unit_price, "
            "quantity, line_total) VALUES ($1, $2, 1, 'The Hobbit', 12.50, 1, 12.50)",
            (ORDER_ID, BOOK_ID),
        ),
        (
            "INSERT INTO prebooks (id, user_id, book_id, quantity) VALUES ($1, $2, $3, 1)",
            (PREBOOK_ID, CUSTOMER_ID, UPCOMING_BOOK_ID),
        ),
    ]
    run(_execute(database_url, statements))


async def _execute(database_url: str, statements: list[tuple[str, tuple[Any, ...]]]) -> None:
    connection = await asyncpg.connect(asyncpg_dsn(database_url))
    try:
        async with connection.transaction():
            for statement, args in statements:
                await connection.execute(statement, *args)
    finally:
        await connection.close()


def with_seeded_examples(document: dict[str, Any]) -> dict[str, Any]:
    """A copy of `document` whose id parameters and id body fields list the seeded ids as
    examples. Examples constrain nothing: the copy validates exactly what the original does."""
    document = copy.deepcopy(document)
    for path_item in document.get("paths", {}).values():
        for operation in path_item.values():
            for parameter in operation.get("parameters", []):
                ids = EXAMPLE_IDS.get(parameter["name"])
                if ids and parameter["in"] == "path":
                    parameter["examples"] = {
                        f"seeded-{index}": {"value": str(value)} for index, value in enumerate(ids)
                    }
    for component in document.get("components", {}).get("schemas", {}).values():
        for name, field in component.get("properties", {}).items():
            ids = EXAMPLE_IDS.get(name)
            if ids and field.get("format") == "uuid":
                field["examples"] = [str(value) for value in ids]
    return document
