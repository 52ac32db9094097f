"""Cold start of every function vs a bare FastAPI + Mangum "hello" app, from `sam build` output.

Both are built here, in this run, with `sam build`: ours with the project's Makefile (layer, .pyc
compiled by 3.13), the baseline with SAM's default Python builder. Each sample is a fresh Python
3.13 process with bytecode writing disabled and no site-packages, whose path is only the artifacts
(as /var/task and /opt/python are in Lambda); it times the handler's import plus its first
invocation. Each function's first request reads the database (a scratch database, migrated, one
account and one book), so its first connection is counted; the hello answers a constant. The
rounds alternate between all of them so that machine noise hits each alike.

    uv run python bench/cold_start.py [--rounds 15]
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.metadata
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from support import run, scratch_database

from bookstore.bench_figures import Figure, write_figures

ROOT = Path(__file__).resolve().parents[1]
PYTHON = getattr(sys, "_base_executable", sys.executable)  # the interpreter, not the venv's
SAM = shutil.which("sam", path=str(Path(sys.executable).parent)) or "sam"

SAMPLE = """
import json, sys, time
started = time.perf_counter()
sys.path[:0] = {paths!r}
import importlib
handler = getattr(importlib.import_module({module!r}), "handler")
imported = time.perf_counter()
import os
class Context:
    function_name = "bench"; memory_limit_in_mb = 512; aws_request_id = "bench"
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:bench"
    def get_remaining_time_in_millis(self): return 10000
event = {{"version": "2.0", "routeKey": "$default", "rawPath": {path!r}, "rawQueryString": "",
    "headers": {{"host": "bench", "authorization": "Bearer " + os.environ.get("BENCH_TOKEN", "")}},
    "isBase64Encoded": False,
    "requestContext": {{"http": {{"method": "GET", "path": {path!r}, "protocol": "HTTP/1.1",
    "sourceIp": "127.0.0.1", "userAgent": "bench"}}, "requestId": "bench", "stage": "$default"}}}}
response = handler(event, Context())
answered = time.perf_counter()
assert response["statusCode"] == 200, response
print(json.dumps({{"import": imported - started, "total": answered - started}}))
"""


# The floor under every function: the stack's own imports (with .pyc, from the layer), no code of
# ours, no request. No function can start faster than this. SQLAlchemy's ORM is not in it: no
# function imports it to start or to serve its first read (tests/test_orm_on_demand.py).
STACK = (
    "fastapi",
    "mangum",
    "sqlalchemy",
    "sqlalchemy.dialects.postgresql.asyncpg",
    "asyncpg",
)
STACK_SAMPLE = """
import json, sys, time
started = time.perf_counter()
sys.path[:0] = {paths!r}
import importlib
for name in {modules!r}:
    importlib.import_module(name)
