"""Old code on the new schema (N-1): the previous release's functions, against a database that the
newest migrations built. A deployment migrates before its code serves, so for a while the
previous release runs on the new schema; this checks it still serves.

    uv run python -m tests.support.previous_release [--keep]

The previous release is the commit before the one that added the newest revision. It is checked
out into a temporary worktree, with its own environment (`uv sync`); a scratch database on the
server of TEST_DATABASE_URL (else 127.0.0.1:5432) is migrated with this checkout's migrations;
then `smoke_routes.py` runs in the old checkout, with its code: every sample event of its events/
through its handlers, and a purchase. Exits non-zero when any answer was a server error.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from bookstore import embedded_postgres
from functions.migrations import runner
from shared.settings import get_settings
from tests.support.databases import create_database, drop_database, unique_name

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"


def git(*args: str, cwd: Path = ROOT) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout.strip()


def previous_release() -> str:
    """The commit before the one that added the newest revision's file."""
    newest = runner.head_revision()
    [script] = [
        path for path in (ROOT / "alembic" / "versions").glob("*.py") if path.stem == newest
    ]
    # Along main's own history (a merge's changes against its first parent), so a revision that
    # came in through a merged branch dates from the merge: the previous release is main before it.
    added = git(
        "log",
        "--first-parent",
        "-m",
        "--diff-filter=A",
        "--format=%H",
        "-1",
        "--",
        str(script.relative_to(ROOT)),
    )
    if not added:
        raise SystemExit(f"{script.name} is not committed: commit it first")
    return git("rev-parse", f"{added}^")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="keep the worktree and the database")
    arguments = parser.parse_args()
    commit = previous_release()
    server = os.environ.get("TEST_DATABASE_URL") or DEFAULT_SERVER
    name = unique_name("bookstore_previous_release")
    folder = Path(tempfile.mkdtemp(prefix="bookstore-previous-release-"))
    checkout = folder / "checkout"
    git("worktree", "add", "--detach", "--quiet", str(checkout), commit)
    try:
        create_database(server, name)
        url = embedded_postgres.database_url(server, name)
        os.environ["DATABASE_URL"] = url
        get_settings.cache_clear()
        migrated = runner.run("upgrade")
        print(f"previous release {commit[:12]}, on a database migrated to {migrated.current}")
        shutil.copy(Path(__file__).with_name("smoke_routes.py"), checkout / "smoke_routes.py")
        environment = {**os.environ, "DATABASE_URL": url}
        environment.pop("VIRTUAL_ENV", None)
        completed = subprocess.run(
            ["uv", "run", "--frozen", "--quiet", "python", "smoke_routes.py"],
            cwd=checkout,
            env=environment,
            check=False,
        )
        return completed.returncode
    finally:
        if not arguments.keep:
            drop_database(server, name)
            git("worktree", "remove", "--force", str(checkout))
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
