from __future__ import annotations

import pytest

from functions.health.app import handler
from shared.db.revision import SCHEMA_HEAD
from tests.support.databases import fetch, point_settings_at, run
from tests.support.lambda_client import LambdaClient


@pytest.fixture(params=["2.0", "1.0"], ids=["http-api", "rest-api"])
def client(request: pytest.FixtureRequest) -> LambdaClient:
    return LambdaClient(handler, payload_version=request.param)


def test_health_answers_ok_with_the_version_without_a_database(client: LambdaClient) -> None:
    response = client.get("/health")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "version": "0.1.0"}


def test_health_db_reports_the_round_trip(client: LambdaClient, database_url: str) -> None:
    response = client.get("/health/db")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "connected"
    assert isinstance(body["latency_ms"], float)


def test_health_ready_answers_the_head_revision_of_a_migrated_database(
    client: LambdaClient, database_url: str
) -> None:
    response = client.get("/health/ready")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ready",
        "database": "connected",
        "schema_revision": SCHEMA_HEAD,
    }


def test_health_ready_is_503_on_an_unmigrated_database(
    client: LambdaClient, empty_database_url: str
) -> None:
    response = client.get("/health/ready")

    assert response.status_code == 503
    assert response.json()["code"] == "NOT_READY"
    assert "not been migrated" in response.json()["detail"]


def test_health_db_is_503_db_unavailable_when_the_database_is_unreachable(
    client: LambdaClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    point_settings_at("postgresql://postgres@127.0.0.1:1/nowhere", monkeypatch)

    response = client.get("/health/db")

    assert response.status_code == 503
    assert response.json() == {
        "detail": "The database is unavailable: it cannot be reached",
        "code": "DB_UNAVAILABLE",
    }
    assert response.headers["retry-after"]


def test_health_ready_is_503_when_the_schema_is_behind_the_head(
    client: LambdaClient, database_url: str
) -> None:
    from functions.migrations import runner

    runner.run("downgrade", "-1")

    response = client.get("/health/ready")

    assert response.status_code == 503
    assert response.json()["code"] == "NOT_READY"
    assert f"expects {SCHEMA_HEAD}" in response.json()["detail"]


def test_health_ready_answers_a_schema_past_the_head_that_a_newer_release_migrated(
    client: LambdaClient, database_url: str
) -> None:
    # The deployment migrates before the new code serves: this code meets the next revision.
    run(
        fetch(
            database_url,
            "UPDATE alembic_version SET version_num = '9999_next_release' RETURNING version_num",
        )
    )

    response = client.get("/health/ready")

    assert response.status_code == 200
    assert response.json()["schema_revision"] == "9999_next_release"
