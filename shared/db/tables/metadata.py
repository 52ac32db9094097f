"""The schema's `MetaData` and the columns most tables share."""

from __future__ import annotations

import uuid

from sqlalchemy import Column, DateTime, MetaData, Uuid, func

from shared.db.ids import new_id

# Deterministic constraint names, so Alembic can drop and alter them by name on every database.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)


def id_column() -> Column[uuid.UUID]:
    return Column("id", Uuid, primary_key=True, default=new_id)


def moment_column(name: str) -> Column[object]:
    """A time the database sets when the row is written."""
    return Column(name, DateTime(timezone=True), server_default=func.now(), nullable=False)


def updated_at_column() -> Column[object]:
    """Set by the database, and again on every ORM update (a Core update sets it itself)."""
    return Column(
        "updated_at",
        DateTime(timezone=True),
        server_default=func.now(),
        onupdate=func.now(),
        nullable=False,
    )


def timestamp_columns() -> tuple[Column[object], Column[object]]:
    """`created_at` and `updated_at`."""
    return moment_column("created_at"), updated_at_column()
