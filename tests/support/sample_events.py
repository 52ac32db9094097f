"""The committed sample events under events/, as `sam local invoke -e` would read them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

EVENTS_DIR = Path(__file__).resolve().parents[2] / "events"


def load_event(relative_path: str) -> dict[str, Any]:
    event: dict[str, Any] = json.loads((EVENTS_DIR / relative_path).read_text())
    return event


def event_files(function_dir: str) -> list[str]:
    return sorted(
        str(path.relative_to(EVENTS_DIR)) for path in (EVENTS_DIR / function_dir).glob("*.json")
    )
