"""The sample events in events/prebooks/. Regenerate: `uv run python -m tests.prebooks.sample_events`.

`<access-token>` is a placeholder for a customer's access token, `<book-id>` for an upcoming
book's id and `<prebook-id>` for one of the customer's prebooks.
"""

from __future__ import annotations

from typing import Any

from tests.support.sample_events import EVENTS_DIR as SAMPLE_EVENTS_DIR
from tests.support.sample_events import sample_http_event, write_events

EVENTS_DIR = SAMPLE_EVENTS_DIR / "prebooks"
ACCESS_TOKEN = "<access-token>"
BOOK_ID = "<book-id>"
PREBOOK_ID = "<prebook-id>"


def sample_events() -> dict[str, dict[str, Any]]:
    return {
        "create-prebook": sample_http_event(
            "POST", "/prebooks", token=ACCESS_TOKEN, body={"book_id": BOOK_ID, "quantity": 1}
        ),
        "list-prebooks": sample_http_event(
            "GET", "/prebooks", token=ACCESS_TOKEN, query={"limit": "20"}
        ),
        "cancel-prebook": sample_http_event(
            "DELETE",
            f"/prebooks/{PREBOOK_ID}",
            token=ACCESS_TOKEN,
            route="/prebooks/{prebook_id}",
            path_parameters={"prebook_id": PREBOOK_ID},
        ),
        # What the release schedule sends (its input in template.yaml).
        "release-prebooks": {"action": "release-prebooks"},
    }


if __name__ == "__main__":
    write_events(EVENTS_DIR, sample_events())
