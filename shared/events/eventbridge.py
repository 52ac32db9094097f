"""EventBridge `PutEvents`: entries, batches within the API's limits, and what each entry answered.

Nothing here touches the database; `shared.events.publisher` decides what to send and records the
outcome. boto3 is imported on first use only: most invocations never publish, and importing it
costs cold-start time (boto3 is in the Lambda runtime and never shipped in the layer).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from shared.observability.log import logger

SOURCE = "bookstore"
MAX_ENTRIES_PER_CALL = 10
# PutEvents refuses a whole request above this (the sum of its entries' sizes, as AWS counts them).
MAX_REQUEST_BYTES = 256 * 1024
MAX_ERROR_LENGTH = 1000
# Calls in flight at once during a drain: enough to hide PutEvents latency (tens of ms a call).
MAX_PARALLEL_CALLS = 20

# An entry as PutEvents takes it: Source, DetailType, Detail, EventBusName.
Entry = Mapping[str, str]


@dataclass(frozen=True, slots=True)
class SendResult:
    """`errors[i]` is None when entry i went out, else why it did not; `refused[i]` is True when
    EventBridge answered that entry with an error (rather than the whole call failing)."""

    errors: list[str | None]
    refused: list[bool]
    calls: int
    failed_calls: int


def entry(*, bus_name: str, detail_type: str, detail: str) -> Entry:
    return {"Source": SOURCE, "DetailType": detail_type, "Detail": detail, "EventBusName": bus_name}


def entry_size(item: Entry) -> int:
    """The size AWS counts against the request limit: Source, DetailType and Detail in UTF-8."""
    return sum(len(item[key].encode()) for key in ("Source", "DetailType", "Detail"))


def batches(entries: Sequence[Entry]) -> Iterator[Sequence[Entry]]:
    """Consecutive runs of `entries`, in order, each within the entry and size limits of one call.

    An entry too large on its own still gets a batch of its own: its call fails and says why.
    """
    start, size = 0, 0
    for index, item in enumerate(entries):
        item_size = entry_size(item)
        full = index - start == MAX_ENTRIES_PER_CALL or size + item_size > MAX_REQUEST_BYTES
        if index > start and full:
            yield entries[start:index]
            start, size = index, 0
        size += item_size
    if start < len(entries):
        yield entries[start:]


@lru_cache(maxsize=1)
def get_client() -> Any:
    """The process's EventBridge client, made on first use (tests clear it with `cache_clear`).

    Short timeouts and no retry: the publish after a checkout runs before its answer is sent, so a
    slow EventBridge must cost a client seconds at most; an event that does not go out now stays
    in the outbox, and retrying is the drain's job.
    """
    import boto3
    from botocore.config import Config

    config = Config(
        connect_timeout=1, read_timeout=2, retries={"mode": "standard", "max_attempts": 1}
    )
    return boto3.client("events", config=config)


def send(entries: Sequence[Entry]) -> SendResult:
    """The entries, in calls of at most ten, up to `MAX_PARALLEL_CALLS` of them at once; a call
    that raises fails its own entries only. One call (the publish after a checkout) runs on this
    thread."""
    groups = list(batches(entries))
    if len(groups) <= 1:
        outcomes = [_call(group) for group in groups]
    else:
        # boto3 clients are thread-safe; PutEvents latency, not CPU, bounds a drain.
        with ThreadPoolExecutor(max_workers=min(MAX_PARALLEL_CALLS, len(groups))) as pool:
            outcomes = list(pool.map(_call, groups))
    return SendResult(
        errors=[error for errors, _ in outcomes for error in errors],
        refused=[
            error is not None and not raised for errors, raised in outcomes for error in errors
        ],
        calls=len(outcomes),
        failed_calls=sum(raised for _, raised in outcomes),
    )


def _call(batch: Sequence[Entry]) -> tuple[list[str | None], bool]:
    """One PutEvents call: each entry's error (None when it went out), and whether it raised."""
    try:
        # Synchronous on purpose: a Lambda environment serves one request at a time, so nothing
        # else waits on the event loop while the call blocks it, and the client's short timeouts
        # bound how long that can be.
        response = get_client().put_events(Entries=list(batch))
    except Exception as error:
        # Throttling, a timeout, the network, bad credentials: none of this batch went out.
        reason = _truncate(f"{type(error).__name__}: {error}")
        logger.warning("PutEvents call failed", entries=len(batch), error=reason)
        return [reason] * len(batch), True
    return _entry_errors(response, len(batch)), False


def _entry_errors(response: Mapping[str, Any], count: int) -> list[str | None]:
    """A 200 answer may still have failed some entries: FailedEntryCount says how many, and the
    result entries (one per request entry, in request order) say which and why."""
    results: list[Mapping[str, Any]] = list(response.get("Entries") or [])
    if response.get("FailedEntryCount", 0) == 0 and len(results) == count:
        return [None] * count
    errors: list[str | None] = []
    for index in range(count):
        result = results[index] if index < len(results) else {}
        if result.get("EventId") and not result.get("ErrorCode"):
            errors.append(None)
        else:
            code = result.get("ErrorCode") or "NoResult"
            message = result.get("ErrorMessage") or "no result entry for this event"
            errors.append(_truncate(f"{code}: {message}"))
    return errors


def _truncate(text: str) -> str:
    return text if len(text) <= MAX_ERROR_LENGTH else text[: MAX_ERROR_LENGTH - 3] + "..."
