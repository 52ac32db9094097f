"""`bookstore lint-migrations`: squawk, the PostgreSQL migration linter, over each revision's SQL.

Each revision's upgrade is written as Alembic writes it offline (no database needed), one file a
revision, and squawk reads them all with the project's configuration (`.squawk.toml`: each rule
it leaves out, and why). Exits with squawk's code: non-zero when a revision takes a dangerous lock
on an existing table. squawk comes from npm: `npm install --global squawk-cli`, or name the
binary with SQUAWK=/path/to/squawk. `--sql-dir DIR` keeps the SQL files there.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from bookstore.cli import PROJECT_ROOT

INSTALL_HINT = "npm install --global squawk-cli (or set SQUAWK to its path)"


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "lint-migrations",
        help="check every migration's SQL with squawk (locks on busy tables)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--sql-dir", type=Path, help="keep each revision's SQL in this folder")
    parser.set_defaults(handler=run)


def squawk_binary() -> str | None:
    return os.environ.get("SQUAWK") or shutil.which("squawk")


def run(arguments: argparse.Namespace) -> int:
    squawk = squawk_binary()
    if squawk is None:
        print(f"lint-migrations: squawk is not installed: {INSTALL_HINT}", file=sys.stderr)
        return 2
    from bookstore.migration_sql import write_revision_sql

    with tempfile.TemporaryDirectory(prefix="bookstore-migration-sql-") as scratch:
        folder = arguments.sql_dir or Path(scratch)
        paths = write_revision_sql(folder)
        print(f"squawk: {len(paths)} revisions, SQL in {folder}", flush=True)
        config = PROJECT_ROOT / ".squawk.toml"
        command = [squawk, "--config", str(config), *map(str, paths)]
        completed = subprocess.run(command, check=False)  # noqa: S603 - the operator's own squawk
    if completed.returncode == 0:
        print("squawk: no findings")
    return completed.returncode
