"""What the login limits cost (`functions.users.throttling`), through the real Users handler.

    uv run python bench/login_throttle_bench.py [--rounds 40]

In one run, on a scratch database, pinned to one core: a successful and a failed login with the
limits as built (one read before the password check; a reset, or an upsert and an insert, after
it) against the same logins with the throttle's calls replaced by no-ops (the code before the
limits), rounds alternating so machine noise hits both alike; and a refused login (429, the
email locked) against a failed one (401). Prints medians and ratios.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import secrets
import statistics
import time
import warnings
from collections.abc import Callable, Iterator
from typing import Any

# Before the shared layer is imported: these are read at import time. Limits far out of reach,
# so that the failed logins measured never lock anything; the per-address read runs as in AWS.
os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "true")
os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "ERROR")
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(48))
os.environ["AUTH_MAX_FAILED_LOGINS_PER_ACCOUNT"] = "1000000000"
os.environ["AUTH_MAX_FAILED_LOGINS_PER_IP"] = "1000000000"

from support import run, scratch_database

from bookstore.events import http_api_event
from bookstore.lambda_context import LocalLambdaContext

PASSWORD = "benchmark passphrase"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=40)
    arguments = parser.parse_args()
    warnings.filterwarnings("ignore", "No application metrics to publish")
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    with scratch_database("login_throttle_bench") as url:
        run_benchmark(url, arguments.rounds)


@contextlib.contextmanager
def throttle_off() -> Iterator[None]:
    """The login as it was before the limits: no read before, no write after."""
    from functions.users import throttling

    saved = (throttling.check_login, throttling.login_failed, throttling.login_succeeded)

    async def check_login(session: Any, *, email: str, caller: Any) -> Any:
        return throttling.LoginCheck(
            email_digest=throttling.email_digest(email), has_failures=False
        )

    async def nothing(*args: Any, **kwargs: Any) -> None:
        return None

    throttling.check_login, throttling.login_failed, throttling.login_succeeded = (
        check_login,
        nothing,
        nothing,
    )
    try:
        yield
    finally:
        throttling.check_login, throttling.login_failed, throttling.login_succeeded = saved


def run_benchmark(url: str, rounds: int) -> None:
    import asyncpg

    from bookstore.dsn import asyncpg_dsn
    from functions.users.app import handler
    from functions.users.throttling import email_digest

    def call(path: str, body: str) -> dict[str, Any]:
        event = http_api_event(
            "POST", path, headers={"content-type": "application/json"}, body=body
        )
        with contextlib.redirect_stdout(io.StringIO()):
            answer: dict[str, Any] = handler(event, LocalLambdaContext())
        return answer

    def login(email: str, password: str) -> Callable[[], dict[str, Any]]:
        body = f'{{"email": "{email}", "password": "{password}"}}'
        return lambda: call("/auth/login", body)

    registration = f'{{"email": "bench@example.org", "password": "{PASSWORD}", "full_name": "B"}}'
    assert call("/auth/register", registration)["statusCode"] == 201

    async def lock(email: str) -> None:
        connection = await asyncpg.connect(asyncpg_dsn(url))
        try:
            await connection.execute(
                "INSERT INTO login_lockouts (email_digest, failures, lockouts, locked_until) "
                "VALUES ($1, 10, 1, now() + interval '1 day')",
                email_digest(email),
            )
        finally:
            await connection.close()

    run(lock("locked@example.org"))
    cases: dict[str, tuple[Callable[[], dict[str, Any]], int, bool]] = {
        "login 200, before": (login("bench@example.org", PASSWORD), 200, False),
        "login 200, limits": (login("bench@example.org", PASSWORD), 200, True),
        "login 401, before": (login("bench@example.org", "wrong password"), 401, False),
        "login 401, limits": (login("bench@example.org", "wrong password"), 401, True),
        "login 429 (locked), limits": (login("locked@example.org", PASSWORD), 429, True),
    }
    timings: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(3):  # warm-up: imports, connections, compiled statements
        for request, _expected, _limits in cases.values():
            request()
    for _ in range(rounds):
        for name, (request, expected, limits) in cases.items():
            with contextlib.ExitStack() as stack:
                if not limits:
                    stack.enter_context(throttle_off())
                started = time.perf_counter()
                answer = request()
                timings[name].append((time.perf_counter() - started) * 1000)
            assert answer["statusCode"] == expected, (name, answer)

    medians = {name: statistics.median(values) for name, values in timings.items()}
    print(f"{rounds} rounds, pinned to core {sorted(os.sched_getaffinity(0))}")
    for name, median in medians.items():
        print(f"{name:<30} median {median:8.2f} ms")
    print(
        "login 200 with limits / before: "
        f"{medians['login 200, limits'] / medians['login 200, before']:.3f}"
    )
    print(
        "login 401 with limits / before: "
        f"{medians['login 401, limits'] / medians['login 401, before']:.3f}"
    )
    print(
        "refused 429 / failed 401 (both with limits): "
        f"{medians['login 429 (locked), limits'] / medians['login 401, limits']:.3f}"
    )


if __name__ == "__main__":
    main()
