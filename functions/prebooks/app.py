"""The Prebooks function: pre-orders of upcoming books; docs at /prebooks/docs.

Besides API Gateway events, `handler` runs the release job on `{"action": "release-prebooks"}`
(its schedule's input), see `functions.prebooks.operator_actions`.
"""

from __future__ import annotations

from shared.runtime.startup import collector_paused

DESCRIPTION = """Pre-orders of books whose release date is in the future.

- A prebook takes no stock and fixes no price. Once the book is released, a scheduled job turns
  the pending prebooks into orders (`OrderPlaced`, then `PrebookFulfilled`), at that day's price,
  **oldest first**: a later prebook is never served before an earlier one, so when the next in
  line does not fit the stock, that book's prebooks wait for the next run (or for new stock).
- A fulfilled prebook shows its `order_id`; the order is in `GET /orders` like any other.
- At most one pending prebook per book: change the quantity by cancelling and pre-booking again.
- `title` and `release_date` are the book's current ones.
"""

# The function's whole start-up, with the garbage collector paused: see shared.runtime.startup.
with collector_paused():
    from functions.prebooks.operator_actions import ACTIONS
    from functions.prebooks.router import router
    from shared.http.app import create_app
    from shared.runtime.handler import create_handler
    from shared.runtime.operator_actions import with_operator_actions

    app = create_app("prebooks", router, title="Bookstore prebooks", description=DESCRIPTION)
    handler = with_operator_actions(create_handler(app), ACTIONS)
