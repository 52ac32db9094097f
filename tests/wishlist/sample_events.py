"""The sample events in events/wishlist/. Regenerate: `uv run python -m tests.wishlist.sample_events`.

`<access-token>` is a placeholder for a customer's access token; the book is the one the Books
samples use.
"""

from __future__ import annotations

from typing import Any

from tests.support.sample_events import EVENTS_DIR as SAMPLE_EVENTS_DIR
from tests.support.sample_events import sample_http_event, write_events

EVENTS_DIR = SAMPLE_EVENTS_DIR / "wishlist"
ACCESS_TOKEN = "<access-token>"
BOOK_ID = "0193a5c0-4b1e-7c2a-9f00-00000000b001"
ENTRY_ROUTE = "/wishlist/{book_id}"


def sample_events() -> dict[str, dict[str, Any]]:
    entry = f"/wishlist/{BOOK_ID}"
    book = {"book_id": BOOK_ID}
    return {
        "get-wishlist": sample_http_event(
            "GET", "/wishlist", token=ACCESS_TOKEN, query={"limit": "20"}
        ),
        "put-wishlist-item": sample_http_event(
            "PUT", entry, token=ACCESS_TOKEN, route=ENTRY_ROUTE, path_parameters=book
        ),
        "delete-wishlist-item": sample_http_event(
            "DELETE", entry, token=ACCESS_TOKEN, route=ENTRY_ROUTE, path_parameters=book
        ),
    }


if __name__ == "__main__":
    write_events(EVENTS_DIR, sample_events())
