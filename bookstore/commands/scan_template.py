"""`bookstore scan-template`: checkov over template.yaml as CloudFormation deploys it."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from bookstore.cli import PROJECT_ROOT

# Pinned: a new checkov release may add checks, which should fail a change, not a random CI run.
CHECKOV = "checkov==3.3.30"
CONFIG = PROJECT_ROOT / ".checkov.yaml"


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "scan-template",
        help="scan the stack for security and reliability findings (checkov)",
        description=f"Translates template.yaml with AWS's SAM translator, as CloudFormation "
        f"would, and runs {CHECKOV} over the result (through uvx, in an environment of its "
        "own) with the project's .checkov.yaml. Checks the project skips are skipped where "
        "they apply, each with its reason: in template.yaml's Metadata, or in .checkov.yaml "
        "for those that apply to every resource of a type. Exits non-zero on any finding.",
    )
    parser.set_defaults(handler=run)


def run(arguments: Any) -> int:
    from bookstore.sam_translation import translated_template

    uvx = shutil.which("uvx")
    if uvx is None:
        print("scan-template needs uvx (it comes with uv: https://docs.astral.sh/uv/)")
        return 2
    with tempfile.TemporaryDirectory(prefix="bookstore-scan-") as folder:
        translated = Path(folder) / "template.json"
        translated.write_text(json.dumps(translated_template(), indent=1))
        command = [uvx, CHECKOV, "--config-file", str(CONFIG), "--file", str(translated)]
        return subprocess.run(command, check=False).returncode  # noqa: S603 - a pinned checkov
