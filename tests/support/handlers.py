"""Every HTTP function's Lambda handler, by the name its OpenAPI document and routes use."""

from __future__ import annotations

from functions.books.app import handler as books_handler
from functions.cart.app import handler as cart_handler
from functions.health.app import handler as health_handler
from functions.orders.app import handler as orders_handler
from functions.prebooks.app import handler as prebooks_handler
from functions.users.app import handler as users_handler
from functions.wishlist.app import handler as wishlist_handler
from shared.runtime.handler import LambdaHandler

HANDLERS: dict[str, LambdaHandler] = {
    "health": health_handler,
    "users": users_handler,
    "books": books_handler,
    "cart": cart_handler,
    "orders": orders_handler,
    "wishlist": wishlist_handler,
    "prebooks": prebooks_handler,
}
