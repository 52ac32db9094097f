"""Upcoming books, prebooks placed through the real Prebooks handler, and the release job run
the way its schedule runs it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from bookstore.lambda_context import LocalLambdaContext
from functions.prebooks.app import handler
from tests.support.accounts import Account, make_book, stock_of
from tests.support.databases import row_count, sql
from tests.support.lambda_client import LambdaClient

NEXT_MONTH = datetime.now(UTC).date() + timedelta(days=30)


def release_job() -> dict[str, Any]:
    """One run of the release job, from its schedule's input, through the handler."""
    return handler({"action": "release-prebooks"}, LocalLambdaContext(timeout_seconds=900))


class Shelf:
    def __init__(self, database_url: str) -> None:
        self.database_url = database_url
        self.client = LambdaClient(handler)

    def upcoming(self, *, stock: int = 10, price: str = "10.00", on: date = NEXT_MONTH) -> str:
        return make_book(self.database_url, stock=stock, price=price, release_date=on)

    def prebook(self, who: Account, book_id: str, quantity: int = 1) -> dict[str, Any]:
        response = self.client.post(
            "/prebooks", json_body={"book_id": book_id, "quantity": quantity}, token=who.token
        )
        assert response.status_code == 201, response.body
        prebook: dict[str, Any] = response.json()
        return prebook

    def due(self, who: Account, quantity: int = 1, **book: Any) -> tuple[str, dict[str, Any]]:
        """A book pre-booked by `who` and released today: (its id, the prebook)."""
        book_id = self.upcoming(**book)
        prebook = self.prebook(who, book_id, quantity)
        self.release_today(book_id)
        return book_id, prebook

    def release_today(self, book_id: str) -> None:
        self.sql("UPDATE books SET release_date = current_date WHERE id = $1", book_id)

    def stock(self, book_id: str) -> int:
        return stock_of(self.database_url, book_id)

    def statuses(self, *prebooks: dict[str, Any]) -> list[str]:
        rows = {
            str(row["id"]): row["status"] for row in self.sql("SELECT id, status FROM prebooks")
        }
        return [rows[prebook["id"]] for prebook in prebooks]

    def sql(self, statement: str, *args: Any) -> list[Any]:
        return sql(self.database_url, statement, *args)

    def count(self, table: str) -> int:
        return row_count(self.database_url, table)

    def event_types(self) -> list[str]:
        return [row["type"] for row in self.sql("SELECT type FROM outbox_events ORDER BY id")]
