"""Outbox work run in a spawned process, as another Lambda environment would run it."""

from __future__ import annotations

import os

# Nothing listens there: a publish, had one been attempted, would fail at once and leave its mark
# on the row (attempts, last_error), and could never reach real AWS.
UNREACHABLE_EVENTBRIDGE = "http://127.0.0.1:9"


def commit_then_die(database_url: str, bus_name: str) -> None:
    """Commits one event with a bus configured, then dies in an after-commit callback that runs
    before the outbox's own publish."""
    os.environ["DATABASE_URL"] = database_url
    os.environ["EVENT_BUS_NAME"] = bus_name
    os.environ["AWS_ENDPOINT_URL_EVENTBRIDGE"] = UNREACHABLE_EVENTBRIDGE
    from shared.db.access import OPERATIONS
    from shared.db.transaction import after_commit, transaction
    from shared.domain.outbox import record_event
    from shared.runtime.handler import run_on_process_loop

    async def commit() -> None:
        async with transaction(OPERATIONS) as session:
            after_commit(session, _die)
            await record_event(session, event_type="OrderPlaced", detail={"n": 0})

    run_on_process_loop(commit())
    raise AssertionError("the process should have died after the commit")


async def _die() -> None:
    import sys

    # Exit status 3 tells the test that recording an event loaded boto3 (cold-start cost).
    os._exit(3 if "boto3" in sys.modules else 1)
