"""The transactional outbox: events written with their change, published to EventBridge (moto)
after the commit, retried by the drain; a real PostgreSQL throughout."""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest

from bookstore.cli import main
from shared.db.access import OPERATIONS
from shared.db.transaction import transaction
from shared.domain.outbox import record_event
from shared.events import DrainSummary, drain_outbox
from shared.events.eventbridge import Entry, batches, entry
from tests.shared import outbox_processes
from tests.shared.outbox_helpers import (
    ORDER_PLACED,
    commit_events,
    committed_ids,
    outbox_rows,
    published,
)
from tests.support.databases import fetch, run
from tests.support.eventbridge import BUS_NAME, FakeBus, PutEventsSpy, set_bus
from tests.support.logs import captured_logs


def backlog(monkeypatch: pytest.MonkeyPatch, count: int) -> list[uuid.UUID]:
    """Events committed while no bus was configured: unpublished, waiting for a drain."""
    set_bus(monkeypatch, None)
    ids = commit_events(count)
    set_bus(monkeypatch, BUS_NAME)
    return ids


def as_strings(ids: Sequence[uuid.UUID]) -> list[str]:
    return [str(one) for one in ids]


def test_events_committed_together_are_published_once_after_the_commit_and_marked_published(
    bus: FakeBus, spy: PutEventsSpy, database_url: str
) -> None:
    committed_when_sent: list[bool] = []
    spy.before_call = lambda entries: committed_when_sent.append(
        {json.loads(entry["Detail"])["event_id"] for entry in entries}
        <= committed_ids(database_url)
    )
    order_id = uuid.uuid4()
    placed_at = datetime(2026, 11, 22, 23, 30, tzinfo=timezone(timedelta(hours=2)))

    async def place_order() -> list[uuid.UUID]:
        async with transaction(OPERATIONS) as session:
            ids = [
                await record_event(
                    session,
                    event_type=ORDER_PLACED,
                    detail={"order_id": order_id, "total": Decimal("12.9"), "at": placed_at},
                ),
                await record_event(session, event_type="OrderStatusChanged", detail={"n": 1}),
            ]
            assert spy.calls == [], "nothing may be sent before the commit"
        return ids

    with captured_logs() as logs:
        ids = run(place_order())

    assert spy.entries_per_call == [2], "one publish for the transaction, both events in it"
    assert committed_when_sent == [True], "PutEvents ran before the rows were committed"
    envelopes = bus.delivered()
    assert [(e["source"], e["detail-type"]) for e in envelopes] == [
        ("bookstore", ORDER_PLACED),
        ("bookstore", "OrderStatusChanged"),
    ]
    assert envelopes[0]["detail"] == {
        "order_id": str(order_id),
        "total": "12.90",
        "at": "2026-11-22T21:30:00+00:00",
        "event_id": str(ids[0]),
    }
    assert envelopes[1]["detail"] == {"n": 1, "event_id": str(ids[1])}
    assert [
        (row["published_at"] is not None, row["attempts"]) for row in outbox_rows(database_url)
    ] == [
        (True, 0),
        (True, 0),
    ]
    counts = [line for line in logs.lines if line["message"] == "outbox published"]
    assert [(line["selected"], line["sent"], line["failed"]) for line in counts] == [(2, 2, 0)]

    assert run(drain_outbox()).sent == 0
    assert bus.delivered() == []
    assert len(spy.calls) == 1


