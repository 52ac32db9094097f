"""What sign-in with OpenID Connect adds to the Users function's cold start.

    uv run python bench/oidc_imports.py [--rounds 15]

Each round is a fresh Python process (no bytecode writing, as in Lambda's read-only code
directory) that times, in order:
1. the Users function's start-up without its OIDC modules: everything `functions.users.app`
   imports but `functions.users.oidc.router`;
2. `functions.users.oidc.router` on top (the routes and the configuration: what every cold start
   now pays), then the app itself;
3. the modules the first sign-in loads on top (`functions.users.oidc.flows`: the protocol,
   PyJWT's JWKS client, urllib, and the ORM, which a password login loads too).
Prints the medians, each as a ratio of the whole start-up (1 + 2).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys

from bookstore.bench_figures import Figure, write_figures

SAMPLE = """
import json, time
t0 = time.perf_counter()
import functions.users.router, functions.users.operator_actions
import shared.http.app, shared.runtime.handler, shared.runtime.operator_actions
t1 = time.perf_counter()
import functions.users.oidc.router
t2 = time.perf_counter()
import functions.users.app
t3 = time.perf_counter()
from functions.users.oidc import flows
flows.start  # the lazy module loads on first use
t4 = time.perf_counter()
print(json.dumps({"startup": t3 - t0, "oidc": t2 - t1, "first_sign_in": t4 - t3}))
"""


def sample() -> dict[str, float]:
    completed = subprocess.run(
        [sys.executable, "-c", SAMPLE],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    timings: dict[str, float] = json.loads(completed.stdout.splitlines()[-1])
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--json", help="write the figures to this file")
    arguments = parser.parse_args()
    samples = [sample() for _ in range(arguments.rounds)]

    def median_ms(key: str) -> float:
        return statistics.median(one[key] for one in samples) * 1000

    startup = median_ms("startup")
    figures = [
        Figure(
            "Users start-up: the OIDC routes and configuration",
            median_ms("oidc"),
            startup,
            "the Users function's whole start-up",
            "ms",
            None,
        ),
        Figure(
            "Users first sign-in: the OIDC protocol's imports (and the ORM)",
            median_ms("first_sign_in"),
            startup,
            "the Users function's whole start-up",
            "ms",
            None,
        ),
    ]
    print(f"Users function start-up: {startup:.1f} ms (median of {arguments.rounds})")
    for figure in figures:
        print(f"  {figure.figure}: {figure.ours:.1f} ms, {figure.ratio:.3f} of it")
    write_figures(arguments.json, figures)


if __name__ == "__main__":
    main()
