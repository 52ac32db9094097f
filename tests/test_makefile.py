"""The Makefile: a bare `make` prints help, and the build targets refuse to run outside `sam build`
(without ARTIFACTS_DIR their recipes would write to, and delete in, the root directory)."""

from __future__ import annotations

import os
import platform
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
    "target",
    [
        "build-SharedLayer",
        "build-XRaySdkLayer",
        "build-HealthFunction",
        "build-UsersFunction",
        "build-MigrationsFunction",
    ],
)
def test_a_build_target_without_artifacts_dir_refuses_and_touches_nothing(target: str) -> None:
    result = make(target)

    assert result.returncode != 0
    assert "ARTIFACTS_DIR is not set" in result.stderr
    assert not Path("/python").exists()
    assert not Path("/functions").exists()


def test_a_build_without_strip_stops_before_installing_and_names_what_to_install(
    tmp_path: Path,
) -> None:
    result = make("build-XRaySdkLayer", f"ARTIFACTS_DIR={tmp_path}", "STRIP=no-such-strip")

    assert result.returncode != 0
    assert "no-such-strip not found: install binutils" in result.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("architecture", "target"), [("x86_64", "x86_64"), ("arm64", "aarch64")])
def test_the_build_strips_with_a_strip_that_reads_the_target_architecture(
    architecture: str, target: str
) -> None:
    expected = "strip" if platform.machine() == target else f"{target}-linux-gnu-strip"

    result = make(
        "-n", "build-XRaySdkLayer", "ARTIFACTS_DIR=/nowhere", f"LAMBDA_ARCH={architecture}"
    )

    assert result.returncode == 0
    assert f" -exec {expected} --strip-unneeded {{}} +" in result.stdout


def test_the_shared_layer_ships_the_ca_bundles_of_certs_under_python_certs(
    tmp_path: Path,
) -> None:
    (tmp_path / "rds-global-bundle.pem").write_text("a bundle")
    (tmp_path / "README.md").write_text("how to get one")

    result = make("-n", "build-SharedLayer", "ARTIFACTS_DIR=/nowhere", f"CERTS_DIR={tmp_path}")

    assert result.returncode == 0
    assert f'cp {tmp_path}/rds-global-bundle.pem "/nowhere/python/certs/"' in result.stdout
    assert f"{tmp_path}/README.md" not in result.stdout


def test_without_a_downloaded_bundle_the_shared_layer_has_no_certs_folder(tmp_path: Path) -> None:
    result = make("-n", "build-SharedLayer", "ARTIFACTS_DIR=/nowhere", f"CERTS_DIR={tmp_path}")

    assert result.returncode == 0
    assert "/nowhere/python/certs" not in result.stdout
