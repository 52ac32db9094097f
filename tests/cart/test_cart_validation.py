"""Bad input to the cart is a 422 naming the field, and changes nothing."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.accounts import Account, make_book
from tests.support.lambda_client import LambdaClient


@pytest.mark.parametrize(
    "body",
    [
        {"quantity": 0},
        {"quantity": 100},
        {"quantity": -1},
        {"quantity": "two"},
        {"quantity": "2"},
        {"quantity": 2.5},
        {"quantity": True},
        {"quantity": None},
        {},
        {"quantity": 1, "price": "0.01"},
    ],
    ids=[
        "zero",
        "hundred",
        "negative",
        "word",
        "numeric-string",
        "fraction",
        "boolean",
        "null",
        "missing",
        "unknown-field",
    ],
)
def test_a_bad_quantity_body_is_422_and_leaves_the_cart_as_it_was(
    client: LambdaClient, customer: Account, database_url: str, body: dict[str, Any]
) -> None:
    book = make_book(database_url, stock=50)
    client.put(f"/cart/items/{book}", json_body={"quantity": 1}, token=customer.token)

    response = client.put(f"/cart/items/{book}", json_body=body, token=customer.token)

    assert response.status_code == 422, response.body
    assert response.json()["code"] == "VALIDATION_ERROR"
    assert client.get("/cart", token=customer.token).json()["items"][0]["quantity"] == 1


def test_a_whole_quantity_written_with_a_fraction_is_that_integer(
    client: LambdaClient, customer: Account, database_url: str
) -> None:
    # JSON Schema's integer, which the document promises, is any number without a fraction.
    book = make_book(database_url, stock=50)

    response = client.put(f"/cart/items/{book}", json_body={"quantity": 12.0}, token=customer.token)

    assert response.status_code == 200, response.body
    assert response.json()["items"][0]["quantity"] == 12


def test_a_malformed_book_id_is_422_on_the_book_id(client: LambdaClient, customer: Account) -> None:
    response = client.put("/cart/items/not-a-uuid", json_body={"quantity": 1}, token=customer.token)

    assert response.status_code == 422
    assert response.json()["field"] == "book_id"


def test_a_body_that_is_not_json_is_422(
    client: LambdaClient, customer: Account, database_url: str
) -> None:
    book = make_book(database_url)

    response = client.put(
        f"/cart/items/{book}",
        raw_body="{quantity: 1",
        headers={"content-type": "application/json"},
        token=customer.token,
    )

    assert response.status_code == 422
    assert response.json()["code"] == "VALIDATION_ERROR"


def test_the_openapi_document_describes_every_cart_route_and_its_errors(
    client: LambdaClient,
) -> None:
    document = client.get("/cart/openapi.json").json()

    operations = {
        (method.upper(), path): operation
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
    }
    assert set(operations) == {
        ("GET", "/cart"),
        ("DELETE", "/cart"),
        ("PUT", "/cart/items/{book_id}"),
        ("DELETE", "/cart/items/{book_id}"),
    }
    assert {"401", "404", "409", "422"} <= set(
        operations[("PUT", "/cart/items/{book_id}")]["responses"]
    )
    assert client.get("/cart/docs").status_code == 200
