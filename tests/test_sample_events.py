"""Every committed sample event of the Health and Migrations functions, replayed through its handler."""

from __future__ import annotations

import pytest

from bookstore.lambda_context import LocalLambdaContext
from functions.health.app import handler as health_handler
from functions.migrations.app import handler as migrations_handler
from shared.db.revision import SCHEMA_HEAD
from tests.support.cloudformation import ResponseCatcher
from tests.support.lambda_client import invoke
from tests.support.sample_events import event_files, load_event

HEALTH_EXPECTED_STATUS = {
    "health/get-health.json": 200,
    "health/get-health-db.json": 200,
    "health/get-health-ready.json": 200,
    "health/get-health-rest-v1.json": 200,
    "health/get-unknown-route.json": 404,
}


def test_every_health_event_file_has_an_expected_answer() -> None:
    assert set(event_files("health")) == set(HEALTH_EXPECTED_STATUS)


@pytest.mark.parametrize(("path", "status"), sorted(HEALTH_EXPECTED_STATUS.items()))
def test_health_sample_event_is_answered(path: str, status: int, database_url: str) -> None:
    event = load_event(path)

    response = invoke(health_handler, event)

    assert response.status_code == status
    assert response.headers["x-request-id"] == event["requestContext"]["requestId"]


def test_the_direct_invocation_events_report_and_move_the_revision(empty_database_url: str) -> None:
    context = LocalLambdaContext(function_name="Migrations", timeout_seconds=300)

    before = migrations_handler(load_event("migrations/current.json"), context)
    upgraded = migrations_handler(load_event("migrations/upgrade.json"), context)
    stepped_back = migrations_handler(load_event("migrations/downgrade-one.json"), context)

    assert before["current"] is None
    assert upgraded["current"] == SCHEMA_HEAD
    assert stepped_back["current"] not in (None, SCHEMA_HEAD)


@pytest.mark.parametrize("name", ["cloudformation-create", "cloudformation-delete"])
def test_the_cloudformation_events_get_a_success_response(name: str, database_url: str) -> None:
    catcher = ResponseCatcher()
    event = load_event(f"migrations/{name}.json")
    event["ResponseURL"] = catcher.url
    try:
        migrations_handler(event, LocalLambdaContext(timeout_seconds=300))
    finally:
        catcher.close()

    assert [response["Status"] for response in catcher.responses] == ["SUCCESS"]
