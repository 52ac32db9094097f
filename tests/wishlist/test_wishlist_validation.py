"""Malformed path input is a 422 naming the field; the OpenAPI document describes every route."""

from __future__ import annotations

import pytest

from tests.support.accounts import Account
from tests.support.lambda_client import LambdaClient


@pytest.mark.parametrize("method", ["PUT", "DELETE"])
def test_a_malformed_book_id_is_422_on_the_book_id(
    any_client: LambdaClient, customer: Account, method: str
) -> None:
    response = any_client.request(method, "/wishlist/not-a-uuid", token=customer.token)

    assert response.status_code == 422
    assert response.json()["code"] == "VALIDATION_ERROR"
    assert response.json()["field"] == "book_id"


def test_a_post_to_the_wishlist_is_405(client: LambdaClient, customer: Account) -> None:
    response = client.post("/wishlist", token=customer.token)

    assert response.status_code == 405
    assert response.json()["code"] == "METHOD_NOT_ALLOWED"


def test_the_openapi_document_describes_every_wishlist_route_and_its_answers(
    client: LambdaClient,
) -> None:
    document = client.get("/wishlist/openapi.json").json()

    operations = {
        (method.upper(), path): set(operation["responses"])
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
    }
    assert set(operations) == {
        ("GET", "/wishlist"),
        ("PUT", "/wishlist/{book_id}"),
        ("DELETE", "/wishlist/{book_id}"),
    }
    assert {"200", "401", "422"} <= operations[("GET", "/wishlist")]
    assert {"200", "201", "401", "404", "422"} <= operations[("PUT", "/wishlist/{book_id}")]
    assert {"204", "401", "404", "422"} <= operations[("DELETE", "/wishlist/{book_id}")]
    put = document["paths"]["/wishlist/{book_id}"]["put"]["responses"]
    entry = {"$ref": "#/components/schemas/WishlistEntryPublic"}
    assert put["200"]["content"]["application/json"]["schema"] == entry
    assert put["201"]["content"]["application/json"]["schema"] == entry
    assert "newest" in document["info"]["description"].lower()
    assert client.get("/wishlist/docs").status_code == 200
