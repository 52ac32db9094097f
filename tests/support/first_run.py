"""The README's first command as a stranger runs it: serve, page through the sample catalog, stop.

Used by a test (`tests/test_first_run.py`) and by `.ci/run` on a clean clone::

    python -m tests.support.first_run --cwd CLONE -- uv run bookstore dev --seed

starts the command in CLONE with no database configured (DATABASE_URL and TEST_DATABASE_URL
removed from its environment), waits until it prints "Serving on", reads `GET /books` page by
page to the end, stops it as Ctrl-C would (SIGINT to its process group), and checks that it
exited with 0 and left no process behind: neither its own nor the embedded PostgreSQL's. Prints
how long each step took; exits non-zero, saying why, on the first thing that fails.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psutil

from tests.support.ports import free_loopback_port

# Variables that would point the command at a database: a stranger has none of them set.
DATABASE_VARIABLES = ("DATABASE_URL", "TEST_DATABASE_URL", "TEST_DATABASE_UPSTREAM_URL")
_SERVING = re.compile(r"Serving on (http://\S+)")
PAGE_SIZE = 100


class FirstRunError(AssertionError):
    """The command did not serve, page or stop as the README says it does."""


@dataclass
class FirstRun:
    """What one run of the command showed, and how long each step took (seconds)."""

    books: int = 0
    pages: int = 0
    until_serving: float = 0.0
    until_paged: float = 0.0
    until_stopped: float = 0.0
    output: list[str] = field(default_factory=list)


def stranger_environment(base: Mapping[str, str] | None = None, **overrides: str) -> dict[str, str]:
    """`base` (this process's environment by default) without any database configured.

    DATABASE_URL stays set, but empty: an empty value is "not configured" for every reader, and
    keeps a developer's `.env` from filling it in."""
    environment = {
        name: value
        for name, value in (os.environ if base is None else base).items()
        if name not in DATABASE_VARIABLES
    }
    environment["DATABASE_URL"] = ""
    environment.update(overrides)
    return environment


def run_first_run(
    command: Sequence[str],
    *,
    cwd: Path,
    environment: Mapping[str, str],
    data_dir: Path,
    start_timeout: float = 600.0,
) -> FirstRun:
    """Serve with `command` (which must accept `--port`), page through `GET /books`, stop.

    `data_dir`: the folder the command's embedded PostgreSQL keeps its data in."""
    port = free_loopback_port()
    started = time.monotonic()
    result = FirstRun()
    process = subprocess.Popen(
        [*command, "--port", str(port)],
        cwd=cwd,
        env=dict(environment),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    assert process.stdout is not None
    serving = threading.Event()
    base_url: list[str] = []

    def read_output() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            result.output.append(line.rstrip("\n"))
            match = _SERVING.search(line)
            if match and not serving.is_set():
                base_url.append(match[1])
                serving.set()

    reader = threading.Thread(target=read_output, daemon=True)
    reader.start()
    try:
        while not serving.wait(0.2):
            if process.poll() is not None:
                raise FirstRunError(f"exited with {process.returncode} before serving")
            if time.monotonic() - started > start_timeout:
                raise FirstRunError(f"not serving after {start_timeout:.0f} s")
        result.until_serving = time.monotonic() - started
        family = _process_family(process.pid, data_dir)
        result.books, result.pages = _page_through_books(base_url[0])
        result.until_paged = time.monotonic() - started
        stopping = time.monotonic()
        os.killpg(process.pid, signal.SIGINT)
        code = process.wait(timeout=60)
        if code != 0:
            raise FirstRunError(f"exited with {code} after Ctrl-C")
        _wait_until_gone(family, timeout=30)
        result.until_stopped = time.monotonic() - stopping
    except BaseException as error:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        if isinstance(error, FirstRunError):
            tail = "\n".join(result.output[-40:])
            raise FirstRunError(f"{error}; its output:\n{tail}") from None
        raise
    finally:
        reader.join(timeout=5)
        process.stdout.close()
    return result


def _process_family(pid: int, data_dir: Path) -> list[psutil.Process]:
    """The command, its descendants, and the embedded PostgreSQL serving `data_dir` with its
    backends (the server runs detached from the command's tree)."""
    root = psutil.Process(pid)
    family = [root, *root.children(recursive=True)]
    pid_file = data_dir / "postmaster.pid"
    if not pid_file.exists():
        raise FirstRunError(f"serving, but no embedded PostgreSQL runs in {data_dir}")
    postmaster = psutil.Process(int(pid_file.read_text().split()[0]))
    return [*family, postmaster, *postmaster.children(recursive=True)]


def _wait_until_gone(family: Sequence[psutil.Process], *, timeout: float) -> None:
    _, alive = psutil.wait_procs(list(family), timeout=timeout)
    if alive:
        described = ", ".join(f"{p.pid} ({_describe(p)})" for p in alive)
        raise FirstRunError(f"left running after it stopped: {described}")


def _describe(process: psutil.Process) -> str:
    try:
        return " ".join(process.cmdline())[:120] or process.name()
    except psutil.Error:
        return "?"


def _page_through_books(base_url: str) -> tuple[int, int]:
    """Every book of the catalog, `PAGE_SIZE` at a time; answers (books, pages)."""
    seen: set[str] = set()
    pages = 0
    params: dict[str, str | int] = {"limit": PAGE_SIZE}
    with httpx.Client(base_url=base_url, timeout=30) as client:
        while True:
            response = client.get("/books", params=params)
            if response.status_code != 200:
                raise FirstRunError(f"GET /books answered {response.status_code}: {response.text}")
            page = response.json()
            pages += 1
            ids = [item["id"] for item in page["items"]]
            if seen.intersection(ids):
                raise FirstRunError(f"page {pages} repeats books of an earlier page")
            seen.update(ids)
            if not page["next_cursor"]:
                return len(seen), pages
            params = {"limit": PAGE_SIZE, "cursor": page["next_cursor"]}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cwd", type=Path, default=Path.cwd())
    parser.add_argument("--books", type=int, required=True, help="the catalog size to expect")
    parser.add_argument("command", nargs="+", help="the command, after --")
    arguments = parser.parse_args(argv)
    cwd = arguments.cwd.resolve()
    environment = stranger_environment()
    data_dir = Path(environment.get("EMBEDDED_POSTGRES_DIR") or cwd / ".local" / "postgres")
    try:
        result = run_first_run(
            arguments.command, cwd=cwd, environment=environment, data_dir=data_dir
        )
    except FirstRunError as error:
        print(f"first run: {error}", file=sys.stderr)
        return 1
    if result.books != arguments.books:
        print(f"first run: GET /books listed {result.books} books, not {arguments.books}")
        return 1
    print(
        f"first run: serving after {result.until_serving:.1f} s; {result.books} books in "
        f"{result.pages} pages by {result.until_paged:.1f} s; stopped cleanly in "
        f"{result.until_stopped:.1f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
