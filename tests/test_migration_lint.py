"""squawk over every revision's SQL (`bookstore lint-migrations`): today's revisions pass with the
project's configuration, and a revision that would lock a busy table does not."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from bookstore.cli import PROJECT_ROOT, main
from bookstore.commands.lint_migrations import INSTALL_HINT, squawk_binary
from bookstore.migration_sql import write_revision_sql
from tests.support.probe_revision import CONCURRENT_INDEX, LOCKING_CHANGES, PROBE, scripts_with

SQUAWK = squawk_binary()
pytestmark = pytest.mark.skipif(SQUAWK is None, reason=f"squawk is not installed: {INSTALL_HINT}")


def squawk(paths: list[Path]) -> subprocess.CompletedProcess[str]:
    assert SQUAWK is not None
    config = PROJECT_ROOT / ".squawk.toml"
    return subprocess.run(
        [SQUAWK, "--config", str(config), "--reporter", "gcc", *map(str, paths)],
        capture_output=True,
        text=True,
        check=False,
    )


def probe_sql(tmp_path: Path, body: str) -> Path:
    paths = write_revision_sql(tmp_path / "sql", scripts_with(tmp_path, body))
    [probe] = [path for path in paths if path.stem == PROBE]
    return probe


def test_every_revision_passes_the_lint(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["lint-migrations"])

    assert exit_info.value.code == 0
    assert "squawk: no findings" in capsys.readouterr().out


@pytest.mark.parametrize("change", sorted(LOCKING_CHANGES))
def test_a_revision_that_would_lock_a_busy_table_fails_the_lint(
    tmp_path: Path, change: str
) -> None:
    result = squawk([probe_sql(tmp_path, LOCKING_CHANGES[change])])

    assert result.returncode != 0
    assert f"{PROBE}.sql" in result.stdout


def test_an_index_built_with_the_project_s_concurrent_helper_passes_the_lint(
    tmp_path: Path,
) -> None:
    result = squawk([probe_sql(tmp_path, CONCURRENT_INDEX)])

    assert result.returncode == 0, result.stdout
