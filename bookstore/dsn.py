"""Database URLs in the form asyncpg itself takes."""

from __future__ import annotations

from sqlalchemy.engine import make_url


def asyncpg_dsn(url: str, database: str | None = None) -> str:
    """`postgresql://...` for any accepted URL (`postgres://`, `+asyncpg`), optionally another database."""
    parsed = make_url(url).set(drivername="postgresql")
    if database is not None:
        parsed = parsed.set(database=database)
    return parsed.render_as_string(hide_password=False)
