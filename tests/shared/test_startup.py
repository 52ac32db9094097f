"""A function's imports run with the garbage collector paused, and what they made is frozen."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
import textwrap

import pytest

from shared.runtime.startup import collector_paused
from tests.support.handlers import HANDLERS

PROBE = textwrap.dedent(
    """
    import gc, importlib, json, sys
    imports = []
    sys.addaudithook(
        lambda event, args: imports.append((args[0], gc.isenabled())) if event == "import" else None
    )
    importlib.import_module(sys.argv[1])
    first_paused = next(i for i, (_, on) in enumerate(imports) if not on)
    print(json.dumps({
        "imported_while_paused": [name for name, on in imports[first_paused:] if not on],
        "imported_with_collector_on_later": [name for name, on in imports[first_paused:] if on],
        "enabled_after": gc.isenabled(),
        "frozen": gc.get_freeze_count(),
    }))
    """
)


@pytest.mark.parametrize("module", [f"functions.{name}.app" for name in HANDLERS])
def test_a_function_imports_everything_with_the_collector_paused_then_freezes_and_resumes(
    module: str,
) -> None:
    completed = subprocess.run(
        [sys.executable, "-c", PROBE, module], capture_output=True, text=True, check=True
    )
    result = json.loads(completed.stdout.strip().splitlines()[-1])
    paused = set(result["imported_while_paused"])
    assert {"fastapi", "sqlalchemy", "asyncpg", module.replace(".app", ".router")} <= paused
    assert result["imported_with_collector_on_later"] == []
    assert result["enabled_after"] is True
    assert result["frozen"] > 10_000


def test_a_collector_that_was_off_stays_off() -> None:
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
        gc.unfreeze()
