"""The README's first command on a machine with nothing configured: no DATABASE_URL, no .env."""

from __future__ import annotations

import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from bookstore.embedded_postgres import PROJECT_ROOT
from bookstore.seed import DEFAULT_COUNT
from tests.support.first_run import run_first_run, stranger_environment

BOOKSTORE = str(Path(sys.executable).with_name("bookstore"))


@pytest.fixture
def data_dir() -> Iterator[Path]:
    # Not under pytest's tmp_path: as root, the embedded server's own user must reach it, and
    # pytest makes its folder private again whenever another session starts.
    folder = Path(tempfile.mkdtemp(prefix="bookstore-first-run-"))
    yield folder / "postgres"
    shutil.rmtree(folder, ignore_errors=True)


def test_dev_with_seed_and_no_database_configured_serves_the_whole_sample_catalog_and_stops_clean(
    data_dir: Path,
) -> None:
    result = run_first_run(
        [BOOKSTORE, "dev", "--seed"],
        cwd=PROJECT_ROOT,
        environment=stranger_environment(EMBEDDED_POSTGRES_DIR=str(data_dir)),
        data_dir=data_dir,
    )

    assert result.books == DEFAULT_COUNT
    assert result.pages > 1
    assert any(line.startswith(f"sample catalog: {DEFAULT_COUNT} books") for line in result.output)
    assert not (data_dir / "postmaster.pid").exists()
