"""Every ORM model of the project, imported here so `Base.metadata` (and Alembic) sees every table."""

from shared.db.base import Base
from shared.models.book import Book
from shared.models.cart import CartItem
from shared.models.order import IdempotencyKey, Order, OrderItem
from shared.models.outbox import OutboxEvent
from shared.models.prebook import Prebook
from shared.models.search_word import SearchWord
from shared.models.user import RefreshToken, User
from shared.models.wishlist import WishlistItem

__all__ = [
    "Base",
    "Book",
    "CartItem",
    "IdempotencyKey",
    "Order",
    "OrderItem",
    "OutboxEvent",
    "Prebook",
    "RefreshToken",
    "SearchWord",
    "User",
    "WishlistItem",
]
