from __future__ import annotations

from typing import Any

import pytest

from tests.books.helpers import HOBBIT, AddBook
from tests.support.lambda_client import LambdaClient


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("isbn", "978-0-261-10221-8"),  # wrong check digit
        ("isbn", "0261102215"),  # wrong ISBN-10 check digit
        ("isbn", "1234567890123"),  # not 978/979
        ("isbn", "97802611022"),
        ("isbn", 9780261102217),
        # Only what the documented pattern admits: ASCII digits, spaces and hyphens.
        ("isbn", "978\u0660\u0662\u0666\u0661\u0661\u0660\u0662\u0662\u0661\u0667"),
        ("isbn", "9780261102217\n"),
        ("isbn", "978\t0261102217"),
        ("title", ""),
        ("title", "   "),
        ("title", "x" * 301),
        ("title", "nul\x00byte"),
        ("author", ""),
        ("genre", "g" * 51),
        ("price", 12.5),
        ("price", "-1.00"),
        ("price", "12.999"),
        ("price", "1e3"),
        ("price", "100000000.00"),
        ("price", "abc"),
        ("stock", -1),
        ("stock", "5"),
        ("stock", 2**31),
        ("release_date", "next week"),
        ("colour", "red"),
    ],
)
def test_invalid_fields_are_422_naming_the_field(
    client: LambdaClient, admin_token: str, field: str, value: Any
) -> None:
    response = client.post("/books", json_body={**HOBBIT, field: value}, token=admin_token)

    assert response.status_code == 422
    assert response.json()["code"] == "VALIDATION_ERROR"
    assert response.json()["field"] == field
    assert client.get("/books").json()["items"] == []


def test_an_isbn_with_spaces_and_hyphens_anywhere_is_accepted(add_book: AddBook) -> None:
    assert add_book(isbn=" 978--0 261-10221-7 ")["isbn"] == "9780261102217"
    assert add_book(isbn="0-8044-2957-x")["isbn"] == "9780804429573"


def test_the_highest_and_lowest_prices_are_accepted(add_book: AddBook) -> None:
    assert add_book(price="99999999.99")["price"] == "99999999.99"
    assert add_book(price="0")["price"] == "0.00"


def test_a_malformed_json_body_is_422(client: LambdaClient, admin_token: str) -> None:
    response = client.post(
        "/books",
        raw_body='{"title": ',
        headers={"content-type": "application/json"},
        token=admin_token,
    )

    assert response.status_code == 422
    assert response.json()["code"] == "VALIDATION_ERROR"


def test_patch_refuses_null_for_a_required_field(
    client: LambdaClient, admin_token: str, add_book: AddBook
) -> None:
    response = client.patch(
        f"/books/{add_book()['id']}", json_body={"title": None}, token=admin_token
    )

    assert response.status_code == 422
    assert response.json()["field"] == "title"
