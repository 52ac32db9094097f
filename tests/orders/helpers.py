"""A shop's state for order tests: books, carts filled through the real Cart handler, and what
the database holds behind the routes."""

from __future__ import annotations

from typing import Any

from functions.cart.app import handler as cart_handler
from tests.support.accounts import Account, make_book, stock_of
from tests.support.databases import row_count, sql
from tests.support.lambda_client import LambdaClient, LambdaResponse


class Shop:
    def __init__(self, database_url: str) -> None:
        self.database_url = database_url
        self.cart = LambdaClient(cart_handler)

    def book(self, **fields: Any) -> str:
        return make_book(self.database_url, **fields)

    def fill_cart(self, who: Account, lines: dict[str, int]) -> None:
        for book_id, quantity in lines.items():
            response = self.cart.put(
                f"/cart/items/{book_id}", json_body={"quantity": quantity}, token=who.token
            )
            assert response.status_code == 200, response.body

    def cart_of(self, who: Account) -> dict[str, int]:
        items = self.cart.get("/cart", token=who.token).json()["items"]
        return {item["book_id"]: item["quantity"] for item in items}

    def stock(self, book_id: str) -> int:
        return stock_of(self.database_url, book_id)

    def sql(self, statement: str, *args: Any) -> list[Any]:
        return sql(self.database_url, statement, *args)

    def count(self, table: str) -> int:
        return row_count(self.database_url, table)

    def events(self, event_type: str | None = None) -> list[dict[str, Any]]:
        rows = self.sql("SELECT type, payload FROM outbox_events ORDER BY id")
        return [
            {"type": row["type"], **_json(row["payload"])}
            for row in rows
            if event_type is None or row["type"] == event_type
        ]


def _json(value: Any) -> dict[str, Any]:
    import json

    loaded: dict[str, Any] = json.loads(value) if isinstance(value, str) else value
    return loaded


def checkout(client: LambdaClient, who: Account, key: str | None = None) -> LambdaResponse:
    headers = {"idempotency-key": key} if key is not None else None
    return client.post("/orders", token=who.token, headers=headers)
