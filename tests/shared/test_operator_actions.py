"""Direct invocations through `with_operator_actions`: an action that fails raises (so its
invocation fails, and a schedule's retries, failure queue and alarms see it), after logging why
and counting a `JobFailures` metric under its name."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi import APIRouter

from bookstore.lambda_context import LocalLambdaContext
from shared.http.app import create_app
from shared.runtime.handler import create_handler
from shared.runtime.operator_actions import ActionFailed, with_operator_actions


async def restock(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return {"ok": True, "restocked": event.get("count", 0)}


async def reshelve(event: dict[str, Any], context: Any) -> dict[str, Any]:
    raise RuntimeError("the shelf gave way")


async def count_shelves(event: dict[str, Any], context: Any) -> dict[str, Any]:
    raise ActionFailed("NO_SHELVES", "there is no shelf to count")


handler = with_operator_actions(
    create_handler(create_app("shelves", APIRouter(), title="shelves")),
    {"restock": restock, "reshelve": reshelve, "count-shelves": count_shelves},
)


def printed(capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    return [json.loads(line) for line in capsys.readouterr().out.splitlines() if line]


def test_an_action_that_succeeds_answers_its_result_and_counts_no_failure(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert handler({"action": "restock", "count": 3}, LocalLambdaContext()) == {
        "ok": True,
        "restocked": 3,
    }
    assert [line for line in printed(capsys) if "JobFailures" in line] == []


def test_an_action_that_raises_fails_the_invocation_logs_the_exception_and_counts_a_failure(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(RuntimeError, match="the shelf gave way"):
        handler({"action": "reshelve"}, LocalLambdaContext())

    lines = printed(capsys)
    [logged] = [line for line in lines if line.get("message") == "action failed"]
    assert (logged["level"], logged["action"], logged["exception_name"]) == (
        "ERROR",
        "reshelve",
        "RuntimeError",
    )
    [counted] = [line for line in lines if "JobFailures" in line]
    assert (counted["JobFailures"], counted["action"]) == (1, "reshelve")
    assert counted["_aws"]["CloudWatchMetrics"][0]["Dimensions"] == [["service", "action"]]


def test_an_action_that_knows_why_it_failed_says_so_in_its_error_and_its_log_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(ActionFailed) as failed:
        handler({"action": "count-shelves"}, LocalLambdaContext())

    assert str(failed.value) == "NO_SHELVES: there is no shelf to count"
    [logged] = [line for line in printed(capsys) if line.get("message") == "action failed"]
    assert (logged["code"], logged["detail"]) == ("NO_SHELVES", "there is no shelf to count")


def test_an_unknown_action_fails_and_is_counted_under_one_name_whatever_was_sent(
    capsys: pytest.CaptureFixture[str],
) -> None:
    for name in ("drop-tables", "x" * 300):
        with pytest.raises(ActionFailed, match="UNKNOWN_ACTION"):
            handler({"action": name}, LocalLambdaContext())

    counted = [line["action"] for line in printed(capsys) if "JobFailures" in line]
    assert counted == ["unknown", "unknown"]
