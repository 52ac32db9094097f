from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from functions.books.app import handler
from shared.auth.tokens import create_access_token
from shared.db.ids import new_id
from tests.books.helpers import HOBBIT, AddBook, isbn13
from tests.support.databases import fetch, run
from tests.support.lambda_client import LambdaClient


def test_an_admin_creates_a_book_and_anyone_can_get_it(
    client: LambdaClient, admin_token: str
) -> None:
    created = client.post("/books", json_body=HOBBIT, token=admin_token)

    assert created.status_code == 201
    book = created.json()
    assert book["isbn"] == "9780261102217"
    assert book["title"] == "The Hobbit"
    assert book["price"] == "12.50"
    assert book["available"] is True
    assert set(book) == {
        "id", "isbn", "title", "author", "description", "genre", "price", "stock",
        "release_date", "available", "created_at", "updated_at",
    }  # fmt: skip
    fetched = client.get(f"/books/{book['id']}")
    assert fetched.status_code == 200
    assert fetched.json() == book


@pytest.mark.parametrize("payload_version", ["1.0", "2.0"])
def test_both_api_gateway_payload_versions_are_served(
    database_url: str, add_book: AddBook, payload_version: str
) -> None:
    book = add_book()

    response = LambdaClient(handler, payload_version=payload_version).get(f"/books/{book['id']}")

    assert response.status_code == 200
    assert response.json()["id"] == book["id"]


def test_an_isbn_10_is_stored_as_its_isbn_13(client: LambdaClient, admin_token: str) -> None:
    response = client.post(
        "/books", json_body={**HOBBIT, "isbn": "0 261 10221 4"}, token=admin_token
    )

    assert response.status_code == 201
    assert response.json()["isbn"] == "9780261102217"


def test_an_isbn_10_ending_in_x_is_accepted(client: LambdaClient, admin_token: str) -> None:
    response = client.post(
        "/books", json_body={**HOBBIT, "isbn": "0-8044-2957-X"}, token=admin_token
    )

    assert response.status_code == 201
    assert response.json()["isbn"] == "9780804429573"


def test_a_book_is_available_only_when_released_and_in_stock(add_book: AddBook) -> None:
    tomorrow = (datetime.now(UTC).date() + timedelta(days=1)).isoformat()

    assert add_book(stock=0)["available"] is False
    assert add_book(stock=4, release_date=tomorrow)["available"] is False
    assert add_book(stock=4, release_date=None)["available"] is True


def test_an_unknown_book_is_404_book_not_found(client: LambdaClient, database_url: str) -> None:
    response = client.get(f"/books/{new_id()}")

    assert response.status_code == 404
    assert response.json() == {
        "detail": "Book not found",
        "code": "BOOK_NOT_FOUND",
        "field": "book_id",
    }


def test_a_malformed_book_id_is_422_on_the_book_id_field(
    client: LambdaClient, database_url: str
) -> None:
    response = client.get("/books/not-a-uuid")

    assert response.status_code == 422
    assert response.json()["code"] == "VALIDATION_ERROR"
    assert response.json()["field"] == "book_id"


@pytest.mark.parametrize(
    ("method", "path_suffix", "body"),
    [("POST", "", HOBBIT), ("PATCH", "/{id}", {"stock": 1}), ("DELETE", "/{id}", None)],
)
def test_writes_need_an_admin_token(
    client: LambdaClient,
    customer_token: str,
    add_book: AddBook,
    method: str,
    path_suffix: str,
    body: dict[str, Any] | None,
) -> None:
    path = "/books" + path_suffix.format(id=add_book()["id"])

    anonymous = client.request(method, path, json_body=body)
    customer = client.request(method, path, json_body=body, token=customer_token)
    tampered = client.request(method, path, json_body=body, token=customer_token[:-3] + "abc")

    assert anonymous.status_code == 401
    assert anonymous.json()["code"] == "AUTH_INVALID_TOKEN"
    assert anonymous.headers["www-authenticate"] == "Bearer"
    assert tampered.status_code == 401
    assert customer.status_code == 403
    assert customer.json()["code"] == "AUTH_FORBIDDEN"


