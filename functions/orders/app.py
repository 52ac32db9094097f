"""The Orders function: checkout, order history and the order lifecycle; docs at /orders/docs.

Besides API Gateway events, `handler` accepts the scheduled outbox drain and key purge
(`functions.orders.operator_actions`).
"""

from __future__ import annotations

from shared.runtime.startup import collector_paused

DESCRIPTION = """Orders of the caller's cart, and their lifecycle.

- **Checkout** (`POST /orders`) is one transaction: stock is checked and taken (it never goes
  below zero, whatever the concurrency), prices and titles are copied into the order (later
  catalog changes never alter it), and the cart is emptied. Send an `Idempotency-Key` to make
  retries safe: a retry never creates a second order.
- **Lifecycle**: pending → paid → shipped → delivered; cancelled from pending or paid, which puts
  the copies back in stock. Customers cancel their own orders; admins move any order.
- **Privacy**: a customer sees only their own orders; someone else's order is 404.
- **Events**: every placed, cancelled or advanced order is published to EventBridge
  (`OrderPlaced`, `OrderCancelled`, `OrderStatusChanged`) once its transaction has committed, each
  with a unique `event_id` to deduplicate on; an event whose publish fails is sent later by a
  scheduled drain, never lost.
- Money is a decimal string with two places, in the deployment's one `currency`.
"""

# The function's whole start-up, with the garbage collector paused: see shared.runtime.startup.
with collector_paused():
    from functions.orders.operator_actions import ACTIONS
    from functions.orders.router import router
    from shared.http.app import create_app
    from shared.runtime.handler import create_handler
    from shared.runtime.operator_actions import with_operator_actions

    app = create_app("orders", router, title="Bookstore orders", description=DESCRIPTION)
    handler = with_operator_actions(create_handler(app), ACTIONS)
