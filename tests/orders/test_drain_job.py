"""The scheduled outbox drain as its schedule runs it, through the Orders handler, against a moto
EventBridge: it fails its invocation when an event could not go out, reports the backlog as
metrics, gives up on an event EventBridge keeps refusing (visibly), and ends before its timeout."""

from __future__ import annotations

import json
import time
from collections.abc import Mapping, Sequence
from typing import Any

import pytest

from bookstore.lambda_context import LocalLambdaContext
from functions.orders.app import handler
from shared.runtime.operator_actions import ActionFailed
from tests.shared.outbox_helpers import commit_events, outbox_rows
from tests.support.databases import sql
from tests.support.eventbridge import BUS_NAME, FakeBus, PutEventsSpy, event_id, set_bus


def invoke(action: str, context: LocalLambdaContext | None = None) -> dict[str, Any]:
    return handler({"action": action}, context or LocalLambdaContext())


def waiting_events(monkeypatch: pytest.MonkeyPatch, count: int) -> list[str]:
    """Events committed while no bus was configured: unpublished, waiting for the drain."""
    set_bus(monkeypatch, None)
    ids = [str(one) for one in commit_events(count)]
    set_bus(monkeypatch, BUS_NAME)
    return ids


def metric_lines(capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line]
    return [line for line in lines if "_aws" in line]


def metric(lines: Sequence[Mapping[str, Any]], name: str) -> Any:
    [value] = [line[name] for line in lines if name in line]
    return value


def test_a_drain_that_publishes_everything_succeeds_and_reports_an_empty_backlog(
    bus: FakeBus,
    spy: PutEventsSpy,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    ids = waiting_events(monkeypatch, 3)
    capsys.readouterr()

    result = invoke("drain-outbox")

    assert (result["ok"], result["sent"], result["failed"], result["pending"]) == (True, 3, 0, 0)
    assert sorted(bus.delivered_ids()) == sorted(ids)
    lines = metric_lines(capsys)
    assert metric(lines, "OutboxEventsSent") == 3
    assert metric(lines, "OutboxOldestPendingAge") == 0
    assert metric(lines, "OutboxEventsGivenUp") == 0


def test_a_drain_during_an_eventbridge_outage_fails_its_invocation_and_reports_the_backlog_age(
    bus: FakeBus,
    spy: PutEventsSpy,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    waiting_events(monkeypatch, 4)
    sql(database_url, "UPDATE outbox_events SET created_at = now() - interval '10 minutes'")
    spy.fail_every_call = True
    capsys.readouterr()

    with pytest.raises(ActionFailed) as failed:
        invoke("drain-outbox")

    assert failed.value.code == "OUTBOX_PUBLISH_FAILED"
    assert "4 of 4 events" in failed.value.detail
    lines = metric_lines(capsys)
    assert metric(lines, "OutboxEventsFailed") == 4
    assert metric(lines, "OutboxEventsPending") == 4
    assert 600 <= metric(lines, "OutboxOldestPendingAge") < 700
    assert [line["action"] for line in lines if "JobFailures" in line] == ["drain-outbox"]
    assert [row["attempts"] for row in outbox_rows(database_url)] == [0] * 4

    spy.fail_every_call = False

    assert invoke("drain-outbox")["sent"] == 4


def test_an_event_eventbridge_keeps_refusing_is_given_up_visibly_and_an_operator_can_redrive_it(
    bus: FakeBus,
    spy: PutEventsSpy,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("OUTBOX_MAX_ATTEMPTS", "3")
    refused, *others = waiting_events(monkeypatch, 3)
    spy.failing_event_ids = {refused}

    for _ in range(3):
        with pytest.raises(ActionFailed):
            invoke("drain-outbox")
    capsys.readouterr()
    calls_before = len(spy.calls)

    result = invoke("drain-outbox")

    assert (result["selected"], result["given_up"], result["pending"]) == (0, 1, 0)
    assert len(spy.calls) == calls_before, "a given-up event is not sent again"
    assert metric(metric_lines(capsys), "OutboxEventsGivenUp") == 1
    [row] = sql(
        database_url,
        "SELECT id::text, attempts, last_error FROM outbox_events WHERE published_at IS NULL",
    )
    assert (row["id"], row["attempts"]) == (refused, 3)
    assert row["last_error"] == "InternalFailure: try again"
    assert sorted(bus.delivered_ids()) == sorted(others)

    spy.failing_event_ids.clear()

    assert invoke("redrive-outbox") == {"ok": True, "retried": 1}
    assert invoke("drain-outbox")["sent"] == 1
    assert bus.delivered_ids() == [refused]


def test_a_drain_starts_no_round_past_its_deadline_and_the_next_run_sends_the_rest(
    bus: FakeBus, spy: PutEventsSpy, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = waiting_events(monkeypatch, 450)
    spy.before_call = lambda entries: time.sleep(0.3)
    # The drain keeps 4 s for its last round: this leaves it half a second to start rounds in.
    short = LocalLambdaContext(timeout_seconds=4.5)

    first = invoke("drain-outbox", short)

    assert first["out_of_time"] is True
    assert 0 < first["sent"] < 450
    assert first["pending"] == 450 - first["sent"]

    spy.before_call = None
    second = invoke("drain-outbox")

    assert (second["out_of_time"], second["sent"]) == (False, 450 - first["sent"])
    assert sorted(event_id(entry) for call in spy.calls for entry in call) == sorted(ids)
