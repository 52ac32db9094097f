"""The declarative base every ORM model derives from, over the Core tables' `MetaData`."""

from __future__ import annotations

from sqlalchemy.orm import DeclarativeBase

from shared.tables.metadata import metadata


class Base(DeclarativeBase):
    metadata = metadata
