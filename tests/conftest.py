"""Fixtures shared by every test: a real PostgreSQL, a migrated template, a clean database per test."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator

import pytest

# Before anything imports the shared layer: these are read at import time.
os.environ["ENV"] = "test"
os.environ["POWERTOOLS_TRACE_DISABLED"] = "true"
os.environ["POWERTOOLS_SERVICE_NAME"] = "bookstore-tests"
os.environ.setdefault("SECRET_KEY", "test-signing-key-that-is-long-enough-for-hs256")
os.environ.pop("DATABASE_URL", None)
os.environ.pop("DATABASE_SECRET_ARN", None)

from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from sqlalchemy.pool import NullPool

from bookstore import embedded_postgres
from shared.db.engine import connect_args, dispose_engine
from shared.db.url import resolve_database_url
from shared.settings import get_settings
from tests.support.databases import (
    SessionDatabase,
    create_database,
    drop_database,
    point_settings_at,
    run,
    unique_name,
)

# Fixtures any test may ask for: `aws`, `bus` and `spy` (a moto EventBridge), `customer` and
# `admin` (accounts with their access tokens), `process_pool` (warm processes for races),
# `disposable_postgres` (a server of the tests' own, for faults).
pytest_plugins = (
    "tests.support.eventbridge",
    "tests.support.oidc",
    "tests.support.accounts",
    "tests.support.races",
    "tests.support.api_examples",
    "tests.support.disposable_postgres",
    "tests.support.secret_scan",
)


@pytest.fixture(autouse=True)
def _fresh_settings() -> Iterator[None]:
    get_settings.cache_clear()
    yield
    run(dispose_engine())
    get_settings.cache_clear()


@pytest.fixture(scope="session")
def postgres_server_url() -> str:
    """`TEST_DATABASE_URL` when set (CI), else an embedded server kept under .local/."""
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return embedded_postgres.start(embedded_postgres.PROJECT_ROOT / ".local" / "test-postgres")


@pytest.fixture(scope="session")
def migrated_template(postgres_server_url: str) -> Iterator[str]:
    from functions.migrations import runner

    name = unique_name("bookstore_template")
    create_database(postgres_server_url, name)
    with pytest.MonkeyPatch.context() as monkeypatch:
        point_settings_at(embedded_postgres.database_url(postgres_server_url, name), monkeypatch)
        runner.run("upgrade")
        get_settings.cache_clear()
    yield name
    drop_database(postgres_server_url, name)


@pytest.fixture
def empty_database_url(postgres_server_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A new database with no schema at all, which the process now uses."""
    name = unique_name("bookstore_empty")
    create_database(postgres_server_url, name)
    url = embedded_postgres.database_url(postgres_server_url, name)
    point_settings_at(url, monkeypatch)
    yield url
    run(dispose_engine())
    drop_database(postgres_server_url, name)


@pytest.fixture(scope="session")
def session_database(postgres_server_url: str, migrated_template: str) -> Iterator[SessionDatabase]:
    """The one copy of the template this pytest process hands to every test, reset in between."""
    database = SessionDatabase(postgres_server_url, migrated_template)
    yield database
    database.drop()


@pytest.fixture
def database_url(
    session_database: SessionDatabase, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    """A migrated database of this test's own, with no rows, which the process now uses."""
    url = session_database.reset()
    point_settings_at(url, monkeypatch)
    yield url
    run(dispose_engine())


@pytest.fixture
async def db_session(database_url: str) -> AsyncIterator[AsyncSession]:
    """A session on this test's database, for domain rules called directly rather than through a
    handler. Its engine is its own, on the test's loop: the process-wide one is bound to the
    process loop that the handlers run on."""
    settings = get_settings()
    engine = create_async_engine(
        resolve_database_url(settings), poolclass=NullPool, connect_args=connect_args(settings)
    )
    try:
        async with AsyncSession(engine, expire_on_commit=False) as session:
            yield session
    finally:
        await engine.dispose()
