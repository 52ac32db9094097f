"""How long the current Lambda invocation may still run.

When a function runs past its timeout, Lambda kills it and API Gateway answers a bare 503 of its
own: no request id, no error body, nothing logged by us. So each database step (the idle ping, a
connect) takes its budget from the time left, and the request answers its own 503 while a reserve
of time remains for that answer and for closing what it opened.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_deadline: ContextVar[float | None] = ContextVar("invocation_deadline", default=None)


@contextmanager
def invocation_deadline(remaining_seconds: float, reserve_seconds: float) -> Iterator[None]:
    """Within this block, work must end `reserve_seconds` before the invocation's time runs out."""
    token = _deadline.set(time.monotonic() + remaining_seconds - reserve_seconds)
    try:
        yield
    finally:
        _deadline.reset(token)


def seconds_left() -> float | None:
    """Seconds until the deadline (≤ 0 once passed); None outside an invocation (CLI, scripts)."""
    deadline = _deadline.get()
    return None if deadline is None else deadline - time.monotonic()


def within_budget(limit: float) -> float:
    """`limit`, or less when the invocation has less time left; never negative."""
    left = seconds_left()
    return limit if left is None else max(min(limit, left), 0.0)


def deadline_of(context: object, *, margin_seconds: float) -> float | None:
    """The `time.monotonic()` by which a job should start no new step: `margin_seconds` before
    the invocation's timeout. None when `context` cannot tell (a script, a test)."""
    remaining = getattr(context, "get_remaining_time_in_millis", lambda: None)()
    if not isinstance(remaining, int | float):
        return None
    return time.monotonic() + max(remaining / 1000 - margin_seconds, 0.0)
