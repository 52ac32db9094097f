"""What the shared logger wrote during a test, as JSON lines."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from shared.observability.log import logger


class CapturedLogs:
    def __init__(self, stream: io.StringIO) -> None:
        self._stream = stream

    @property
    def text(self) -> str:
        return self._stream.getvalue()

    @property
    def lines(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.text.splitlines() if line.strip()]


@contextmanager
def captured_logs() -> Iterator[CapturedLogs]:
    """Logs through the same JSON formatter Lambda's output uses (correlation id included)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logger.formatter)
    standard_logger = logging.getLogger(logger.name)
    standard_logger.addHandler(handler)
    try:
        yield CapturedLogs(stream)
    finally:
        standard_logger.removeHandler(handler)
