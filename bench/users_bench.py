"""Latency of POST /auth/login and an authenticated GET /users/me through the real handler.

    uv run python bench/users_bench.py [--logins 100] [--reads 500]

Runs against a scratch database (`support.scratch_database`: on BENCH_DATABASE_URL, else
TEST_DATABASE_URL, else the PostgreSQL on 127.0.0.1:5432), pinned to one CPU core as a Lambda environment is at
most. Prints median and p99 of each route, the Argon2 parameters, and how many Argon2 operations
GET /users/me performed (it must be 0).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import secrets
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from typing import Any

# Before the shared layer is imported: these are read at import time.
os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "true")
os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(48))

from argon2 import PasswordHasher
from support import percentile, scratch_database

from bookstore.events import http_api_event
from bookstore.lambda_context import LocalLambdaContext

PASSWORD = "benchmark passphrase"


def timed(call: Callable[[], dict[str, Any]], count: int, expected: int) -> list[float]:
    timings = []
    # The handler prints its metrics (EMF) to stdout on every call, as in Lambda: keep them out of
    # the report but in the measurement.
    with contextlib.redirect_stdout(io.StringIO()):
        for _ in range(count):
            started = time.perf_counter()
            answer = call()
            timings.append((time.perf_counter() - started) * 1000)
            assert answer["statusCode"] == expected, answer
    return timings


class Argon2Counter:
    """Counts Argon2 hash and verify calls, to show that reading /users/me hashes nothing."""

    def __init__(self) -> None:
        self.calls = 0
        for name in ("hash", "verify"):
            original = getattr(PasswordHasher, name)
            setattr(PasswordHasher, name, self._counting(original))

    def _counting(self, original: Callable[..., Any]) -> Callable[..., Any]:
        def counted(*args: Any, **kwargs: Any) -> Any:
            self.calls += 1
            return original(*args, **kwargs)

        return counted


def report(label: str, timings: list[float]) -> None:
    print(
        f"{label:<28} n={len(timings):<4} median={statistics.median(timings):7.2f} ms"
        f"   p99={percentile(timings, 0.99):7.2f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--logins", type=int, default=100)
    parser.add_argument("--reads", type=int, default=500)
    arguments = parser.parse_args()
    warnings.filterwarnings("ignore", "No application metrics to publish")
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})

    with scratch_database("users_bench"):
        run_benchmark(arguments.logins, arguments.reads)


def run_benchmark(logins: int, reads: int) -> None:
    from functions.users import passwords
    from functions.users.app import handler

    def call(method: str, path: str, body: str | None = None, token: str | None = None) -> Any:
        headers = {"content-type": "application/json"}
        if token:
            headers["authorization"] = f"Bearer {token}"
        event = http_api_event(method, path, headers=headers, body=body)
        with contextlib.redirect_stdout(io.StringIO()):
            return handler(event, LocalLambdaContext())

    credentials = f'{{"email": "bench@example.org", "password": "{PASSWORD}"}}'
    registered = call(
        "POST",
        "/auth/register",
        f'{{"email": "bench@example.org", "password": "{PASSWORD}", "full_name": "Bench"}}',
    )
    assert registered["statusCode"] == 201, registered
    token = json.loads(call("POST", "/auth/login", credentials)["body"])["access_token"]

    hasher = PasswordHasher(
        time_cost=passwords.TIME_COST,
        memory_cost=passwords.MEMORY_COST_KIB,
        parallelism=passwords.PARALLELISM,
    )
    stored = hasher.hash(PASSWORD)
    verify = timed_plain(lambda: hasher.verify(stored, PASSWORD), 30)

    counter = Argon2Counter()
    login = timed(lambda: call("POST", "/auth/login", credentials), logins, 200)
    login_hashing, counter.calls = counter.calls, 0
    me = timed(lambda: call("GET", "/users/me", token=token), reads, 200)

    print(f"Argon2 parameters: {passwords.parameters()}")
    print(f"CPU: pinned to core {sorted(os.sched_getaffinity(0))} of {os.cpu_count()}")
    report("Argon2id verify (hash only)", verify)
    report("POST /auth/login", login)
    report("GET /users/me (bearer)", me)
    print(
        f"Argon2 operations: {login_hashing} in {logins} logins, {counter.calls} in {reads} reads"
    )
    if counter.calls:
        sys.exit("GET /users/me must not hash anything")


def timed_plain(call: Callable[[], object], count: int) -> list[float]:
    timings = []
    for _ in range(count):
        started = time.perf_counter()
        call()
        timings.append((time.perf_counter() - started) * 1000)
    return timings


if __name__ == "__main__":
    main()
