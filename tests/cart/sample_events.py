"""The sample events in events/cart/. Regenerate: `uv run python -m tests.cart.sample_events`.

`<access-token>` is a placeholder for a customer's access token; the book is the one the Books
samples use.
"""

from __future__ import annotations

from typing import Any

from tests.support.sample_events import EVENTS_DIR as SAMPLE_EVENTS_DIR
from tests.support.sample_events import sample_http_event, write_events

EVENTS_DIR = SAMPLE_EVENTS_DIR / "cart"
ACCESS_TOKEN = "<access-token>"
BOOK_ID = "0193a5c0-4b1e-7c2a-9f00-00000000b001"
ITEM_ROUTE = "/cart/items/{book_id}"


def sample_events() -> dict[str, dict[str, Any]]:
    item = f"/cart/items/{BOOK_ID}"
    book = {"book_id": BOOK_ID}
    return {
        "get-cart": sample_http_event("GET", "/cart", token=ACCESS_TOKEN),
        "put-cart-item": sample_http_event(
            "PUT",
            item,
            token=ACCESS_TOKEN,
            body={"quantity": 2},
            route=ITEM_ROUTE,
            path_parameters=book,
        ),
        "delete-cart-item": sample_http_event(
            "DELETE", item, token=ACCESS_TOKEN, route=ITEM_ROUTE, path_parameters=book
        ),
        "clear-cart": sample_http_event("DELETE", "/cart", token=ACCESS_TOKEN),
    }


if __name__ == "__main__":
    write_events(EVENTS_DIR, sample_events())