imported = time.perf_counter() - started
print(json.dumps({{"import": imported, "total": imported}}))
"""


def sam_build(template_dir: Path, build_dir: Path) -> None:
    # SAM's default Python builder runs `python3.13 -m pip`: put a real 3.13 first on PATH.
    path = f"{Path(PYTHON).parent}{os.pathsep}{os.environ['PATH']}"
    subprocess.run(
        [SAM, "build", "--build-dir", str(build_dir)],
        cwd=template_dir,
        env={**os.environ, "PATH": path, "SAM_CLI_TELEMETRY": "0"},
        check=True,
        capture_output=True,
    )


def build_baseline(workdir: Path) -> Path:
    source = workdir / "hello"
    shutil.copytree(ROOT / "bench" / "hello", source)
    # The same FastAPI and Mangum versions as the project, so only the packaging differs.
    pins = [f"{name}=={importlib.metadata.version(name)}" for name in ("fastapi", "mangum")]
    (source / "app" / "requirements.txt").write_text("\n".join(pins) + "\n")
    sam_build(source, workdir / "hello-build")
    return workdir / "hello-build" / "HelloFunction"


def build_project(workdir: Path) -> Path:
    subprocess.run(
        [SAM, "build", "--build-dir", str(workdir / "build")],
        cwd=ROOT,
        env={**os.environ, "SAM_CLI_TELEMETRY": "0"},
        check=True,
        capture_output=True,
    )
    return workdir / "build"


@dataclass(frozen=True)
class Function:
    logical_id: str
    module: str
    first_request: str  # a read that reaches the database; {book} is the scratch book's id


FUNCTIONS = {
    "Health": Function("HealthFunction", "functions.health.app", "/health/db"),
    "Users": Function("UsersFunction", "functions.users.app", "/users/me"),
    "Books": Function("BooksFunction", "functions.books.app", "/books/{book}"),
    "Cart": Function("CartFunction", "functions.cart.app", "/cart"),
    "Orders": Function("OrdersFunction", "functions.orders.app", "/orders"),
    "Wishlist": Function("WishlistFunction", "functions.wishlist.app", "/wishlist"),
    "Prebooks": Function("PrebooksFunction", "functions.prebooks.app", "/prebooks"),
}
SIGNING_KEY = "cold-start-bench-signing-key-long-enough-for-hs256"
# Every function's import + first request, at most this share of the bare hello's.
TARGET = 0.75


@contextlib.contextmanager
def populated_database() -> Iterator[tuple[str, str, str]]:
    """A migrated database with one customer and one book: (its URL, a token, the book's id)."""
    os.environ["SECRET_KEY"] = SIGNING_KEY

    from shared.auth.tokens import create_access_token
    from shared.db.ids import new_id

    with scratch_database("bench_cold") as url:
        user, book = new_id(), new_id()
        run(_insert(url, user, book))
        yield url, create_access_token(user, "customer")[0], str(book)


async def _insert(url: str, user: uuid.UUID, book: uuid.UUID) -> None:
    import asyncpg

    connection = await asyncpg.connect(url)
    try:
        await connection.execute(
            "INSERT INTO users (id, email, full_name, password_hash, role) "
            "VALUES ($1, 'cold@example.com', 'Cold Start', 'not-a-hash', 'customer')",
            user,
        )
        await connection.execute(
            "INSERT INTO books (id, isbn, title, author, genre, price, stock) "
            "VALUES ($1, '9780306406157', 'Cold', 'Ann Author', 'Fiction', 9.99, 3)",
            book,
        )
    finally:
        await connection.close()


def sample(paths: list[str], module: str, path: str, env: dict[str, str]) -> dict[str, float]:
    return run_sample(SAMPLE.format(paths=paths, module=module, path=path), env)


def run_sample(script: str, env: dict[str, str]) -> dict[str, float]:
    completed = subprocess.run(
        [PYTHON, "-I", "-S", "-B", "-c", script],
        env={"PYTHONDONTWRITEBYTECODE": "1", **env},
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, float] = json.loads(completed.stdout.strip().splitlines()[-1])
    return result


def measure(rounds: int) -> list[tuple[str, float, float]]:
    """(name, median import ms, median import + first request ms): the hello first."""
    with tempfile.TemporaryDirectory(prefix="coldstart-") as tmp, populated_database() as scratch:
        url, token, book = scratch
        workdir = Path(tmp)
        build = build_project(workdir)
        hello_task = build_baseline(workdir)
        layer = build / "SharedLayer" / "python"
        samples: dict[str, list[dict[str, float]]] = {
            "hello": [],
            "stack": [],
            **{n: [] for n in FUNCTIONS},
        }
        stack_script = STACK_SAMPLE.format(paths=[str(layer)], modules=STACK)
        for _ in range(rounds):
            samples["hello"].append(sample([str(hello_task)], "app", "/hello", {}))
            samples["stack"].append(run_sample(stack_script, {}))
            for name, function in FUNCTIONS.items():
                env = {
                    "POWERTOOLS_SERVICE_NAME": name.lower(),
                    "POWERTOOLS_TRACE_DISABLED": "true",
                    # Not production, which reads the token keys from AWS only: here they are
                    # derived from SECRET_KEY, as the token above was signed.
                    "ENV": "test",
                    "SECRET_KEY": SIGNING_KEY,
                    "DATABASE_URL": url,
                    "BENCH_TOKEN": token,
                }
                paths = [str(build / function.logical_id), str(layer)]
                path = function.first_request.format(book=book)
                samples[name].append(sample(paths, function.module, path, env))

    def median_ms(name: str, key: str) -> float:
        return statistics.median(s[key] for s in samples[name]) * 1000

    return [(name, median_ms(name, "import"), median_ms(name, "total")) for name in samples]


LABELS = {
    "hello": "bare FastAPI + Mangum hello (sam default)",
    "stack": "the stack's imports alone (FastAPI, Mangum, SQLAlchemy Core, asyncpg)",
}


def figures_of(results: list[tuple[str, float, float]]) -> list[Figure]:
    """Each function against the hello, and the stack's floor for reference."""
    hello = results[0][2]
    figures = [
        Figure(
            f"cold start {name} (import + first request)", total, hello, "bare hello", "ms", TARGET
        )
        for name, _, total in results
        if name in FUNCTIONS
    ]
    # For reference: what the stack costs by itself, before any code of ours runs.
    stack = next(total for name, _, total in results if name == "stack")
    figures.append(
        Figure(
            "cold start floor: the stack's imports alone", stack, hello, "bare hello", "ms", None
        )
    )
    return figures


def report(results: list[tuple[str, float, float]], rounds: int) -> str:
    hello_total = results[0][2]
    lines = [
        f"{rounds} fresh processes each, Python {sys.version.split()[0]}, bytecode writing off; "
        "each function's first request reads the database",
        "",
        "| | import | import + first request | / hello |",
        "|---|---|---|---|",
    ]
    for name, imported, total in results:
        label = LABELS.get(name, name)
        lines.append(
            f"| {label} | {imported:.0f} ms | {total:.0f} ms | {total / hello_total:.2f} |"
        )
    worst = max(figure.ratio for figure in figures_of(results) if figure.target is not None)
    lines += ["", f"worst function / hello = **{worst:.2f}** (target <= {TARGET})"]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--json", help="also write the figures to this file (bookstore bench)")
    arguments = parser.parse_args()
    print("building with sam build, then sampling ...", flush=True)
    results = measure(arguments.rounds)
    print(report(results, arguments.rounds))
    write_figures(arguments.json, figures_of(results))


if __name__ == "__main__":
    main()
