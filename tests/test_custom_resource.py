"""The Migrations function as CloudFormation calls it: responses captured by a loopback server."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from bookstore.lambda_context import LocalLambdaContext
from functions.migrations import custom_resource, runner
from functions.migrations.app import handler
from shared.db.revision import SCHEMA_HEAD
from tests.support.cloudformation import ResponseCatcher
from tests.support.databases import point_settings_at
from tests.support.logs import captured_logs
from tests.support.ports import free_loopback_port


@pytest.fixture
def catcher() -> Iterator[ResponseCatcher]:
    catcher = ResponseCatcher()
    yield catcher
    catcher.close()


def cloudformation_event(request_type: str, response_url: str) -> dict[str, Any]:
    event = {
        "RequestType": request_type,
        "ServiceToken": "arn:aws:lambda:us-east-1:123456789012:function:Migrations",
        "ResponseURL": response_url,
        "StackId": "arn:aws:cloudformation:us-east-1:123456789012:stack/bookstore/1",
        "RequestId": str(uuid.uuid4()),
        "LogicalResourceId": "MigrateDatabase",
        "ResourceType": "Custom::DatabaseMigrations",
        "ResourceProperties": {"MigrationsVersion": "3"},
    }
    if request_type != "Create":
        event["PhysicalResourceId"] = custom_resource.PHYSICAL_RESOURCE_ID
    return event


def test_create_upgrades_to_head_and_answers_success(
    catcher: ResponseCatcher, empty_database_url: str
) -> None:
    event = cloudformation_event("Create", catcher.url)

    handler(event, LocalLambdaContext(function_name="Migrations", timeout_seconds=300))

    [response] = catcher.responses
    assert response["Status"] == "SUCCESS"
    assert response["Data"]["Revision"] == SCHEMA_HEAD
    assert response["RequestId"] == event["RequestId"]
    assert response["StackId"] == event["StackId"]
    assert response["LogicalResourceId"] == "MigrateDatabase"
    assert response["PhysicalResourceId"] == custom_resource.PHYSICAL_RESOURCE_ID


def test_a_failed_migration_answers_failed_with_a_readable_reason(
    catcher: ResponseCatcher, monkeypatch: pytest.MonkeyPatch
) -> None:
    point_settings_at("postgresql://postgres@127.0.0.1:1/nowhere", monkeypatch)

    handler(cloudformation_event("Update", catcher.url), LocalLambdaContext(timeout_seconds=300))

    [response] = catcher.responses
    assert response["Status"] == "FAILED"
    assert response["Reason"].startswith("Migration failed: ")
    assert "Connect" in response["Reason"] or "refused" in response["Reason"]


def test_delete_answers_success_and_leaves_the_schema_alone(
    catcher: ResponseCatcher, database_url: str
) -> None:
    from functions.migrations import runner

    handler(cloudformation_event("Delete", catcher.url), LocalLambdaContext())

    [response] = catcher.responses
    assert response["Status"] == "SUCCESS"
    assert runner.run("current").current == SCHEMA_HEAD


def test_a_response_is_sent_before_the_function_would_time_out(
    catcher: ResponseCatcher, monkeypatch: pytest.MonkeyPatch
) -> None:
    def hang() -> dict[str, Any]:
        for _ in range(100):  # a migration stuck until the deadline answer has gone out
            if catcher.responses:
                break
            time.sleep(0.05)
        return {"Revision": "never"}

    # 10.5 s left and a 10 s safety margin: the deadline timer must answer after ~0.5 s.
    context = LocalLambdaContext(timeout_seconds=10.5)
    custom_resource.handle(cloudformation_event("Update", catcher.url), context, hang)

    [response] = catcher.responses
    assert response["Status"] == "FAILED"
    assert "timed out" in response["Reason"]


def test_a_response_the_url_refuses_at_first_is_delivered_on_a_later_attempt(
    empty_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(custom_resource, "_RETRY_PAUSE_SECONDS", 0.05)
    flaky = ResponseCatcher(failures=2)
    try:
        handler(cloudformation_event("Create", flaky.url), LocalLambdaContext(timeout_seconds=300))
    finally:
        flaky.close()

    assert flaky.refused == 2
    [response] = flaky.responses
    assert response["Status"] == "SUCCESS"


def test_an_unreachable_response_url_is_logged_and_the_migration_still_applies(
    empty_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(custom_resource, "_RETRY_PAUSE_SECONDS", 0.05)
    unreachable = f"http://127.0.0.1:{free_loopback_port()}/response?signature=s3cr3t"

    with captured_logs() as logs:
        answer = handler(
            cloudformation_event("Create", unreachable), LocalLambdaContext(timeout_seconds=300)
        )

    assert answer == {"RequestType": "Create"}
    assert runner.run("current").current == SCHEMA_HEAD
    messages = [line["message"] for line in logs.lines]
    assert messages.count("custom resource response not delivered") == 3
    assert any(message.startswith("CloudFormation was never told") for message in messages)
    assert "migration failed" not in messages
    assert "s3cr3t" not in logs.text
