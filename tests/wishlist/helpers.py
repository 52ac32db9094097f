"""Calls and looks behind the Wishlist routes that several wishlist tests make."""

from __future__ import annotations

from typing import Any

from tests.support.accounts import Account
from tests.support.databases import fetch, run
from tests.support.lambda_client import LambdaClient, LambdaResponse


def add(client: LambdaClient, who: Account, book_id: str) -> LambdaResponse:
    return client.put(f"/wishlist/{book_id}", token=who.token)


def listed(client: LambdaClient, who: Account) -> list[dict[str, Any]]:
    """The first page of the wishlist, at the largest page size."""
    response = client.get("/wishlist", query={"limit": "100"}, token=who.token)
    assert response.status_code == 200, response.body
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def book_ids(items: list[dict[str, Any]]) -> list[str]:
    return [item["book_id"] for item in items]


def stored_entries(database_url: str) -> int:
    """Rows in wishlist_items, whoever they belong to."""
    return int(run(fetch(database_url, "SELECT count(*) AS n FROM wishlist_items"))[0]["n"])


def delete_from_catalog(database_url: str, book_id: str) -> None:
    """What DELETE /books/{book_id} does to the row: a soft delete."""
    run(fetch(database_url, "UPDATE books SET deleted_at = now() WHERE id = $1", book_id))
