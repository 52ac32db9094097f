"""The Makefile: a bare `make` prints help, and the build targets refuse to run outside `sam build`
(without ARTIFACTS_DIR their recipes would write to, and delete in, the root directory)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def make(*arguments: str) -> subprocess.CompletedProcess[str]:
    environment = {name: value for name, value in os.environ.items() if name != "ARTIFACTS_DIR"}
    return subprocess.run(
        ["make", *arguments],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_a_bare_make_prints_the_everyday_targets() -> None:
    result = make()

    assert result.returncode == 0
    for target in ("make dev", "make test", "make lint", "make build"):
        assert target in result.stdout


@pytest.mark.parametrize(
    "target", ["build-SharedLayer", "build-HealthFunction", "build-MigrationsFunction"]
)
def test_a_build_target_without_artifacts_dir_refuses_and_touches_nothing(target: str) -> None:
    result = make(target)

    assert result.returncode != 0
    assert "ARTIFACTS_DIR is not set" in result.stderr
    assert not Path("/python").exists()
    assert not Path("/functions").exists()
