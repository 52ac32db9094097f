"""Every ORM model of the project, imported here so `Base.metadata` (and Alembic) sees every table."""

from shared.db.models.base import Base
from shared.db.models.book import Book
from shared.db.models.cart import CartItem
from shared.db.models.order import Order, OrderItem
from shared.db.models.outbox import OutboxEvent
from shared.db.models.prebook import Prebook
from shared.db.models.search_word import SearchWord
from shared.db.models.user import RefreshToken, User
from shared.db.models.wishlist import WishlistItem

# Tables only Core statements use, imported so the metadata (and Alembic) sees them too.
from shared.db.tables import identities as _identities  # noqa: F401

__all__ = [
    "Base",
    "Book",
    "CartItem",
    "Order",
    "OrderItem",
    "OutboxEvent",
    "Prebook",
    "RefreshToken",
    "SearchWord",
    "User",
    "WishlistItem",
]
