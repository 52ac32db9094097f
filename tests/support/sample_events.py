"""The committed sample events under events/, as `sam local invoke -e` would read them, and the
way they are made: with `bookstore.events.http_api_event`, fixed ids and times, and placeholders
in angle brackets (`<access-token>`) to replace with real values before use."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bookstore.events import http_api_event

EVENTS_DIR = Path(__file__).resolve().parents[2] / "events"


def load_event(relative_path: str) -> dict[str, Any]:
    event: dict[str, Any] = json.loads((EVENTS_DIR / relative_path).read_text())
    return event


def event_files(function_dir: str) -> list[str]:
    return sorted(
        str(path.relative_to(EVENTS_DIR)) for path in (EVENTS_DIR / function_dir).glob("*.json")
    )


def sample_http_event(
    method: str,
    path: str,
    *,
    body: dict[str, Any] | None = None,
    token: str | None = None,
    headers: dict[str, str] | None = None,
    route: str | None = None,
    query: dict[str, str] | None = None,
    path_parameters: dict[str, str] | None = None,
) -> dict[str, Any]:
    """A payload-2.0 event with fixed ids and times, so regenerating changes nothing unless the
    events do. `route` is the route's path with its variables, when it has any."""
    all_headers = {"user-agent": "sample-event", **(headers or {})}
    if body is not None:
        all_headers["content-type"] = "application/json"
    if token is not None:
        all_headers["authorization"] = f"Bearer {token}"
    event = http_api_event(
        method,
        path,
        query=query,
        headers=all_headers,
        body=None if body is None else json.dumps(body),
        route_key=f"{method} {route or path}",
        path_parameters=path_parameters,
    )
    event["requestContext"].update(
        requestId="00000000-0000-4000-8000-000000000000",
        time="22/Nov/2026:07:00:00 +0000",
        timeEpoch=1795330800000,
    )
    return event


def write_events(directory: Path, events: dict[str, dict[str, Any]]) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for name, event in events.items():
        (directory / f"{name}.json").write_text(json.dumps(event, indent=2) + "\n")


def filled_in(directory: Path, name: str, values: dict[str, str]) -> dict[str, Any]:
    """The committed event `name`, its placeholders replaced by `values`."""
    raw = (directory / f"{name}.json").read_text()
    for placeholder, value in values.items():
        raw = raw.replace(placeholder, value)
    event: dict[str, Any] = json.loads(raw)
    return event


def stale_events(directory: Path, generated: dict[str, dict[str, Any]]) -> list[str]:
    """Names whose committed file differs from the generated event, or exists on one side only."""
    committed = {path.stem for path in directory.glob("*.json")}
    return sorted(
        name
        for name in committed | set(generated)
        if name not in committed
        or name not in generated
        or json.loads((directory / f"{name}.json").read_text()) != generated[name]
    )
