"""Fixtures of the Books tests: a client on the real handler, tokens, and a way to add books."""

from __future__ import annotations

from typing import Any

import pytest

from functions.books.app import handler
from shared.auth.tokens import create_access_token
from shared.db.ids import new_id
from tests.books.helpers import AddBook, isbn13
from tests.support.clients import client_fixtures
from tests.support.lambda_client import LambdaClient

client, any_client = client_fixtures(handler)


@pytest.fixture
def admin_token() -> str:
    return create_access_token(new_id(), "admin")[0]


@pytest.fixture
def customer_token() -> str:
    return create_access_token(new_id(), "customer")[0]


@pytest.fixture
def add_book(client: LambdaClient, admin_token: str) -> AddBook:
    """POSTs a book through the handler as an admin; any field can be overridden."""
    serials = iter(range(1, 1_000_000))

    def add(**fields: Any) -> dict[str, Any]:
        serial = next(serials)
        body = {
            "isbn": isbn13(serial),
            "title": f"Book {serial:04d}",
            "author": "Ann Author",
            "description": "A book.",
            "genre": "Fiction",
            "price": "10.00",
            "stock": 5,
            **fields,
        }
        response = client.post("/books", json_body=body, token=admin_token)
        assert response.status_code == 201, response.body
        book: dict[str, Any] = response.json()
        return book

    return add
