"""SnapStart's runtime hooks, run in the order Lambda runs them, in a process of their own."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from bookstore import embedded_postgres
from shared.db.url import secret_credentials
from shared.runtime.handler import run_on_process_loop
from shared.runtime.snapstart import after_restore
from shared.settings import get_settings
from tests.support.accounts import make_book
from tests.support.databases import create_database, drop_database, unique_name

POOLED_RUN_VARIABLES = ("TEST_DATABASE_UPSTREAM_URL", "DB_PROXY_MODE")


@pytest.fixture(scope="module")
def lifecycle(postgres_server_url: str, migrated_template: str) -> Iterator[dict[str, Any]]:
    """One lifecycle for the module's tests, on a database of its own."""
    name = unique_name("bookstore_snapstart")
    create_database(postgres_server_url, name, template=migrated_template)
    database_url = embedded_postgres.database_url(postgres_server_url, name)
    try:
        yield run_lifecycle(database_url, make_book(database_url))
    finally:
        drop_database(postgres_server_url, name)


def run_lifecycle(database_url: str, book: str) -> dict[str, Any]:
    completed = subprocess.run(
        [sys.executable, "-m", "tests.support.snapstart_probe", database_url, book],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        env={
            "POWERTOOLS_LOG_LEVEL": "WARNING",
            "PATH": "",
            "ENV": "test",
            # A pooled run's probe counts the pooler's clients, as the harness does.
            **{name: os.environ[name] for name in POOLED_RUN_VARIABLES if name in os.environ},
        },
    )
    answer: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    return answer


def test_the_snapshot_holds_no_connection_although_init_opened_one(
    lifecycle: dict[str, Any],
) -> None:
    assert lifecycle["before_snapshot_hooks"] == 1
    assert len(lifecycle["server_pids_during_init"]) == 1
    assert lifecycle["pool_connections"] == 0
    assert lifecycle["server_pids_at_snapshot"] == []


def test_the_snapshot_holds_the_orm_every_module_and_serializer_the_function_builds_on_first_use(
    lifecycle: dict[str, Any],
) -> None:
    # Init served a sessionless read of one book: neither the ORM, the session's modules, the
    # token checks (PyJWT, cryptography) nor the catalog pages' serializer were needed.
    assert lifecycle["loaded_before_hooks"] == {
        "orm": False,
        "pending": ["shared.auth.tokens", "shared.db.transaction"],
        "unbuilt_pages": ["BookPublic"],
    }
    assert lifecycle["loaded_at_snapshot"] == {
        "orm": True,
        "pending": [],
        "unbuilt_pages": [],
        "anything_left": [],
    }


def test_each_restore_serves_its_first_request_on_a_fresh_connection(
    lifecycle: dict[str, Any],
) -> None:
    [init_pid] = lifecycle["server_pids_during_init"]
    restores = lifecycle["restores"]

    assert [restore["status"] for restore in restores] == [200, 200]
    for restore in restores:
        [pid] = restore["server_pids"]
        assert pid != init_pid


def test_two_restores_of_one_snapshot_draw_different_random_numbers(
    lifecycle: dict[str, Any],
) -> None:
    first, second = (restore["draws"] for restore in lifecycle["restores"])

    assert first != second


def test_the_hooks_take_well_under_a_second(lifecycle: dict[str, Any]) -> None:
    assert lifecycle["before_snapshot_seconds"] < 1
    assert all(restore["after_restore_seconds"] < 1 for restore in lifecycle["restores"])


def test_after_a_restore_the_database_credentials_are_read_from_the_secret_again(
    aws: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    secrets = boto3.client("secretsmanager")
    arn = secrets.create_secret(
        Name="rds!db-snapshot",
        SecretString=json.dumps({"username": "app", "password": "password-in-the-snapshot"}),
    )["ARN"]
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("DATABASE_SECRET_ARN", arn)
    monkeypatch.setenv("DATABASE_HOST", "db.internal")
    get_settings.cache_clear()
    assert secret_credentials(get_settings()) is not None  # read, and cached, before the snapshot
    secrets.put_secret_value(
        SecretId=arn,
        SecretString=json.dumps({"username": "app", "password": "password-rotated-since"}),
    )
    cached = secret_credentials(get_settings())

    after_restore(run_on_process_loop)
    restored = secret_credentials(get_settings())

    assert [c.password if c else None for c in (cached, restored)] == [
        "password-in-the-snapshot",
        "password-rotated-since",
    ]
