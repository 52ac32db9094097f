"""Which database the commands use: DATABASE_URL when configured, else the embedded dev server."""

from __future__ import annotations

import os

from bookstore import embedded_postgres

DEV_DATABASE = "bookstore"


def configured_database_url(*, start_embedded: bool = True) -> str:
    """The URL the commands (and the functions they call) will use; sets DATABASE_URL for them."""
    url = os.environ.get("DATABASE_URL")
    if url:
        return url
    if not start_embedded:
        raise SystemExit("DATABASE_URL is not set")
    server_url = embedded_postgres.start()
    url = embedded_postgres.ensure_database(server_url, DEV_DATABASE)
    os.environ["DATABASE_URL"] = url
    return url
