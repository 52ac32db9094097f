"""Lambda-like execution environments: one process per function, one request at a time.

Each worker imports its handler once (a cold start) and then serves invocations over a pipe, so
module state (settings, engine, event loop) lives exactly as long as in a Lambda environment.
"""

from __future__ import annotations

import importlib
import multiprocessing
import os
import threading
import traceback
from multiprocessing.connection import Connection
from typing import Any

from bookstore.database import is_unreachable, unreachable_message
from bookstore.lambda_context import LocalLambdaContext
from bookstore.template import Function

# Third-party modules the functions load, at start-up or on their first write (the ORM, with the
# asyncio extension) or trace (the X-Ray SDK, boto3): a fork server imports them once, and each
# function's process is forked from it with none of the project's own modules loaded, so module
# state still starts fresh per function, as in its own Lambda.
_PRELOAD = [
    "fastapi",
    "pydantic",
    "sqlalchemy.ext.asyncio",
    "asyncpg",
    "mangum",
    "aws_xray_sdk.core",
    "boto3",
]


def _process_context() -> Any:
    if "forkserver" not in multiprocessing.get_all_start_methods():  # Windows
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(_PRELOAD)
    return context


_SPAWN = _process_context()
# A cold import of a handler (FastAPI, SQLAlchemy, pydantic models) takes seconds, more without a
# bytecode cache or with every function starting at once.
IMPORT_TIMEOUT = 120.0


class InvocationError(Exception):
    def __init__(self, message: str, *, database_unavailable: bool = False) -> None:
        super().__init__(message)
        self.database_unavailable = database_unavailable


def _serve(function: Function, environment: dict[str, str], connection: Connection) -> None:
    # The fork server's environment is the one it started with: use the runner's current one.
    os.environ.clear()
    os.environ.update(environment)
    for name, value in function.environment.items():
        os.environ.setdefault(name, value)
    module_name, _, attribute = function.handler.rpartition(".")
    try:
        handler = getattr(importlib.import_module(module_name), attribute)
    except BaseException as error:
        connection.send(("error", "".join(traceback.format_exception_only(error)).strip()))
        return
    # The parent waits for this: once it arrives, invocations no longer pay for the import.
    connection.send(("ready", os.getpid()))
    while True:
        try:
            event = connection.recv()
        except (EOFError, KeyboardInterrupt):
            return
        context = LocalLambdaContext(
            function_name=function.logical_id, timeout_seconds=function.timeout
        )
        try:
            connection.send(("ok", handler(event, context)))
        except Exception as error:
            if is_unreachable(error):
                connection.send(("unavailable", unreachable_message(error)))
            else:
                connection.send(("error", f"{type(error).__name__}: {error}"))


class FunctionWorker:
    def __init__(self, function: Function) -> None:
        self.function = function
        self._lock = threading.Lock()
        self._process: Any = None
        self._connection: Connection | None = None
        # How many processes this worker started, i.e. how many cold starts it paid for.
        self.cold_starts = 0

    @property
    def pid(self) -> int | None:
        process = self._process
        return None if process is None else int(process.pid)

    def _start(self) -> Connection:
        parent: Connection
        child: Connection
        parent, child = _SPAWN.Pipe()
        self._process = _SPAWN.Process(
            target=_serve,
            args=(self.function, dict(os.environ), child),
            name=self.function.logical_id,
            daemon=True,
        )
        self._process.start()
        child.close()
        self.cold_starts += 1
        self._connection = parent
        if not parent.poll(IMPORT_TIMEOUT):
            self._stop()
            raise InvocationError(f"{self.function.logical_id} did not import its handler in time")
        try:
            status, payload = parent.recv()
        except EOFError:
            self._stop()
            raise InvocationError(f"{self.function.logical_id} crashed while importing") from None
        if status != "ready":
            self._stop()
            raise InvocationError(f"{self.function.logical_id} failed to import: {payload}")
        return parent

    def _running(self) -> Connection:
        connection = self._connection
        if connection is None or not self._process.is_alive():
            connection = self._start()
        return connection

    def warm(self) -> None:
        """Start the process and wait until its handler is imported (no-op when it runs)."""
        with self._lock:
            self._running()

    def restart(self) -> None:
        """A fresh process that imports the code as it is now, once any running call is done."""
        with self._lock:
            self._stop()
            self._start()

    def invoke(self, event: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            connection = self._running()
            connection.send(event)
            # Like Lambda: past the function's timeout the environment is thrown away.
            if not connection.poll(self.function.timeout + 5):
                self._stop()
                raise InvocationError(f"{self.function.logical_id} timed out")
            try:
                status, payload = connection.recv()
            except EOFError:
                self._stop()
                raise InvocationError(f"{self.function.logical_id} crashed") from None
        if status != "ok":
            raise InvocationError(payload, database_unavailable=status == "unavailable")
        return dict(payload)

    def stop(self) -> None:
        # Without the lock: stopping the runner must not wait for a slow invocation to finish.
        self._stop()

    def _stop(self) -> None:
        if self._process is not None and self._process.is_alive():
            self._process.terminate()
            self._process.join(timeout=5)
        self._process = None
        self._connection = None
