"""The outbox drain against a backlog: how long 100 000 unpublished events take to go out.

    uv run python bench/drain_bench.py [--events 100000] [--latency-ms 25] [--keep]

Creates its own database (as the other benchmarks do), fills `outbox_events` with `--events`
unpublished events by SQL, and points the publisher at an EventBridge stand-in that answers every
`PutEvents` call after `--latency-ms` (real EventBridge takes tens of milliseconds a call). Then
it invokes the Orders handler with `{"action": "drain-outbox"}` and a 15 s Lambda context (the
function's timeout), as the schedule does, until the outbox is empty.

Figures:
1. the time to clear the backlog with one run a minute (the default schedule): (runs - 1) x 60 s
   plus the last run, against the 5 minutes the drain must keep up with;
2. the longest run against the 15 s timeout it must never reach;
3. the time per event with the drain's parallel calls against one call at a time (the drain as it
   was), the baseline measured on a sample of `--baseline-events` in the same run.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")
os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
os.environ.setdefault("EVENT_BUS_NAME", "bench-bus")

from support import run, scratch_database

from bookstore.bench_figures import Figure, write_figures
from bookstore.lambda_context import LocalLambdaContext
from shared.db.access import OPERATIONS
from shared.db.transaction import transaction
from shared.events import eventbridge

SCHEDULE_SECONDS = 60.0
TIMEOUT_SECONDS = 15.0
KEEP_UP_SECONDS = 300.0


class EventBridgeStandIn:
    """Answers every PutEvents call after a fixed latency, accepting every entry."""

    def __init__(self, latency_seconds: float) -> None:
        self.latency_seconds = latency_seconds
        self.calls = 0
        self._lock = threading.Lock()

    def put_events(self, *, Entries: Sequence[Mapping[str, str]]) -> dict[str, Any]:
        time.sleep(self.latency_seconds)
        with self._lock:
            self.calls += 1
        return {"FailedEntryCount": 0, "Entries": [{"EventId": str(uuid.uuid4())} for _ in Entries]}


async def fill_outbox(events: int) -> None:
    async with transaction(OPERATIONS) as session:
        connection = await session.connection()
        await connection.exec_driver_sql(
            "INSERT INTO outbox_events (id, type, payload) "
            "SELECT gen_random_uuid(), 'OrderPlaced', "
            "jsonb_build_object('order_id', gen_random_uuid(), 'n', n) "
            f"FROM generate_series(1, {int(events)}) AS n"
        )


def drain_until_empty(events: int) -> list[float]:
    """Each run's duration, invoking the handler as the schedule does until nothing is left."""
    from functions.orders.app import handler

    durations = []
    sent = 0
    while sent < events:
        started = time.perf_counter()
        result = handler({"action": "drain-outbox"}, LocalLambdaContext(timeout_seconds=15))
        durations.append(time.perf_counter() - started)
        sent += result["sent"]
        if result["sent"] == 0:
            sys.exit(f"a drain run sent nothing with {events - sent} events left")
    return durations


def measure(events: int, latency_seconds: float, parallel_calls: int) -> list[float]:
    run(fill_outbox(events))
    eventbridge.MAX_PARALLEL_CALLS = parallel_calls
    return drain_until_empty(events)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--baseline-events", type=int, default=5_000)
    parser.add_argument("--latency-ms", type=float, default=25.0)
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument("--json", help="write the figures to this file (for bookstore bench)")
    arguments = parser.parse_args()
    stand_in = EventBridgeStandIn(arguments.latency_ms / 1000)
    eventbridge.get_client = lambda: stand_in  # type: ignore[assignment]
    parallel = eventbridge.MAX_PARALLEL_CALLS

    with scratch_database("bench_drain", keep=arguments.keep):
        one_at_a_time = measure(arguments.baseline_events, stand_in.latency_seconds, 1)
        runs = measure(arguments.events, stand_in.latency_seconds, parallel)

    cleared = (len(runs) - 1) * SCHEDULE_SECONDS + runs[-1]
    per_event = sum(runs) / arguments.events
    baseline_per_event = sum(one_at_a_time) / arguments.baseline_events
    print(f"{arguments.events} events, PutEvents answering in {arguments.latency_ms:g} ms")
    print(f"  runs: {len(runs)}, each {', '.join(f'{d:.1f}' for d in runs)} s")
    print(f"  drain time {sum(runs):.1f} s: {arguments.events / sum(runs):,.0f} events/s")
    print(f"  cleared within {cleared:.0f} s with one run a minute")
    print(f"  one call at a time: {1 / baseline_per_event:,.0f} events/s")
    figures = [
        Figure(
            f"drain: {arguments.events} events cleared, one run a minute",
            cleared,
            KEEP_UP_SECONDS,
            "5 minutes",
            "s",
            1.0,
        ),
        Figure("drain: longest run", max(runs), TIMEOUT_SECONDS, "its 15 s timeout", "s", 0.9),
        Figure(
            f"drain: time per event, {parallel} calls at once",
            per_event * 1000,
            baseline_per_event * 1000,
            "one call at a time",
            "ms",
            0.2,
        ),
    ]
    for figure in figures:
        print(f"  {figure.figure}: {figure.ratio:.2f} of {figure.baseline_name}")
    write_figures(arguments.json, figures)


if __name__ == "__main__":
    main()
