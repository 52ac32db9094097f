"""What a function writes to its log: one JSON object per line on stdout, with the keys the
Powertools Logger wrote (service, level, message, the Lambda context, the correlation id) and the
fields of each call as keys of their own. Through the real handler factory, on an app of its own."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi import APIRouter

from bookstore.events import http_api_event
from bookstore.lambda_context import LocalLambdaContext
from shared.http.app import create_app
from shared.observability.log import logger
from shared.runtime.handler import create_handler, run_on_process_loop
from shared.runtime.operator_actions import ActionFailed, with_operator_actions
from shared.runtime.snapstart import after_restore

ROOT = Path(__file__).resolve().parents[2]

router = APIRouter(prefix="/logbook")


@router.get("/low-shelf")
async def low_shelf() -> dict[str, int]:
    logger.warning("shelf nearly empty", shelf="B-12", copies_left=2, restock=None)
    return {"copies_left": 2}


@router.get("/collapse")
async def collapse() -> None:
    raise RuntimeError("the shelf gave way")


handler = with_operator_actions(create_handler(create_app("logbook", router, title="logbook")), {})


def request(path: str, *, request_id: str, context: LocalLambdaContext) -> dict[str, Any]:
    event = http_api_event("GET", path)
    event["requestContext"]["requestId"] = request_id
    return handler(event, context)


def lines(capsys: pytest.CaptureFixture[str], message: str) -> list[dict[str, Any]]:
    logged = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    return [line for line in logged if line.get("message") == message]


def test_a_warning_logged_during_a_request_is_one_json_line_with_its_fields_and_request_ids(
    capsys: pytest.CaptureFixture[str],
) -> None:
    context = LocalLambdaContext(function_name="Logbook")

    response = request("/logbook/low-shelf", request_id="gateway-id-1", context=context)

    assert response["statusCode"] == 200
    [line] = lines(capsys, "shelf nearly empty")
    assert line["level"] == "WARNING"
    assert line["service"] == os.environ["POWERTOOLS_SERVICE_NAME"]
    assert (line["shelf"], line["copies_left"]) == ("B-12", 2)
    assert "restock" not in line  # a None is left out, as Powertools did
    assert line["correlation_id"] == "gateway-id-1"
    assert line["function_request_id"] == context.aws_request_id
    assert line["function_name"] == "Logbook"
    assert line["function_arn"] == context.invoked_function_arn
    assert line["function_memory_size"] == context.memory_limit_in_mb
    assert line["location"].startswith("low_shelf:")
    logged_at = datetime.fromisoformat(line["timestamp"])
    assert logged_at.utcoffset() == UTC.utcoffset(None)
    assert len(line["timestamp"].partition(".")[2]) == len("123+00:00")  # milliseconds
    assert abs((datetime.now(UTC) - logged_at).total_seconds()) < 60


def test_an_exception_logged_during_a_request_carries_its_class_name_and_traceback(
    capsys: pytest.CaptureFixture[str],
) -> None:
    response = request("/logbook/collapse", request_id="gateway-id-2", context=LocalLambdaContext())

    assert response["statusCode"] == 500
    [line] = lines(capsys, "unhandled error")
    assert line["level"] == "ERROR"
    assert line["exception_name"] == "RuntimeError"
    assert line["exception"].startswith("Traceback (most recent call last):")
    assert line["exception"].endswith("RuntimeError: the shelf gave way")
    assert line["correlation_id"] == "gateway-id-2"


def test_what_one_invocation_set_does_not_reach_the_next(
    capsys: pytest.CaptureFixture[str],
) -> None:
    request("/logbook/low-shelf", request_id="gateway-id-3", context=LocalLambdaContext())
    second = LocalLambdaContext(function_name="Logbook-operator")

    with pytest.raises(ActionFailed):
        handler({"action": "reshelve"}, second)

    [line] = lines(capsys, "action failed")
    assert line["code"] == "UNKNOWN_ACTION"
    assert "correlation_id" not in line
    assert line["function_request_id"] == second.aws_request_id
    assert line["function_name"] == "Logbook-operator"
    assert line["cold_start"] is False


def test_the_request_line_carries_the_keys_of_every_line_the_request_logged(
    capsys: pytest.CaptureFixture[str],
) -> None:
    context = LocalLambdaContext(function_name="Logbook")

    request("/logbook/low-shelf", request_id="gateway-id-7", context=context)

    logged = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    [warned] = [line for line in logged if line.get("message") == "shelf nearly empty"]
    [served] = [line for line in logged if line.get("message") == "request served"]
    shared_keys = set(warned) - {
        "location",
        "message",
        "level",
        "timestamp",
        "shelf",
        "copies_left",
    }
    assert shared_keys <= set(served)
    assert {key: served[key] for key in shared_keys} == {key: warned[key] for key in shared_keys}
    assert (served["method"], served["path"], served["status"]) == (
        "GET",
        "/logbook/low-shelf",
        200,
    )


def test_after_a_snapstart_restore_the_next_request_alone_counts_as_a_cold_start(
    capsys: pytest.CaptureFixture[str],
) -> None:
    request("/logbook/low-shelf", request_id="gateway-id-4", context=LocalLambdaContext())
    after_restore(run_on_process_loop)
    capsys.readouterr()

    for request_id in ("gateway-id-5", "gateway-id-6"):
        request("/logbook/low-shelf", request_id=request_id, context=LocalLambdaContext())

    logged = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    served = [line for line in logged if line.get("message") == "request served"]
    warned = [line for line in logged if line.get("message") == "shelf nearly empty"]
    assert [line.get("ColdStart") for line in served] == [1, None]
    assert [line["_aws"]["CloudWatchMetrics"][0]["Metrics"] for line in served] == [
        [{"Name": "ServerErrors", "Unit": "Count"}, {"Name": "ColdStart", "Unit": "Count"}],
        [{"Name": "ServerErrors", "Unit": "Count"}],
    ]
    assert [line["cold_start"] for line in warned] == [True, False]


LOG_BOTH = (
    "from shared.observability.log import logger\n"
    "logger.info('stock counted', copies=3)\n"
    "logger.warning('stock low', copies=1)\n"
)


def messages_logged_at(level: str | None) -> list[str]:
    """What a fresh process writes for an info and a warning, with POWERTOOLS_LOG_LEVEL=`level`."""
    environment = {"PATH": os.environ.get("PATH", ""), "POWERTOOLS_TRACE_DISABLED": "true"}
    if level is not None:
        environment["POWERTOOLS_LOG_LEVEL"] = level
    completed = subprocess.run(
        [sys.executable, "-c", LOG_BOTH],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return [json.loads(line)["message"] for line in completed.stdout.splitlines()]


def test_powertools_log_level_warning_keeps_info_lines_out() -> None:
    assert messages_logged_at(None) == ["stock counted", "stock low"]
    assert messages_logged_at("WARNING") == ["stock low"]
