"""API Gateway HTTP API route selection: exact paths beat path variables, which beat greedy
variables; an explicit method beats ANY; `$default` catches whatever no route matched."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bookstore.template import Route

_VARIABLE = re.compile(r"^\{([A-Za-z0-9_]+)(\+?)\}$")


@dataclass(frozen=True)
class Match:
    route: Route
    path_parameters: dict[str, str]


@dataclass(frozen=True)
class _CompiledRoute:
    route: Route
    pattern: re.Pattern[str]
    names: tuple[str, ...]
    rank: tuple[int, int, int]


def _compile(route: Route) -> _CompiledRoute:
    parts, names = [], []
    variables = greedy = 0
    for segment in route.path.strip("/").split("/"):
        variable = _VARIABLE.match(segment)
        if variable is None:
            parts.append(re.escape(segment))
            continue
        names.append(variable.group(1))
        if variable.group(2):
            greedy += 1
            parts.append("(.+)")
        else:
            variables += 1
            parts.append("([^/]+)")
    pattern = re.compile("^/" + "/".join(parts) + "$")
    return _CompiledRoute(route, pattern, tuple(names), (greedy, variables, route.method == "ANY"))


class Router:
    def __init__(self, routes: list[Route]) -> None:
        self._default = next((r for r in routes if r.path == "$default"), None)
        self._routes = sorted(
            (_compile(r) for r in routes if r.path != "$default"), key=lambda c: c.rank
        )

    def match(self, method: str, path: str) -> Match | None:
        for compiled in self._routes:
            if compiled.route.method not in ("ANY", method.upper()):
                continue
            found = compiled.pattern.match(path)
            if found:
                return Match(compiled.route, dict(zip(compiled.names, found.groups(), strict=True)))
        return Match(self._default, {}) if self._default else None
