"""What a function puts off from its start to first use, listed in one place, so that it can all be
done at once before a SnapStart snapshot (`shared.runtime.snapstart`) and a restored environment
starts with nothing left to do.

Each entry is a kind ("module", "statement", "page"), a name, a step that does the work, and a
check that says whether it is done (by first use, or by the step):

    defer("page", item.__name__, lambda: self._adapter, lambda: self.built)  # shared.http.row_pages
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class _Deferred:
    kind: str
    name: str
    prepare: Callable[[], object]
    done: Callable[[], bool]


_DEFERRED: list[_Deferred] = []


def defer(kind: str, name: str, prepare: Callable[[], object], done: Callable[[], bool]) -> None:
    _DEFERRED.append(_Deferred(kind, name, prepare, done))


def pending(kind: str | None = None) -> list[str]:
    """The names of the entries (of `kind`, or all) whose work is still to be done, sorted."""
    return sorted(
        entry.name
        for entry in _DEFERRED
        if (kind is None or entry.kind == kind) and not entry.done()
    )


def prepare_everything(kind: str | None = None) -> None:
    """Do every deferred step (of `kind`, or all) not done yet, in the order they were deferred,
    until none is left: a module imported by one step may defer more (its reads)."""
    while todo := [e for e in _DEFERRED if (kind is None or e.kind == kind) and not e.done()]:
        for entry in todo:
            entry.prepare()


def caller_name(depth: int = 2) -> str:
    """`module:line` of the code that made the entry (a read has no better name before it is
    compiled)."""
    frame = sys._getframe(depth)
    return f"{frame.f_globals.get('__name__', '?')}:{frame.f_lineno}"
