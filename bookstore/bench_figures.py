"""The figures every benchmark script reports and `bookstore bench` tabulates: ours against a
baseline measured in the same run, and the ratio it must stay under."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Figure:
    """One row of `bookstore bench`'s table."""

    figure: str
    ours: float
    baseline: float
    baseline_name: str
    unit: str
    # The ratio ours / baseline must stay at or under this; None for a row shown for reference.
    target: float | None

    @property
    def ratio(self) -> float:
        return self.ours / self.baseline

    @property
    def met(self) -> bool:
        return self.target is None or self.ratio <= self.target


def write_figures(path: str | None, figures: list[Figure]) -> None:
    """For `bookstore bench`, which runs each script in a process of its own and reads this."""
    if path:
        Path(path).write_text(json.dumps([asdict(figure) for figure in figures]))


def read_figures(path: Path) -> list[Figure]:
    rows: list[dict[str, Any]] = json.loads(path.read_text())
    return [Figure(**row) for row in rows]
