"""`shared.runtime.lazy`: a module named by `lazy_import` runs on its first attribute read, or before a
SnapStart snapshot (`shared.runtime.warmup`). In a fresh interpreter each, since the test process has imported everything."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from shared.runtime.lazy import lazy_import
from shared.runtime.warmup import pending

ROOT = Path(__file__).resolve().parents[2]

NAMED_THEN_READ = """
import json, sys
from shared.runtime.lazy import lazy_import
from shared.runtime.warmup import pending

service = lazy_import("functions.cart.service")
steps = [{"ran": "functions.cart.repository" in sys.modules, "pending": pending("module")}]
import functions.cart
steps.append({"attribute_of_its_package": functions.cart.service is service})
service.get_cart
steps.append({"ran": "functions.cart.repository" in sys.modules, "pending": pending("module")})
print(json.dumps(steps))
"""

NAMED_THEN_PRELOADED = """
import json, sys
from shared.runtime.lazy import lazy_import
from shared.runtime.warmup import pending, prepare_everything

lazy_import("functions.cart.service")
lazy_import("functions.wishlist.service")
prepare_everything("module")
print(json.dumps({
    "ran": ["functions.cart.repository" in sys.modules, "functions.wishlist.repository" in sys.modules],
    "pending": pending("module"),
}))
"""


def fresh_interpreter(script: str) -> Any:
    completed = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={"PATH": "", "POWERTOOLS_TRACE_DISABLED": "true"},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(completed.stdout.strip().splitlines()[-1])


def test_a_lazily_named_module_runs_on_its_first_attribute_read_and_is_its_package_s_attribute() -> (
    None
):
    assert fresh_interpreter(NAMED_THEN_READ) == [
        {"ran": False, "pending": ["functions.cart.service"]},
        {"attribute_of_its_package": True},
        {"ran": True, "pending": []},
    ]


def test_preparing_the_modules_runs_every_module_named_so_far() -> None:
    assert fresh_interpreter(NAMED_THEN_PRELOADED) == {"ran": [True, True], "pending": []}


def test_a_module_that_does_not_exist_is_refused_at_once_and_not_remembered() -> None:
    with pytest.raises(ModuleNotFoundError, match=r"functions\.cart\.no_such_module"):
        lazy_import("functions.cart.no_such_module")

    # The SnapStart preload would otherwise look for it, and fail.
    assert "functions.cart.no_such_module" not in pending("module")
