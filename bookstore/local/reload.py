"""`bookstore dev --reload`: restart the function processes when their source files change.

A polling watcher on modification times: no dependency, and fast enough for a few hundred files.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from pathlib import Path

Snapshot = dict[Path, int]


def snapshot(roots: Iterable[Path]) -> Snapshot:
    """The modification time of every Python or YAML file under `roots` (a root may be a file)."""
    times: Snapshot = {}
    for root in roots:
        candidates = [root] if root.is_file() else root.rglob("*")
        for path in candidates:
            if path.suffix not in {".py", ".yaml", ".yml", ".json"}:
                continue
            try:
                times[path] = path.stat().st_mtime_ns
            except OSError:  # deleted between listing and stat
                continue
    return times


class SourceWatcher:
    def __init__(
        self,
        roots: Iterable[Path],
        on_change: Callable[[list[Path]], None],
        interval: float = 1.0,
    ) -> None:
        self.roots = tuple(roots)
        self.on_change = on_change
        self.interval = interval
        self._times = snapshot(self.roots)
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="source-watcher", daemon=True)

    def check(self) -> list[Path]:
        """Compare with the last look; call `on_change` with what changed, if anything."""
        times = snapshot(self.roots)
        changed = sorted(
            path
            for path in times.keys() | self._times.keys()
            if times.get(path) != self._times.get(path)
        )
        self._times = times
        if changed:
            self.on_change(changed)
        return changed

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopped.set()

    def _run(self) -> None:
        while not self._stopped.wait(self.interval):
            self.check()
