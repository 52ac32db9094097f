"""The API.md error contract, through the real handler factory, on a small app of its own."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import text

from shared.db.request_session import SignInSession
from shared.errors import ConflictError
from shared.http.app import create_app
from shared.runtime.handler import create_handler
from tests.support.databases import bookstore_sessions, point_settings_at
from tests.support.lambda_client import LambdaClient
from tests.support.logs import captured_logs

router = APIRouter(prefix="/probe")


class ProbeCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=5)
    secret: str = Field(min_length=8)


@router.post("")
async def create_probe(probe: ProbeCreate) -> dict[str, str]:
    return {"name": probe.name}


@router.get("/boom")
async def boom() -> None:
    raise RuntimeError("SELECT password FROM users -- /var/task/shared/db.py secret=hunter2")


@router.get("/conflict")
async def conflict() -> None:
    raise ConflictError("Already there", code="PROBE_EXISTS", field="name")


@router.get("/db")
async def touch_database(session: SignInSession) -> dict[str, int]:
    return {"one": int(await session.scalar(text("SELECT 1")) or 0)}


@router.get("/slow")
async def slow_query(session: SignInSession) -> dict[str, int]:
    await session.execute(text("SELECT pg_sleep(3)"))
    return {"slept": 3}


@router.get("/slow-steps")
async def slow_steps(session: SignInSession) -> dict[str, int]:
    # Each statement keeps within the command timeout; together they outlast the invocation.
    for _ in range(6):
        await session.execute(text("SELECT pg_sleep(1)"))
    return {"slept": 6}


@router.get("/disk")
async def missing_file() -> None:
    raise FileNotFoundError(2, "No such file or directory", "/var/task/catalog.json")


@router.get("/upstream")
async def upstream_timeout() -> None:
    raise TimeoutError("the payment provider did not answer")


handler = create_handler(create_app("probe", router, title="probe"))
client = LambdaClient(handler)


def test_an_unexpected_exception_is_a_500_with_exactly_the_generic_body(
    capfd: pytest.CaptureFixture[str],
) -> None:
    with captured_logs() as logs:
        response = client.get("/probe/boom")

    assert response.status_code == 500
    assert response.json() == {"detail": "Internal server error", "code": "INTERNAL_ERROR"}
    assert response.headers["x-request-id"]
    for leaked in ("SELECT", "/var/task", "hunter2", "Traceback"):
        assert leaked not in response.body
    assert "unhandled error" in logs.text
    assert "RuntimeError" in logs.text  # the stack trace goes to the log, never the client
    assert '"ServerErrors":1,' in capfd.readouterr().out


def test_a_domain_error_has_its_status_code_and_field() -> None:
    response = client.get("/probe/conflict")

    assert response.status_code == 409
    assert response.json() == {"detail": "Already there", "code": "PROBE_EXISTS", "field": "name"}


def test_a_validation_error_names_the_one_field_at_fault_and_never_echoes_the_input() -> None:
    response = client.post("/probe", json_body={"name": "ok", "secret": "pw!42"})

    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "VALIDATION_ERROR"
    assert body["field"] == "secret"
    assert body["detail"][0]["loc"] == ["body", "secret"]
    assert "pw!42" not in response.body


def test_errors_on_several_fields_list_them_all_without_a_single_field() -> None:
    response = client.post("/probe", json_body={"name": "too long", "secret": "x"})

    body = response.json()
    assert response.status_code == 422
    assert "field" not in body
    assert {tuple(error["loc"]) for error in body["detail"]} == {
        ("body", "name"),
        ("body", "secret"),
    }


def test_an_unknown_json_field_is_rejected() -> None:
    response = client.post(
        "/probe", json_body={"name": "ok", "secret": "long enough", "role": "admin"}
    )

    assert response.status_code == 422
    assert response.json()["field"] == "role"


def test_a_malformed_json_body_is_a_validation_error() -> None:
    response = client.post(
        "/probe", raw_body='{"name": ', headers={"content-type": "application/json"}
    )

    assert response.status_code == 422
    assert response.json()["code"] == "VALIDATION_ERROR"
    assert "field" not in response.json()


def test_an_unknown_route_is_404_and_a_wrong_method_is_405() -> None:
    missing = client.get("/probe/nothing/here")
    wrong_method = client.delete("/probe/boom")

    assert (missing.status_code, missing.json()["code"]) == (404, "NOT_FOUND")
    assert (wrong_method.status_code, wrong_method.json()["code"]) == (405, "METHOD_NOT_ALLOWED")
    assert wrong_method.headers["allow"] == "GET"


def test_an_unreachable_database_is_a_503_with_retry_after(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    point_settings_at("postgresql://postgres@127.0.0.1:1/nowhere", monkeypatch)

    response = client.get("/probe/db")

    assert response.status_code == 503
    assert response.json() == {
        "detail": "The database is unavailable, try again shortly",
        "code": "SERVICE_UNAVAILABLE",
    }
    assert response.headers["retry-after"] == "5"


def test_the_response_and_every_log_line_carry_the_api_gateway_request_id(
    capfd: pytest.CaptureFixture[str],
) -> None:
    from bookstore.events import http_api_event
    from tests.support.lambda_client import invoke

    event = http_api_event("GET", "/probe/conflict")
    event["requestContext"]["requestId"] = "gateway-request-id-123"

    capfd.readouterr()
    response = invoke(client.handler, event)

    log_lines = [json.loads(line) for line in capfd.readouterr().out.splitlines()]
    assert response.headers["x-request-id"] == "gateway-request-id-123"
    assert [line["message"] for line in log_lines] == ["request served"]
    assert all(line["correlation_id"] == "gateway-request-id-123" for line in log_lines)


def test_the_openapi_document_is_served_under_the_function_name() -> None:
    response = client.get("/probe/openapi.json")

    assert response.status_code == 200
    document = response.json()
    assert "/probe/boom" in document["paths"]
    assert "ErrorBody" in json.dumps(document["components"])


def test_a_statement_past_the_command_timeout_is_a_503_and_its_connection_is_not_reused(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DB_COMMAND_TIMEOUT", "0.5")
    point_settings_at(database_url, monkeypatch)
    assert client.get("/probe/db").status_code == 200
    [before] = bookstore_sessions(database_url)

    response = client.get("/probe/slow")
    after = client.get("/probe/db")

    assert response.status_code == 503
    assert response.json()["code"] == "SERVICE_UNAVAILABLE"
    assert after.json() == {"one": 1}
    assert bookstore_sessions(database_url) not in ([], [before])


@pytest.mark.parametrize("path", ["/probe/disk", "/probe/upstream"])
def test_an_os_error_or_timeout_that_is_not_the_databases_is_a_500_not_a_503(path: str) -> None:
    with captured_logs() as logs:
        response = client.get(path)

    assert response.status_code == 500
    assert response.json() == {"detail": "Internal server error", "code": "INTERNAL_ERROR"}
    assert "database unavailable" not in logs.text


def test_a_request_still_running_at_the_invocation_deadline_answers_its_own_503(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INVOCATION_RESERVE_SECONDS", "3")
    point_settings_at(database_url, monkeypatch)
    # Lambda would stop the function at 5 s; the request must have answered by 2 s.
    short_lived = LambdaClient(handler, timeout_seconds=5)

    with captured_logs() as logs:
        response = short_lived.get("/probe/slow-steps")

    assert response.status_code == 503
    assert response.json() == {
        "detail": "The request ran out of time, try again shortly",
        "code": "SERVICE_UNAVAILABLE",
    }
    assert response.headers["retry-after"] == "5"
    assert response.headers["x-request-id"]
    assert "request cancelled at the invocation deadline" in logs.text
    assert short_lived.get("/probe/db").json() == {"one": 1}


@pytest.mark.parametrize(("disabled", "sdk_loaded"), [("true", False), ("false", True)])
def test_the_x_ray_sdk_is_loaded_only_when_sdk_tracing_is_on(
    disabled: str, sdk_loaded: bool
) -> None:
    script = (
        "import json, sys\n"
        "from bookstore.events import http_api_event\n"
        "from bookstore.lambda_context import LocalLambdaContext\n"
        "from functions.health.app import handler\n"
        "answer = handler(http_api_event('GET', '/health'), LocalLambdaContext())\n"
        "print(json.dumps([answer['statusCode'], 'aws_xray_sdk.core' in sys.modules]))\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", script],
        env={**os.environ, "POWERTOOLS_TRACE_DISABLED": disabled},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )

    assert json.loads(completed.stdout.strip().splitlines()[-1]) == [200, sdk_loaded]


@pytest.mark.parametrize("payload_version", ["1.0", "2.0"])
def test_an_event_whose_header_holds_a_lone_surrogate_is_a_422_not_a_crash(
    payload_version: str,
) -> None:
    from bookstore.events import http_api_event, rest_api_event
    from tests.support.lambda_client import invoke

    build = rest_api_event if payload_version == "1.0" else http_api_event
    event = build("GET", "/probe/conflict", headers={"x-note": "broken \ud800 text"})

    response = invoke(client.handler, event)

    assert response.status_code == 422
    assert response.json()["code"] == "VALIDATION_ERROR"


def test_a_wrong_method_lists_every_method_of_the_path_in_allow() -> None:
    from functions.books.app import handler as books_handler

    response = LambdaClient(books_handler).request(
        "PUT", "/books/5a550b4b-6029-4319-9c15-5fc6393e5ae7"
    )

    assert response.status_code == 405
    assert response.headers["allow"] == "DELETE, GET, PATCH"
