"""Every table of the schema in SQLAlchemy Core, without the ORM.

Reads that map rows straight to responses use these (importing the ORM costs about a tenth of a
bare FastAPI cold start); the ORM models of `shared.models` are mapped onto the same tables, so
both write the same columns and Alembic sees one schema. Importing any table imports them all,
so every foreign key can be resolved.
"""

from shared.tables.books import books
from shared.tables.cart import cart_items
from shared.tables.metadata import metadata
from shared.tables.orders import idempotency_keys, order_items, orders
from shared.tables.outbox import outbox_events
from shared.tables.prebooks import prebooks
from shared.tables.search_words import search_words
from shared.tables.users import refresh_tokens, users
from shared.tables.wishlist import wishlist_items

__all__ = [
    "books",
    "cart_items",
    "idempotency_keys",
    "metadata",
    "order_items",
    "orders",
    "outbox_events",
    "prebooks",
    "refresh_tokens",
    "search_words",
    "users",
    "wishlist_items",
]