def test_the_publish_after_a_commit_sends_only_the_events_of_that_transaction(
    bus: FakeBus, spy: PutEventsSpy, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    older = backlog(monkeypatch, 1)

    newer = commit_events(1)

    assert bus.delivered_ids() == as_strings(newer)
    assert published(database_url) == {older[0]: False, newer[0]: True}


def test_a_rolled_back_transaction_publishes_nothing_and_leaves_no_row(
    bus: FakeBus, spy: PutEventsSpy, database_url: str
) -> None:
    async def fail_after_recording() -> None:
        async with transaction(OPERATIONS) as session:
            await record_event(session, event_type=ORDER_PLACED, detail={"n": 1})
            raise RuntimeError("the order failed after its event was written")

    with pytest.raises(RuntimeError):
        run(fail_after_recording())

    assert outbox_rows(database_url) == []
    assert spy.calls == []
    assert run(drain_outbox()).selected == 0
    assert bus.delivered() == []


def test_more_than_ten_events_go_out_in_calls_of_at_most_ten(
    bus: FakeBus, spy: PutEventsSpy, database_url: str
) -> None:
    ids = commit_events(23)

    assert sorted(spy.entries_per_call) == [3, 10, 10]
    assert sorted(bus.delivered_ids()) == sorted(as_strings(ids))
    assert all(published(database_url).values())


def test_a_put_events_call_that_raises_keeps_its_rows_for_the_drain_without_using_up_attempts(
    bus: FakeBus, spy: PutEventsSpy, database_url: str
) -> None:
    spy.raise_when = lambda entries: any(json.loads(e["Detail"])["n"] == 0 for e in entries)

    ids = commit_events(12)

    rows = outbox_rows(database_url)
    kept = [row for row in rows if row["published_at"] is None]
    assert len(kept) == 10, "the call that raised keeps its ten; the other call's two went out"
    assert all(row["attempts"] == 0 for row in rows), "an outage is not the event's fault"
    assert all("ThrottlingException" in row["last_error"] for row in kept)
    assert sorted(spy.entries_per_call) == [2, 10]
    delivered = bus.delivered_ids()
    assert len(delivered) == 2

    spy.raise_when = None
    summary = run(drain_outbox())

    assert (summary.sent, summary.failed) == (10, 0)
    assert sorted(delivered + bus.delivered_ids()) == sorted(as_strings(ids))
    assert all(published(database_url).values())
    assert run(drain_outbox()).selected == 0


def test_entries_put_events_reports_as_failed_are_kept_for_retry_and_only_they(
    bus: FakeBus, spy: PutEventsSpy, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = backlog(monkeypatch, 5)
    failing = {ids[1], ids[3]}
    spy.failing_event_ids = set(as_strings(list(failing)))

    first = run(drain_outbox())

    assert (first.selected, first.sent, first.failed) == (5, 3, 2)
    by_id = {row["id"]: row for row in outbox_rows(database_url)}
    for one in ids:
        row = by_id[one]
        if one in failing:
            assert (row["published_at"], row["attempts"]) == (None, 1)
            assert row["last_error"] == "InternalFailure: try again"
        else:
            assert row["published_at"] is not None
            assert (row["attempts"], row["last_error"]) == (0, None)
    delivered = bus.delivered_ids()
    assert sorted(delivered) == sorted(str(one) for one in ids if one not in failing)

    spy.failing_event_ids.clear()
    second = run(drain_outbox())

    assert (second.sent, second.failed) == (2, 0)
    assert sorted(delivered + bus.delivered_ids()) == sorted(as_strings(ids))


def test_a_drain_tries_an_always_failing_event_once_and_still_sends_the_events_behind_it(
    bus: FakeBus, spy: PutEventsSpy, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = backlog(monkeypatch, 7)
    spy.failing_event_ids = set(as_strings(ids[:3]))

    summary = run(drain_outbox(batch_size=2))

    assert (summary.rounds, summary.sent, summary.failed) == (4, 4, 3)
    assert spy.attempts_of(ids) == [1] * 7
    assert sorted(bus.delivered_ids()) == sorted(as_strings(ids[3:]))

    again = run(drain_outbox(batch_size=2))

    assert (again.sent, again.failed) == (0, 3)
    assert spy.attempts_of(ids) == [2] * 3 + [1] * 4


def test_a_drain_stops_at_the_first_put_events_call_that_raises(
    bus: FakeBus, spy: PutEventsSpy, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    backlog(monkeypatch, 6)
    spy.fail_every_call = True

    summary = run(drain_outbox(batch_size=2))

    assert (summary.rounds, summary.selected, summary.failed) == (1, 2, 2)
    rows = outbox_rows(database_url)
    assert [row["attempts"] for row in rows] == [0] * 6, "an outage uses up no attempts"
    assert [row["last_error"] is not None for row in rows] == [True, True] + [False] * 4


def test_an_event_committed_by_a_process_that_dies_before_publishing_is_sent_once_by_the_drain(
    bus: FakeBus, database_url: str
) -> None:
    context = multiprocessing.get_context("spawn")
    child = context.Process(target=outbox_processes.commit_then_die, args=(database_url, bus.name))
    child.start()
    child.join(timeout=60)

    assert child.exitcode == 1, "3: recording an event imported boto3, which only a publish needs"
    [row] = outbox_rows(database_url)
    assert (row["published_at"], row["attempts"], row["last_error"]) == (None, 0, None), (
        "committed, and no publish was even attempted"
    )

    assert run(drain_outbox()).sent == 1
    assert bus.delivered_ids() == [str(row["id"])]
    assert run(drain_outbox()).selected == 0
    assert bus.delivered() == []


def test_two_drains_at_once_send_every_event_exactly_once_in_total(
    bus: FakeBus, spy: PutEventsSpy, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two connections, so each drain's transaction holds its own row locks at the same time.
    monkeypatch.setenv("DB_POOL_SIZE", "2")
    ids = backlog(monkeypatch, 30)

    async def two_drains() -> list[DrainSummary]:
        return list(await asyncio.gather(drain_outbox(batch_size=5), drain_outbox(batch_size=5)))

    summaries = run(two_drains())

    assert sorted(bus.delivered_ids()) == sorted(as_strings(ids))
    assert spy.attempts_of(ids) == [1] * 30
    assert all(summary.sent for summary in summaries), "one drain sent everything: not at once"
    assert sum(summary.sent for summary in summaries) == 30
    assert all(published(database_url).values())


def test_with_no_bus_configured_nothing_is_sent_and_nothing_is_lost(
    bus: FakeBus, spy: PutEventsSpy, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    set_bus(monkeypatch, None)

    ids = commit_events(3)
    drained = run(drain_outbox())

    assert (drained.selected, drained.sent) == (0, 0)
    assert spy.calls == []
    assert bus.delivered() == []
    assert [(row["published_at"], row["attempts"]) for row in outbox_rows(database_url)] == [
        (None, 0)
    ] * 3

    set_bus(monkeypatch, bus.name)

    assert run(drain_outbox()).sent == 3
    assert sorted(bus.delivered_ids()) == sorted(as_strings(ids))


def test_put_events_batches_hold_at_most_ten_entries_and_stay_under_the_request_size_limit() -> (
    None
):
    def sized(kilobytes: int) -> Entry:
        return entry(bus_name=BUS_NAME, detail_type=ORDER_PLACED, detail="x" * kilobytes * 1024)

    def batch_sizes(entries: list[Entry]) -> list[int]:
        return [len(batch) for batch in batches(entries)]

    assert batch_sizes([sized(1)] * 21) == [10, 10, 1]
    assert batch_sizes([sized(100)] * 5) == [2, 2, 1]
    assert batch_sizes([sized(1), sized(300), sized(1)]) == [1, 1, 1], "too large: alone, in order"
    assert batch_sizes([]) == []


@pytest.mark.parametrize(
    ("detail", "error"),
    [
        ({"at": datetime(2026, 1, 1)}, ValueError),  # naive: no zone
        ({"total": Decimal("NaN")}, ValueError),
        ({"event_id": "mine"}, ValueError),
        ({"tags": {1: "a"}}, TypeError),
        ({"blob": b"bytes"}, TypeError),
    ],
)
def test_a_detail_the_outbox_cannot_serialise_fails_the_business_transaction(
    database_url: str, detail: dict[str, Any], error: type[Exception]
) -> None:
    async def record() -> None:
        async with transaction(OPERATIONS) as session:
            await record_event(session, event_type=ORDER_PLACED, detail=detail)

    with pytest.raises(error):
        run(record())

    assert outbox_rows(database_url) == []


def events_command(capsys: pytest.CaptureFixture[str], *argv: str) -> list[str]:
    with pytest.raises(SystemExit) as exit_info:
        main(["events", *argv])
    assert exit_info.value.code == 0
    return capsys.readouterr().out.splitlines()


def test_the_events_command_lists_unpublished_events_newest_first(
    database_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    set_bus(monkeypatch, None)
    first, second, third = commit_events(3, detail={"total": Decimal("5")})
    run(
        fetch(
            database_url,
            "UPDATE outbox_events SET published_at = $2 WHERE id = $1",
            first,
            datetime.now(UTC),
        )
    )

    lines = events_command(capsys)

    assert [line.split()[0] for line in lines] == [str(third), str(second)]
    assert all(ORDER_PLACED in line and "unpublished" in line for line in lines)
    assert all(line.endswith("attempts=0") for line in lines)
    assert events_command(capsys, "--limit", "1") == lines[:1]

    records = [json.loads(line) for line in events_command(capsys, "--all", "--json")]

    assert [record["id"] for record in records] == as_strings([third, second, first])
    assert [record["published_at"] is not None for record in records] == [False, False, True]
    assert records[2]["payload"] == {"n": 0, "total": "5.00", "event_id": str(first)}
