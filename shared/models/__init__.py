"""Every ORM model of the project, imported here so `Base.metadata` (and Alembic) sees every table."""

from shared.db.base import Base
from shared.models.user import RefreshToken, User

__all__ = ["Base", "RefreshToken", "User"]
