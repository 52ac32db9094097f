"""Each Alembic revision's upgrade as the SQL it would run (offline mode: no database needed), for
reviewers and for squawk (`bookstore lint-migrations`)."""

from __future__ import annotations

import io
from contextlib import redirect_stdout
from pathlib import Path

from alembic import command
from alembic.script import ScriptDirectory

from functions.migrations import runner


def revision_sql(scripts: Path = runner.SCRIPT_LOCATION) -> dict[str, str]:
    """Each revision's id and the SQL of its upgrade from the revision before it, oldest first."""
    config = runner.alembic_config(scripts)
    revisions = reversed(list(ScriptDirectory.from_config(config).walk_revisions()))
    sql: dict[str, str] = {}
    for revision in revisions:
        output = io.StringIO()
        config.output_buffer = output
        down = revision.down_revision
        span = revision.revision if down is None else f"{down}:{revision.revision}"
        # Alembic prints what it does on stdout as well as the SQL into the buffer.
        with redirect_stdout(io.StringIO()):
            command.upgrade(config, span, sql=True)
        sql[revision.revision] = output.getvalue()
    return sql


def write_revision_sql(folder: Path, scripts: Path = runner.SCRIPT_LOCATION) -> list[Path]:
    """One `<revision>.sql` file per revision in `folder`; answers their paths, oldest first."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for revision, sql in revision_sql(scripts).items():
        path = folder / f"{revision}.sql"
        path.write_text(sql)
        paths.append(path)
    return paths
