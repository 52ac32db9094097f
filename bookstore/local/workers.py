"""Lambda-like execution environments: one process per function, one request at a time.

Each worker imports its handler once (a cold start) and then serves invocations over a pipe, so
module state (settings, engine, event loop) lives exactly as long as in a Lambda environment.
"""

from __future__ import annotations

import importlib
import multiprocessing
import os
import threading
from multiprocessing.connection import Connection
from typing import Any

from bookstore.lambda_context import LocalLambdaContext
from bookstore.template import Function

_SPAWN = multiprocessing.get_context("spawn")


class InvocationError(Exception):
    pass


def _serve(function: Function, connection: Connection) -> None:
    for name, value in function.environment.items():
        os.environ.setdefault(name, value)
    module_name, _, attribute = function.handler.rpartition(".")
    handler = getattr(importlib.import_module(module_name), attribute)
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
            connection.send(("error", f"{type(error).__name__}: {error}"))


class FunctionWorker:
    def __init__(self, function: Function) -> None:
        self.function = function
        self._lock = threading.Lock()
        self._process: Any = None
        self._connection: Connection | None = None

    def _start(self) -> Connection:
        parent, child = _SPAWN.Pipe()
        self._process = _SPAWN.Process(
            target=_serve, args=(self.function, child), name=self.function.logical_id, daemon=True
        )
        self._process.start()
        self._connection = parent
        return parent

    def invoke(self, event: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            connection = self._connection
            if connection is None or not self._process.is_alive():
                connection = self._start()
            connection.send(event)
            # Like Lambda: past the function's timeout the environment is thrown away.
            if not connection.poll(self.function.timeout + 30):  # +30: the first call imports
                self.stop()
                raise InvocationError(f"{self.function.logical_id} timed out")
            try:
                status, payload = connection.recv()
            except EOFError:
                self.stop()
                raise InvocationError(f"{self.function.logical_id} crashed") from None
        if status != "ok":
            raise InvocationError(payload)
        return dict(payload)

    def stop(self) -> None:
        if self._process is not None and self._process.is_alive():
            self._process.terminate()
            self._process.join(timeout=5)
        self._process = None
        self._connection = None
