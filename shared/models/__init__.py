"""Every ORM model of the project, imported here so `Base.metadata` (and Alembic) sees every table."""

from shared.db.base import Base
from shared.models.book import Book
from shared.models.user import RefreshToken, User

__all__ = ["Base", "Book", "RefreshToken", "User"]
