"""Every test of a process gets the same `database_url` database, reset in between: nothing a test
does to it may reach the next test. Each check runs more than once and does its damage only after
looking for the damage of the run before, so the later runs prove the reset."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field

import asyncpg
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from bookstore import embedded_postgres
from functions.migrations import runner
from shared.db.models import User
from shared.db.revision import SCHEMA_HEAD
from tests.support.databases import connect, fetch, run

TWICE = pytest.mark.parametrize("run_number", [1, 2])

_TABLES_AND_COLUMNS = """
SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns
WHERE table_schema = 'public' ORDER BY 1, 2
"""


def rows_per_table(url: str) -> dict[str, int]:
    tables = run(fetch(url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"))
    counts: dict[str, int] = {}
    for table in sorted(row["tablename"] for row in tables):
        count = run(fetch(url, f'SELECT count(*) AS n FROM "{table}"'))
        counts[table] = count[0]["n"]
    return counts


_INSERT_USER = "INSERT INTO users (id, email, full_name, password_hash) VALUES ($1, $2, 'Ann', 'x')"


def insert_user(into: str | asyncpg.Connection, email: str) -> uuid.UUID:
    """A user row, committed through a URL or written in a connection's own transaction."""
    user_id = uuid.uuid4()
    if isinstance(into, str):
        run(fetch(into, _INSERT_USER, user_id, email))
    else:
        run(into.execute(_INSERT_USER, user_id, email))
    return user_id


@TWICE
def test_rows_a_test_wrote_are_gone_in_the_next_test(database_url: str, run_number: int) -> None:
    counts = rows_per_table(database_url)
    assert counts.pop("alembic_version") == 1
    assert set(counts.values()) == {0}, counts

    insert_user(database_url, f"ann{run_number}@example.org")
    run(
        fetch(
            database_url,
            "INSERT INTO refresh_tokens (id, user_id, family_id, token_hash, expires_at)"
            " SELECT $1, id, $1, '\\x00', now() FROM users",
            uuid.uuid4(),
        )
    )


@pytest.fixture
def template_schema(postgres_server_url: str, migrated_template: str) -> list[asyncpg.Record]:
    template_url = embedded_postgres.database_url(postgres_server_url, migrated_template)
    return run(fetch(template_url, _TABLES_AND_COLUMNS))


@pytest.mark.parametrize(
    "change",
    [
        "CREATE TABLE leftover (id integer)",
        "ALTER TABLE users ADD COLUMN leftover integer",
        "ALTER TABLE users ALTER COLUMN full_name DROP NOT NULL",
        "DROP INDEX uq_users_email_lower",
        "downgrade -1",
    ],
)
def test_a_schema_change_a_test_made_is_gone_in_the_next_test(
    database_url: str, template_schema: list[asyncpg.Record], change: str
) -> None:
    assert run(fetch(database_url, _TABLES_AND_COLUMNS)) == template_schema
    assert run(fetch(database_url, "SELECT to_regclass('uq_users_email_lower') AS i"))[0]["i"]
    assert runner.run("current").current == SCHEMA_HEAD

    if change.startswith("downgrade"):
        assert runner.run("downgrade", "-1").current != SCHEMA_HEAD
    else:
        run(fetch(database_url, change))


@dataclass
class LeftOpen:
    """Connections a test deliberately leaves in a transaction, and the database they were on."""

    connections: list[asyncpg.Connection] = field(default_factory=list)
    database_oid: int | None = None


@pytest.fixture(scope="module")
def left_open() -> Iterator[LeftOpen]:
    left = LeftOpen()
    yield left
    for connection in left.connections:
        connection.terminate()


@TWICE
def test_a_transaction_a_test_left_open_does_not_block_the_next_test(
    database_url: str, left_open: LeftOpen, run_number: int
) -> None:
    others = run(
        fetch(
            database_url,
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
            " AND pid <> pg_backend_pid() AND backend_type = 'client backend'",
        )
    )
    assert others == []
    assert rows_per_table(database_url)["users"] == 0
    # Waiting for the locks to time out would end in a new copy of the template: a new oid.
    [row] = run(
        fetch(database_url, "SELECT oid FROM pg_database WHERE datname = current_database()")
    )
    if left_open.connections:
        assert row["oid"] == left_open.database_oid
    left_open.database_oid = row["oid"]

    connection = run(connect(database_url))
    left_open.connections.append(connection)
    run(connection.execute("BEGIN"))
    insert_user(connection, f"open{run_number}@example.org")
    run(connection.execute("LOCK TABLE users, alembic_version IN ACCESS EXCLUSIVE MODE"))


async def test_db_session_sees_a_row_committed_through_the_database_url(
    database_url: str, db_session: AsyncSession
) -> None:
    user_id = uuid.uuid4()
    connection = await connect(database_url)
    try:
        await connection.execute(_INSERT_USER, user_id, "c@x.org")
    finally:
        await connection.close()

    user = await db_session.get(User, user_id)

    assert user is not None
    assert user.email == "c@x.org"
