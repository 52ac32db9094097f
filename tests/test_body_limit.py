"""The cap on request bodies: every function answers 413 `PAYLOAD_TOO_LARGE` for a body over
`MAX_BODY_BYTES`, from its Content-Length or from the body itself, before anything parses it;
the largest valid request fits under the default."""

from __future__ import annotations

import json

import pytest

from bookstore.events import http_api_event
from functions.books.app import handler as books_handler
from functions.users.app import handler as users_handler
from shared.settings import Settings
from tests.support.accounts import Account
from tests.support.databases import sql
from tests.support.handlers import HANDLERS
from tests.support.lambda_client import LambdaClient, LambdaResponse, invoke
from tests.users.helpers import PASSWORD

CAP = Settings().max_body_bytes
PATHS = {
    "health": "/health",
    "users": "/auth/register",
    "books": "/books",
    "cart": "/cart/items/0190a0b2-0000-7000-8000-000000000000",
    "orders": "/orders",
    "wishlist": "/wishlist/0190a0b2-0000-7000-8000-000000000000",
    "prebooks": "/prebooks",
}


def over_the_cap() -> str:
    return json.dumps({"padding": "x" * CAP})


def assert_too_large(response: LambdaResponse) -> None:
    assert response.status_code == 413, response.body
    assert response.json() == {
        "detail": "The request body is too large",
        "code": "PAYLOAD_TOO_LARGE",
    }
    assert response.headers["x-request-id"]


def test_the_default_cap_is_64_kib() -> None:
    assert CAP == 64 * 1024


@pytest.mark.parametrize("function", sorted(HANDLERS))
def test_a_body_over_the_cap_is_413_on_every_function(database_url: str, function: str) -> None:
    method = "PUT" if function in {"cart", "wishlist"} else "POST"
    event = http_api_event(
        method, PATHS[function], headers={"content-type": "application/json"}, body=over_the_cap()
    )

    assert_too_large(invoke(HANDLERS[function], event))


@pytest.mark.parametrize("function", sorted(HANDLERS))
def test_a_content_length_over_the_cap_is_413_on_every_function_whatever_the_body(
    database_url: str, function: str
) -> None:
    method = "PUT" if function in {"cart", "wishlist"} else "POST"
    event = http_api_event(
        method, PATHS[function], headers={"content-length": str(CAP + 1)}, body="{}"
    )

    assert_too_large(invoke(HANDLERS[function], event))


def test_a_registration_over_the_cap_writes_nothing(database_url: str) -> None:
    body = {"email": "ann@example.org", "password": PASSWORD, "full_name": "Ann", "x": "y" * CAP}

    assert_too_large(LambdaClient(users_handler).post("/auth/register", json_body=body))
    assert sql(database_url, "SELECT count(*) AS n FROM users")[0]["n"] == 0


def test_a_body_of_exactly_the_cap_is_read(database_url: str) -> None:
    prefix, suffix = '{"email": "ann@example.org", "password": "', '"}'
    body = prefix + "p" * (CAP - len(prefix) - len(suffix)) + suffix
    assert len(body.encode()) == CAP

    response = LambdaClient(users_handler).post("/auth/login", raw_body=body)

    assert response.status_code == 422, response.body
    assert response.json()["code"] == "VALIDATION_ERROR"


def test_the_cap_is_a_setting(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAX_BODY_BYTES", "2048")
    body = {"email": "ann@example.org", "password": "p" * 2100}

    assert_too_large(LambdaClient(users_handler).post("/auth/login", json_body=body))


def test_the_largest_valid_book_fits_under_the_default_cap(
    database_url: str, admin: Account
) -> None:
    # Python's json.dumps escapes every non-ASCII character as \\uXXXX, six bytes each: the
    # widest way a client commonly writes characters of the Basic Multilingual Plane.
    book = {
        "isbn": "978-0-261-10221-7",
        "title": "é" * 300,
        "author": "é" * 200,
        "description": "é" * 10_000,
        "genre": "é" * 50,
        "price": "99999999.99",
        "stock": 2_147_483_647,
        "release_date": "2999-12-31",
    }
    body = json.dumps(book)
    assert CAP - 4096 < len(body.encode()) <= CAP

    response = LambdaClient(books_handler).post("/books", raw_body=body, token=admin.token)

    assert response.status_code == 201, response.body
