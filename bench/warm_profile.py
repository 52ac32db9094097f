"""Where a warm `GET /books/{id}` spends its CPU time, by package: cProfile over many requests of
the Books handler, each function's own time summed per top-level package, per request.

    uv run python bench/warm_profile.py [--requests 3000]

Profiling slows everything down, evenly enough that the shares, not the microseconds, are the
figure to compare between two versions of the code.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import uuid
from collections import defaultdict

os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "INFO")
os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "true")
os.environ.setdefault("POWERTOOLS_SERVICE_NAME", "warm-profile")

from support import run, scratch_database
from warm_path import insert_book, logs_discarded

from bookstore.events import http_api_event
from bookstore.lambda_context import LocalLambdaContext


def package_of(filename: str) -> str:
    if "site-packages/" in filename:
        return filename.split("site-packages/", 1)[1].split("/", 1)[0].removesuffix(".py")
    for ours in ("/shared/", "/functions/", "/bookstore/"):
        if ours in filename:
            return ours.strip("/")
    if filename.startswith("~") or filename.startswith("<"):
        return "builtins (C)"
    return "python stdlib"


def profile(requests: int) -> dict[str, float]:
    with scratch_database("bench_profile") as url:
        book = uuid.uuid4()
        run(insert_book(url, book))
        from functions.books.app import handler

        event = http_api_event("GET", f"/books/{book}")
        for _ in range(300):
            handler(event, LocalLambdaContext(timeout_seconds=15))
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(requests):
            handler(event, LocalLambdaContext(timeout_seconds=15))
        profiler.disable()
    per_package: dict[str, float] = defaultdict(float)
    stats = pstats.Stats(profiler)
    for (filename, _, _), (_, _, own_time, _, _) in stats.stats.items():  # type: ignore[attr-defined]
        per_package[package_of(filename)] += own_time
    return {package: seconds / requests * 1e6 for package, seconds in per_package.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3000)
    requests = parser.parse_args().requests
    with logs_discarded():
        shares = profile(requests)
    total = sum(shares.values())
    print(f"CPU time per warm request under cProfile: {total:.0f} us\n")
    print("| package | us per request | share |\n|---|---|---|")
    for package, micros in sorted(shares.items(), key=lambda item: -item[1]):
        if micros / total >= 0.01:
            print(f"| {package} | {micros:.0f} | {micros / total:.0%} |")


if __name__ == "__main__":
    main()
