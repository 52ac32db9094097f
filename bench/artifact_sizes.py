"""Sizes of what `sam build` made: each layer and each function's artifact, zipped and unzipped.

Unzipped is the sum of the files' sizes, which is what Lambda counts against its 250 MB limit (a
function's own code plus its layers); zipped is the archive SAM uploads (deflate, as `sam deploy`
packs it). MB is 2**20 bytes, as in Lambda's quotas. The shared layer is compared with the 45 MB
target; the script exits 1 when it is over.

    uv run python bench/artifact_sizes.py [--build-dir .aws-sam/build] [--build]

Without the build directory, or with --build, it runs `sam build` into it first (python3.13 on PATH).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from bookstore.bench_figures import Figure, write_figures
from bookstore.template import load_template

ROOT = Path(__file__).resolve().parents[1]
SAM = shutil.which("sam", path=str(Path(sys.executable).parent)) or "sam"
MB = 2**20
SHARED_LAYER = "SharedLayer"
SHARED_LAYER_TARGET_MB = 45.0


@dataclass(frozen=True)
class Artifact:
    name: str
    kind: str  # "layer" or "function"
    files: int
    unzipped: int
    zipped: int


def measure(name: str, kind: str, directory: Path) -> Artifact:
    files = sorted(path for path in directory.rglob("*") if path.is_file())
    with tempfile.TemporaryFile() as zipped:
        with zipfile.ZipFile(zipped, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for path in files:
                archive.write(path, path.relative_to(directory).as_posix())
        zipped_size = zipped.tell()
    return Artifact(
        name=name,
        kind=kind,
        files=len(files),
        unzipped=sum(path.stat().st_size for path in files),
        zipped=zipped_size,
    )


def artifacts(build_dir: Path) -> list[Artifact]:
    """Layers first, then functions, each in name order, as the built template lists them."""
    kinds = {"AWS::Serverless::LayerVersion": "layer", "AWS::Serverless::Function": "function"}
    resources = load_template(build_dir / "template.yaml")["Resources"]
    found = [
        measure(name, kinds[resource["Type"]], build_dir / name)
        for name, resource in resources.items()
        if resource["Type"] in kinds and (build_dir / name).is_dir()
    ]
    return sorted(found, key=lambda artifact: (artifact.kind != "layer", artifact.name))


def sam_build(build_dir: Path) -> None:
    print(f"sam build --build-dir {build_dir} ...", flush=True)
    subprocess.run(
        [SAM, "build", "--build-dir", str(build_dir)],
        cwd=ROOT,
        env={**os.environ, "SAM_CLI_TELEMETRY": "0"},
        check=True,
        capture_output=True,
    )


def report(found: list[Artifact]) -> float:
    """Prints the table; returns the shared layer's unzipped size over its target."""
    print(f"{'artifact':22}{'kind':>10}{'files':>8}{'zipped MB':>12}{'unzipped MB':>14}")
    for artifact in found:
        print(
            f"{artifact.name:22}{artifact.kind:>10}{artifact.files:>8}"
            f"{artifact.zipped / MB:>12.2f}{artifact.unzipped / MB:>14.2f}"
        )
    shared = next(artifact for artifact in found if artifact.name == SHARED_LAYER)
    ratio = shared.unzipped / MB / SHARED_LAYER_TARGET_MB
    print(
        f"\n{SHARED_LAYER} unzipped: {shared.unzipped / MB:.2f} MB = {ratio:.2f} of the "
        f"{SHARED_LAYER_TARGET_MB:.0f} MB target"
    )
    return ratio


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build-dir", type=Path, default=ROOT / ".aws-sam" / "build")
    parser.add_argument("--build", action="store_true", help="run sam build first, even if built")
    parser.add_argument("--json", help="also write the figures to this file (bookstore bench)")
    arguments = parser.parse_args()
    build_dir: Path = arguments.build_dir.resolve()
    if arguments.build or not (build_dir / "template.yaml").is_file():
        sam_build(build_dir)
    found = artifacts(build_dir)
    ratio = report(found)
    [layer] = [artifact for artifact in found if artifact.name == SHARED_LAYER]
    write_figures(
        arguments.json,
        [
            Figure(
                "shared layer, unzipped",
                layer.unzipped / MB,
                SHARED_LAYER_TARGET_MB,
                "the 45 MB target",
                "MB",
                1.0,
            )
        ],
    )
    if ratio > 1:
        sys.exit(1)


if __name__ == "__main__":
    main()
