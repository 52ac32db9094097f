"""`bookstore bench`: every performance figure of the project, each a ratio against a baseline
measured side by side in the same run, printed as one table and written to bench/RESULTS.md.

Each benchmark script runs in a process of its own (they configure logging and the database
differently, as each measures something else) and hands its figures back as JSON.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bookstore.bench_figures import Figure, read_figures

PROJECT_ROOT = Path(__file__).resolve().parents[2]
BENCH_DIR = PROJECT_ROOT / "bench"
RESULTS = BENCH_DIR / "RESULTS.md"
BEGIN = "<!-- bookstore bench: begin -->"
END = "<!-- bookstore bench: end -->"


@dataclass(frozen=True)
class Script:
    file: str
    arguments: tuple[str, ...]


def scripts(quick: bool, scale: bool = False) -> list[Script]:
    if scale:
        search_sizes = ("100000", "1000000")
    else:
        search_sizes = ("5000", "20000") if quick else ("10000", "100000")
    return [
        Script("artifact_sizes.py", ("--build",)),
        Script("cold_start.py", ("--rounds", "5" if quick else "15")),
        Script("warm_path.py", ("--rounds", "5" if quick else "20")),
        Script("caller_bench.py", ("--rounds", "3" if quick else "10")),
        Script(
            "books_bench.py",
            ("--books", "20000" if quick else "100000", "--runs", "100" if quick else "300"),
        ),
        Script("search_bench.py", ("--sizes", *search_sizes, "--runs", "30" if quick else "100")),
        Script("orders_bench.py", ("--runs", "50" if quick else "300")),
        Script("launch_bench.py", ("--prebooks", "2000" if quick else "10000")),
        Script("drain_bench.py", ("--events", "20000" if quick else "100000")),
    ]


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "bench",
        help="run every benchmark; print one table and write it to bench/RESULTS.md",
        description=__doc__.splitlines()[0],
    )
    parser.add_argument(
        "--quick", action="store_true", help="fewer rounds and a smaller catalog (rougher figures)"
    )
    parser.add_argument(
        "--no-write", action="store_true", help="print the table without updating RESULTS.md"
    )
    parser.add_argument(
        "--scale",
        action="store_true",
        help="search at 100 000 and 1 000 000 books (loads a million rows: minutes, gigabytes)",
    )
    parser.set_defaults(handler=run)


def run(arguments: argparse.Namespace) -> int:
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory(prefix="bookstore-bench-") as tmp:
        for script in scripts(arguments.quick, arguments.scale):
            output = Path(tmp) / f"{script.file}.json"
            print(f"--- {script.file} {' '.join(script.arguments)}", flush=True)
            completed = subprocess.run(  # noqa: S603 - our own scripts, by fixed names
                [
                    sys.executable,
                    str(BENCH_DIR / script.file),
                    *script.arguments,
                    "--json",
                    str(output),
                ],
                cwd=PROJECT_ROOT,
                env=_environment(),
                check=False,
            )
            if not output.is_file():
                print(
                    f"bookstore bench: {script.file} failed (exit {completed.returncode})",
                    file=sys.stderr,
                )
                return 1
            figures += read_figures(output)
    table = render(figures)
    print("\n" + table)
    if not arguments.no_write:
        write_results(table)
        print(f"\nwritten to {RESULTS.relative_to(PROJECT_ROOT)}")
    return 0 if all(figure.met for figure in figures) else 1


def _environment() -> dict[str, str]:
    """sam build needs a python3.13 on PATH: the one running this command."""
    python_dir = str(Path(sys.executable).resolve().parent)
    sam_dir = str(Path(shutil.which("sam") or sys.executable).parent)
    return {
        **os.environ,
        "PATH": os.pathsep.join([sam_dir, python_dir, os.environ.get("PATH", "")]),
    }


def render(figures: list[Figure]) -> str:
    lines = [
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {os.cpu_count()} cores, "
        f"Python {sys.version.split()[0]}; each ratio against its baseline in the same run.",
        "",
        "| figure | ours | baseline | ratio | target | |",
        "|---|---|---|---|---|---|",
    ]
    for figure in figures:
        unit = figure.unit
        if figure.target is None:
            target, verdict = "—", "for reference"
        else:
            target, verdict = f"<= {figure.target:g}", "met" if figure.met else "NOT met"
        lines.append(
            f"| {figure.figure} | {figure.ours:.2f} {unit} "
            f"| {figure.baseline:.2f} {unit} ({figure.baseline_name}) "
            f"| {figure.ratio:.2f} | {target} | {verdict} |"
        )
    return "\n".join(lines)


def write_results(table: str) -> None:
    """Replaces the previous run's table in RESULTS.md (or adds it at the top)."""
    section = f"{BEGIN}\n## `uv run bookstore bench`\n\n{table}\n{END}"
    text = RESULTS.read_text() if RESULTS.is_file() else "# Benchmark figures\n"
    if BEGIN in text and END in text:
        before, rest = text.split(BEGIN, 1)
        after = rest.split(END, 1)[1]
        text = before + section + after
    else:
        title, _, body = text.partition("\n")
        text = f"{title}\n\n{section}\n{body}"
    RESULTS.write_text(text)