def test_a_second_book_with_the_same_isbn_is_409(client: LambdaClient, admin_token: str) -> None:
    assert client.post("/books", json_body=HOBBIT, token=admin_token).status_code == 201

    again = client.post("/books", json_body={**HOBBIT, "isbn": "0261102214"}, token=admin_token)

    assert again.status_code == 409
    assert again.json() == {
        "detail": "Another book in the catalog has this ISBN",
        "code": "BOOK_ISBN_EXISTS",
        "field": "isbn",
    }


def test_patch_changes_only_the_fields_sent(
    client: LambdaClient, admin_token: str, add_book: AddBook
) -> None:
    book = add_book(release_date="2001-01-01")

    response = client.patch(
        f"/books/{book['id']}",
        json_body={"price": "7.25", "release_date": None, "isbn": "0261102214"},
        token=admin_token,
    )

    assert response.status_code == 200
    changed = response.json()
    assert changed["price"] == "7.25"
    assert changed["release_date"] is None
    assert changed["isbn"] == "9780261102217"
    assert changed["updated_at"] > book["updated_at"]
    untouched = {"title", "author", "description", "genre", "stock", "id", "created_at"}
    assert {k: changed[k] for k in untouched} == {k: book[k] for k in untouched}


def test_patch_of_an_unknown_book_is_404(client: LambdaClient, admin_token: str) -> None:
    response = client.patch(f"/books/{new_id()}", json_body={"stock": 2}, token=admin_token)

    assert response.status_code == 404
    assert response.json()["code"] == "BOOK_NOT_FOUND"


def test_patch_to_an_isbn_another_book_has_is_409(
    client: LambdaClient, admin_token: str, add_book: AddBook
) -> None:
    first, second = add_book(), add_book()

    response = client.patch(
        f"/books/{second['id']}", json_body={"isbn": first["isbn"]}, token=admin_token
    )

    assert response.status_code == 409
    assert response.json()["code"] == "BOOK_ISBN_EXISTS"
    assert client.get(f"/books/{second['id']}").json()["isbn"] == second["isbn"]


def test_an_empty_patch_answers_the_book_unchanged(
    client: LambdaClient, admin_token: str, add_book: AddBook
) -> None:
    book = add_book()

    response = client.patch(f"/books/{book['id']}", json_body={}, token=admin_token)

    assert response.status_code == 200
    assert response.json() == book


def test_a_deleted_book_leaves_the_catalog_but_its_row_stays_for_orders(
    client: LambdaClient, admin_token: str, add_book: AddBook, database_url: str
) -> None:
    book = add_book(title="Gone Soon")

    deleted = client.delete(f"/books/{book['id']}", token=admin_token)

    assert deleted.status_code == 204
    assert deleted.body == ""
    assert client.get(f"/books/{book['id']}").status_code == 404
    assert client.get("/books").json()["items"] == []
    assert client.get("/books", query={"q": "gone"}).json()["items"] == []
    again = client.patch(f"/books/{book['id']}", json_body={"stock": 1}, token=admin_token)
    assert again.status_code == 404
    assert client.delete(f"/books/{book['id']}", token=admin_token).status_code == 404
    rows = run(
        fetch(
            database_url,
            "SELECT title, deleted_at FROM books WHERE id = $1",
            book["id"],
        )
    )
    assert rows[0]["title"] == "Gone Soon"
    assert rows[0]["deleted_at"] is not None


def test_a_deleted_books_isbn_may_be_listed_again(
    client: LambdaClient, admin_token: str, add_book: AddBook
) -> None:
    old = add_book(isbn=isbn13(424242))
    client.delete(f"/books/{old['id']}", token=admin_token)

    new = add_book(isbn=isbn13(424242))

    assert new["id"] != old["id"]


def test_an_expired_admin_token_is_401_token_expired(client: LambdaClient) -> None:
    token, _ = create_access_token(new_id(), "admin", now=datetime.now(UTC) - timedelta(hours=2))

    response = client.post("/books", json_body=HOBBIT, token=token)

    assert response.status_code == 401
    assert response.json()["code"] == "AUTH_TOKEN_EXPIRED"


def test_the_openapi_document_and_docs_are_served_under_books(client: LambdaClient) -> None:
    document = client.get("/books/openapi.json")

    assert document.status_code == 200
    paths = document.json()["paths"]
    assert set(paths) == {"/books", "/books/{book_id}"}
    assert {"401", "403", "409", "422"} <= set(paths["/books"]["post"]["responses"])
    assert client.get("/books/docs").status_code == 200
