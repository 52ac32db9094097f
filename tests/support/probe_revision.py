"""A copy of alembic/ in a temporary folder with one revision of a test's own on top of the head
(`PROBE`), for tests of how migrations behave on a live database."""

from __future__ import annotations

import shutil
from pathlib import Path

from shared.db.revision import SCHEMA_HEAD

ROOT = Path(__file__).resolve().parents[2]
PROBE = "0999_probe"
PROBE_REVISION = '''"""A probe revision of the tests"""

from alembic import op

from functions.migrations.ddl import create_index_concurrently

revision = "{probe}"
down_revision = "{head}"
branch_labels = None
depends_on = None

SETTINGS = "SELECT current_setting('lock_timeout') AS lock_timeout, current_setting('statement_timeout') AS statement_timeout"


def upgrade() -> None:
    op.execute(f"CREATE TABLE probe_settings AS {{SETTINGS}}")
    {body}
    op.execute(f"INSERT INTO probe_settings {{SETTINGS}}")


def downgrade() -> None:
    op.execute("DROP TABLE probe_settings")
'''
CONCURRENT_INDEX = 'create_index_concurrently("ix_books_probe_author", "books", "lower(author)")'
ADD_COLUMN = 'op.execute("ALTER TABLE books ADD COLUMN probe_note text")'


def scripts_with(tmp_path: Path, body: str) -> Path:
    scripts = tmp_path / "alembic"
    shutil.copytree(ROOT / "alembic", scripts, ignore=shutil.ignore_patterns("__pycache__"))
    (scripts / "versions" / f"{PROBE}.py").write_text(
        PROBE_REVISION.format(probe=PROBE, head=SCHEMA_HEAD, body=body)
    )
    return scripts


# What squawk must refuse on an existing table: an index that blocks writes while it builds, a
# column whose volatile default rewrites the table, a constraint validated as it is added.
LOCKING_CHANGES = {
    "an index built without CONCURRENTLY": 'op.create_index("ix_books_probe", "books", ["author"])',
    "a column with a volatile default": (
        'op.execute("ALTER TABLE orders ADD COLUMN probe_id uuid DEFAULT gen_random_uuid()")'
    ),
    "a constraint validated as it is added": (
        'op.execute("ALTER TABLE books ADD CONSTRAINT ck_probe CHECK (stock < 1000000)")'
    ),
}
