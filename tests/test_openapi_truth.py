"""The served OpenAPI documents say what the handlers accept, so generated clients agree with them."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from functions.books.app import handler as books_handler
from functions.users.app import handler as users_handler
from shared.auth.tokens import create_access_token
from tests.books.helpers import HOBBIT
from tests.support.accounts import Account
from tests.support.lambda_client import LambdaClient

BOOK_FIELDS_REFUSING_NULL = ["isbn", "title", "author", "description", "genre", "price", "stock"]
USER_FIELDS_REFUSING_NULL = ["full_name", "password", "current_password"]


def body_schema(client: LambdaClient, document_path: str, path: str, method: str) -> Any:
    document = client.get(document_path).json()
    schema = document["paths"][path][method]["requestBody"]["content"]["application/json"]
    return resolve(document, schema["schema"])


def resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].removeprefix("#/components/schemas/")
        schema = document["components"]["schemas"][name]
    return schema


def allows_null(schema: dict[str, Any]) -> bool:
    types = schema.get("type")
    if types == "null" or (isinstance(types, list) and "null" in types):
        return True
    if schema.get("nullable") is True:
        return True
    branches = schema.get("anyOf", []) + schema.get("oneOf", [])
    return any(allows_null(branch) for branch in branches)


def is_date_string(schema: dict[str, Any]) -> bool:
    branches = schema.get("anyOf", [schema])
    return any(b.get("type") == "string" and b.get("format") == "date" for b in branches)


@pytest.fixture
def books(database_url: str) -> LambdaClient:
    return LambdaClient(books_handler)


@pytest.fixture
def admin_token() -> str:
    return create_access_token(uuid.uuid4(), "admin")[0]


@pytest.fixture
def book_id(books: LambdaClient, admin_token: str) -> str:
    response = books.post("/books", json_body=HOBBIT, token=admin_token)
    assert response.status_code == 201
    return str(response.json()["id"])


def test_book_update_declares_null_only_for_release_date(books: LambdaClient) -> None:
    properties = body_schema(books, "/books/openapi.json", "/books/{book_id}", "patch")[
        "properties"
    ]

    for field in BOOK_FIELDS_REFUSING_NULL:
        assert not allows_null(properties[field]), field
        assert "default" not in properties[field], field
    assert allows_null(properties["release_date"])


@pytest.mark.parametrize("field", BOOK_FIELDS_REFUSING_NULL)
def test_book_update_refuses_null_where_the_schema_does(
    books: LambdaClient, admin_token: str, book_id: str, field: str
) -> None:
    response = books.patch(f"/books/{book_id}", json_body={field: None}, token=admin_token)

    assert response.status_code == 422
    assert response.json()["field"] == field


def test_book_update_accepts_null_for_release_date(
    books: LambdaClient, admin_token: str, book_id: str
) -> None:
    response = books.patch(f"/books/{book_id}", json_body={"release_date": None}, token=admin_token)

    assert response.status_code == 200
    assert response.json()["release_date"] is None


@pytest.mark.parametrize(("path", "method"), [("/books", "post"), ("/books/{book_id}", "patch")])
def test_release_date_is_declared_an_iso_date_string(
    books: LambdaClient, path: str, method: str
) -> None:
    schema = body_schema(books, "/books/openapi.json", path, method)

    assert is_date_string(schema["properties"]["release_date"])


@pytest.mark.parametrize("value", [0, 1_700_000_000, "0", "20260101", "2026-01-01T00:00:00"])
def test_a_release_date_that_is_no_iso_date_string_is_refused(
    books: LambdaClient, admin_token: str, book_id: str, value: Any
) -> None:
    created = books.post("/books", json_body={**HOBBIT, "release_date": value}, token=admin_token)
    changed = books.patch(f"/books/{book_id}", json_body={"release_date": value}, token=admin_token)

    for response in (created, changed):
        assert response.status_code == 422
        assert response.json()["field"] == "release_date"


def test_an_iso_date_string_is_accepted(
    books: LambdaClient, admin_token: str, book_id: str
) -> None:
    response = books.patch(
        f"/books/{book_id}", json_body={"release_date": "2030-02-28"}, token=admin_token
    )

    assert response.status_code == 200
    assert response.json()["release_date"] == "2030-02-28"


@pytest.mark.parametrize(("path", "method"), [("/books", "post"), ("/books/{book_id}", "patch")])
def test_stock_is_declared_a_json_schema_integer(
    books: LambdaClient, path: str, method: str
) -> None:
    stock = body_schema(books, "/books/openapi.json", path, method)["properties"]["stock"]

    # JSON Schema's integer is any number without a fraction, 5048.0 included: so it is accepted.
    assert stock["type"] == "integer"
    assert "5.0" in stock["description"]


def test_stock_accepts_any_number_the_schema_counts_as_an_integer(
    books: LambdaClient, admin_token: str, book_id: str
) -> None:
    created = books.post(
        "/books", json_body={**HOBBIT, "isbn": "9780261103573", "stock": 5048.0}, token=admin_token
    )
    changed = books.patch(f"/books/{book_id}", json_body={"stock": 7.0}, token=admin_token)

    assert created.status_code == 201
    assert created.json()["stock"] == 5048
    assert changed.status_code == 200
    assert changed.json()["stock"] == 7


@pytest.mark.parametrize("value", [5048.5, "5048", True, 2.0**31, -1.0])
def test_stock_refuses_what_the_schema_does(
    books: LambdaClient, admin_token: str, book_id: str, value: Any
) -> None:
    response = books.patch(f"/books/{book_id}", json_body={"stock": value}, token=admin_token)

    assert response.status_code == 422
    assert response.json()["field"] == "stock"


def test_user_update_me_declares_no_null(database_url: str) -> None:
    users = LambdaClient(users_handler)
    properties = body_schema(users, "/users/openapi.json", "/users/me", "patch")["properties"]

    for field in USER_FIELDS_REFUSING_NULL:
        assert not allows_null(properties[field]), field
        assert "default" not in properties[field], field


@pytest.mark.parametrize("field", USER_FIELDS_REFUSING_NULL)
def test_user_update_me_refuses_null_where_the_schema_does(customer: Account, field: str) -> None:
    response = LambdaClient(users_handler).patch(
        "/users/me", json_body={field: None}, token=customer.token
    )

    assert response.status_code == 422
    assert response.json()["field"] == field
