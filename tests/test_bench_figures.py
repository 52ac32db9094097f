"""`bookstore bench`'s table: each figure against its target, a reference row against none."""

from __future__ import annotations

from pathlib import Path

from bookstore.bench_figures import Figure, read_figures, write_figures
from bookstore.commands.bench import render

MET = Figure("warm read", 1.5, 1.0, "bare", "ms", 2.0)
AT_TARGET = Figure("catalog", 2.5, 1.0, "raw SQL", "ms", 2.5)
MISSED = Figure("cold start", 0.9, 1.0, "hello", "ms", 0.75)
REFERENCE = Figure("floor", 0.72, 1.0, "hello", "ms", None)


def test_a_figure_is_met_at_or_under_its_target_and_a_reference_row_always_is() -> None:
    assert (MET.met, AT_TARGET.met, MISSED.met, REFERENCE.met) == (True, True, False, True)


def test_the_table_says_met_not_met_or_for_reference(tmp_path: Path) -> None:
    path = tmp_path / "figures.json"
    write_figures(str(path), [MET, MISSED, REFERENCE])

    rows = render(read_figures(path)).splitlines()[-3:]

    assert rows == [
        "| warm read | 1.50 ms | 1.00 ms (bare) | 1.50 | <= 2 | met |",
        "| cold start | 0.90 ms | 1.00 ms (hello) | 0.90 | <= 0.75 | NOT met |",
        "| floor | 0.72 ms | 1.00 ms (hello) | 0.72 | — | for reference |",
    ]
