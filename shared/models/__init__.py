"""Every ORM model of the project, imported here so `Base.metadata` (and Alembic) sees every table."""

from shared.db.base import Base

__all__ = ["Base"]
