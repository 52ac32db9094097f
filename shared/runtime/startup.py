"""A function's imports, run with Python's cyclic garbage collector paused.

Importing a function creates most of the objects its process will ever hold (modules, classes,
the route table, Pydantic's and SQLAlchemy's schemas) and almost no garbage, yet the collector
would run hundreds of times meanwhile, its full passes walking everything made so far (bench/RESULTS.md has
the share of a cold start). Afterwards those objects are frozen (`gc.freeze`), so the
collections that requests trigger later never walk them again either.

This module imports nothing else: it must come first in a function's `app` module.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()
