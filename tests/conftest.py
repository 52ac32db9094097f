"""Fixtures shared by every test: a real PostgreSQL, a migrated template, a fresh database per test."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

# Before anything imports the shared layer: these are read at import time.
os.environ["ENV"] = "test"
os.environ["POWERTOOLS_TRACE_DISABLED"] = "true"
os.environ["POWERTOOLS_SERVICE_NAME"] = "bookstore-tests"
os.environ.setdefault("SECRET_KEY", "test-signing-key-that-is-long-enough-for-hs256")
os.environ.pop("DATABASE_URL", None)
os.environ.pop("DATABASE_SECRET_ARN", None)

from bookstore import embedded_postgres
from shared.db.engine import dispose_engine
from shared.settings import get_settings
from tests.support.databases import (
    create_database,
    drop_database,
    point_settings_at,
    run,
    unique_name,
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


@pytest.fixture
def database_url(
    postgres_server_url: str, migrated_template: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    """A migrated database of this test's own, which the process now uses."""
    name = unique_name("bookstore_test")
    create_database(postgres_server_url, name, template=migrated_template)
    url = embedded_postgres.database_url(postgres_server_url, name)
    point_settings_at(url, monkeypatch)
    yield url
    run(dispose_engine())
    drop_database(postgres_server_url, name)
