"""`bookstore dev`: every function is imported before serving, and --reload restarts them."""

from __future__ import annotations

import argparse
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bookstore.commands import dev
from bookstore.local.reload import SourceWatcher
from bookstore.local.server import make_server as real_make_server
from bookstore.local.workers import FunctionWorker
from bookstore.template import Function
from bookstore.template import functions as real_functions

# The workers' child processes import this module as the handler: cheap next to a real function.
IMPORTED_AT = time.time()


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return {"pid": os.getpid(), "imported_at": IMPORTED_AT}


def fake_function(
    name: str = "EchoFunction", environment: dict[str, str] | None = None
) -> Function:
    return Function(
        logical_id=name, handler=f"{__name__}.handler", timeout=30, environment=environment or {}
    )


@pytest.fixture
def worker() -> Iterator[FunctionWorker]:
    worker = FunctionWorker(fake_function())
    yield worker
    worker.stop()


def test_a_warmed_worker_has_imported_its_handler_before_the_first_invocation(
    worker: FunctionWorker,
) -> None:
    worker.warm()
    warmed_at = time.time()

    answer = worker.invoke({})

    assert worker.cold_starts == 1
    assert answer["pid"] == worker.pid
    assert answer["imported_at"] < warmed_at


def test_dev_warms_every_function_before_it_serves(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres@127.0.0.1:1/unused")
    # dev.run switches metrics off for the whole process; undone after this test.
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "true")
    monkeypatch.setattr(
        "bookstore.commands.dev.functions",
        lambda template: {
            name: fake_function(name, function.environment)
            for name, function in real_functions(template).items()
        },
    )
    seen: dict[str, int] = {}

    def make_server(
        host: str, port: int, router: Any, workers: dict[str, FunctionWorker], cors: Any
    ) -> Any:
        server = real_make_server(host, 0, router, workers, cors)

        def serve_forever() -> None:
            # What the first request would find: each function already imported, once.
            seen.update({name: worker.cold_starts for name, worker in workers.items()})
            raise KeyboardInterrupt

        monkeypatch.setattr(server, "serve_forever", serve_forever)
        return server

    monkeypatch.setattr("bookstore.commands.dev.make_server", make_server)
    arguments = argparse.Namespace(
        host="127.0.0.1", port=0, no_migrate=True, seed=False, reload=False
    )

    # dev.run installs the runner's signal handlers in this process: put pytest's back.
    handlers = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        assert dev.run(arguments) == 0
    finally:
        for number, previous in handlers.items():
            signal.signal(number, previous)

    assert seen
    assert set(seen.values()) == {1}
    out = capsys.readouterr().out
    assert out.index("Serving on") > out.index("/books/docs")


def test_a_changed_file_restarts_the_workers(tmp_path: Path, worker: FunctionWorker) -> None:
    source = tmp_path / "module.py"
    source.write_text("x = 1\n")
    worker.warm()
    first_pid = worker.pid
    watcher = SourceWatcher([tmp_path], lambda changed: dev._reload({"Echo": worker}, changed))

    assert watcher.check() == []
    os.utime(source, ns=(time.time_ns(), time.time_ns() + 5_000_000_000))
    assert watcher.check() == [source]

    assert worker.cold_starts == 2
    assert worker.pid != first_pid
    assert worker.invoke({})["pid"] == worker.pid


def test_the_watcher_thread_notices_a_change_on_its_own(tmp_path: Path) -> None:
    source = tmp_path / "module.py"
    source.write_text("x = 1\n")
    changes: list[list[Path]] = []
    watcher = SourceWatcher([tmp_path], changes.append, interval=0.02)
    watcher.start()
    try:
        os.utime(source, ns=(time.time_ns(), time.time_ns() + 5_000_000_000))
        deadline = time.monotonic() + 5
        while not changes and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        watcher.stop()

    assert changes == [[source]]
