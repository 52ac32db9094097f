"""The documentation says what the code does, and points only at files the repository holds.

`docs/api.md` follows one convention these tests read:

- its `## Routes` table has one row per route, `` | `METHOD /path` | function | auth | statuses | ``,
  the statuses being every one the route answers but the 500 any route may;
- each route also has a section headed `` ### `METHOD /path` ``;
- its `## Error codes` table has one row per code, `` | `CODE` | status | when | ``.

The routes are compared with the OpenAPI documents of the functions themselves
(`functions/<name>/app.py`), on paths, methods and response statuses only.
"""

from __future__ import annotations

import ast
import importlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI

from shared.errors import AppError

ROOT = Path(__file__).resolve().parents[1]
API_DOC = ROOT / "docs" / "api.md"
DOCUMENTS = sorted(
    [
        ROOT / "README.md",
        ROOT / "CONTRIBUTING.md",
        ROOT / "bench" / "RESULTS.md",
        *(ROOT / "docs").glob("*.md"),
    ]
)

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
# Any route may answer it; the table leaves it out.
ANY_ROUTE_STATUS = 500
AUTH_VALUES = ("none", "user", "admin")

_ROUTE_ROW = re.compile(
    r"^\|\s*`(?P<method>[A-Z]+) (?P<path>/\S*)`\s*\|\s*(?P<function>[a-z]+)\s*\|"
    r"\s*(?P<auth>[a-z]+)\s*\|\s*(?P<statuses>[0-9]{3}(?:, [0-9]{3})*)\s*\|$"
)
_ROUTE_HEADING = re.compile(r"^### `(?P<method>[A-Z]+) (?P<path>/\S*)`$")
_CODE_ROW = re.compile(r"^\|\s*`(?P<code>[A-Z][A-Z0-9_]*)`\s*\|\s*(?P<status>[0-9]{3})\s*\|")
_INLINE_LINK = re.compile(r"!?\[[^\]]*\]\((?P<target>[^)\s]+)(?:\s+\"[^\"]*\")?\)")
_REFERENCE_LINK = re.compile(r"^\s*\[[^\]]+\]:\s*(?P<target>\S+)", re.MULTILINE)
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


@dataclass(frozen=True, slots=True)
class DocumentedRoute:
    function: str
    auth: str
    statuses: frozenset[int]


@dataclass(frozen=True, slots=True)
class Operation:
    function: str
    secured: bool
    statuses: frozenset[int]


type RouteKey = tuple[str, str]


def section(text: str, heading: str) -> list[str]:
    """The lines under the `## heading` of `text`, up to the next heading of that level."""
    lines = text.splitlines()
    start = lines.index(f"## {heading}") + 1
    end = next((i for i in range(start, len(lines)) if lines[i].startswith("## ")), len(lines))
    return lines[start:end]


def table_rows(lines: list[str]) -> list[str]:
    """The body rows of the tables among `lines`: header and separator rows left out."""
    rows: list[str] = []
    previous = ""
    for line in lines:
        is_row = line.startswith("|")
        if is_row and previous and not re.fullmatch(r"\|[-| :]+\|", line):
            rows.append(line)
        previous = line if is_row else ""
    return rows


@cache
def documented_routes() -> dict[RouteKey, DocumentedRoute]:
    routes: dict[RouteKey, DocumentedRoute] = {}
    for row in table_rows(section(API_DOC.read_text(), "Routes")):
        match = _ROUTE_ROW.match(row)
        assert match is not None, f"a row of the route table that breaks its convention: {row}"
        key = (match["method"], match["path"])
        assert key not in routes, f"{key} has two rows"
        routes[key] = DocumentedRoute(
            function=match["function"],
            auth=match["auth"],
            statuses=frozenset(int(status) for status in match["statuses"].split(", ")),
        )
    return routes


def documented_codes() -> dict[str, int]:
    codes: dict[str, int] = {}
    for row in table_rows(section(API_DOC.read_text(), "Error codes")):
        match = _CODE_ROW.match(row)
        assert match is not None, f"a row of the error code table that breaks its convention: {row}"
        codes[match["code"]] = int(match["status"])
    return codes


def function_apps() -> Iterator[tuple[str, FastAPI]]:
    """Every function that serves HTTP: a folder of `functions/` whose `app` module has an `app`."""
    for folder in sorted((ROOT / "functions").iterdir()):
        if not (folder / "app.py").is_file():
            continue
        app = getattr(importlib.import_module(f"functions.{folder.name}.app"), "app", None)
        if isinstance(app, FastAPI):
            yield folder.name, app


def is_docs_route(path: str) -> bool:
    """FastAPI's own pages (the OpenAPI document and the interactive docs), not API routes."""
    return path.endswith(("/openapi.json", "/docs", "/docs/oauth2-redirect"))


@cache
def openapi_operations() -> dict[RouteKey, Operation]:
    operations: dict[RouteKey, Operation] = {}
    for name, app in function_apps():
        document: dict[str, Any] = app.openapi()
        for path, path_item in document["paths"].items():
            if is_docs_route(path):
                continue
            for method, operation in path_item.items():
                if method not in HTTP_METHODS:
                    continue
                key = (method.upper(), path)
                assert key not in operations, f"{key} is served by two functions"
                operations[key] = Operation(
                    function=name,
                    secured=bool(operation.get("security")),
                    statuses=frozenset(
                        int(status) for status in operation["responses"] if status.isdigit()
                    ),
                )
    return operations


def error_classes() -> list[type[AppError]]:
    """Every error class of the functions and the shared layer, once their modules are loaded."""
    for module in (ROOT / "functions").glob("*/errors.py"):
        importlib.import_module(f"functions.{module.parent.name}.errors")
    for name in ("shared.domain.errors", "shared.http.json_body", "shared.http.pagination"):
        importlib.import_module(name)
    found: list[type[AppError]] = []
    pending = [AppError]
    while pending:
        cls = pending.pop()
        found.append(cls)
        pending.extend(cls.__subclasses__())
    return [cls for cls in found if cls.__module__.startswith(("shared.", "functions."))]


def string_constants(*roots: Path) -> set[str]:
    constants: set[str] = set()
    for root in roots:
        for source in root.rglob("*.py"):
            for node in ast.walk(ast.parse(source.read_text())):
                if isinstance(node, ast.Constant) and isinstance(node.value, str):
                    constants.add(node.value)
    return constants


def declared_codes(*sources: Path) -> set[str]:
    """The codes `sources` give their errors: `default_code = "..."` and `code="..."`."""
    codes: set[str] = set()
    for source in sources:
        for node in ast.walk(ast.parse(source.read_text())):
            declares = (
                isinstance(node, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == "default_code" for t in node.targets)
            ) or (isinstance(node, ast.keyword) and node.arg == "code")
            value = getattr(node, "value", None)
            if declares and isinstance(value, ast.Constant) and isinstance(value.value, str):
                codes.add(value.value)
    return codes


def test_every_route_of_the_functions_is_in_the_route_table_and_no_other() -> None:
    documented, served = set(documented_routes()), set(openapi_operations())

    assert sorted(served - documented) == [], "routes missing from docs/api.md"
    assert sorted(documented - served) == [], "routes in docs/api.md that no function serves"


def test_each_documented_route_answers_the_statuses_its_openapi_document_gives() -> None:
    operations = openapi_operations()
    differences: dict[str, tuple[list[int], list[int]]] = {}
    for (method, path), route in documented_routes().items():
        served = operations[method, path].statuses if (method, path) in operations else None
        if served is not None and route.statuses | {ANY_ROUTE_STATUS} != served:
            documented = sorted(route.statuses)
            differences[f"{method} {path}"] = (documented, sorted(served - {ANY_ROUTE_STATUS}))

    assert differences == {}, "documented statuses, then the OpenAPI document's"


def test_each_documented_route_is_served_by_the_function_the_table_names() -> None:
    operations = openapi_operations()
    wrong = {
        f"{method} {path}": (route.function, operations[method, path].function)
        for (method, path), route in documented_routes().items()
        if (method, path) in operations and route.function != operations[method, path].function
    }

    assert wrong == {}


def test_the_auth_column_says_which_routes_need_a_token_and_which_an_admin() -> None:
    operations = openapi_operations()
    for (method, path), route in documented_routes().items():
        assert route.auth in AUTH_VALUES, f"{method} {path}: auth is one of {AUTH_VALUES}"
        if (method, path) not in operations:
            continue
        operation = operations[method, path]
        assert (route.auth != "none") == operation.secured, f"{method} {path}"
        # Only an admin route refuses a signed-in caller: its customers.
        assert (route.auth == "admin") == (403 in operation.statuses), f"{method} {path}"


def test_every_route_in_the_table_has_a_section_and_every_section_a_row() -> None:
    headings = [
        (match["method"], match["path"])
        for line in API_DOC.read_text().splitlines()
        if (match := _ROUTE_HEADING.match(line))
    ]

    assert len(headings) == len(set(headings)), "a route with two sections"
    assert sorted(headings) == sorted(documented_routes())


def test_every_documented_error_code_is_one_the_code_answers() -> None:
    in_code = string_constants(ROOT / "shared", ROOT / "functions")

    assert sorted(set(documented_codes()) - in_code) == []


def test_each_documented_error_code_has_the_status_of_the_errors_that_declare_it() -> None:
    documented = documented_codes()
    wrong = {
        f"{cls.__module__}.{cls.__name__}": (documented[cls.default_code], cls.status_code)
        for cls in error_classes()
        if cls.default_code in documented and documented[cls.default_code] != cls.status_code
    }

    assert wrong == {}, "documented status, then the error's"


def test_every_error_code_a_function_or_a_shared_domain_rule_declares_is_documented() -> None:
    sources = [*(ROOT / "functions").rglob("*.py"), ROOT / "shared" / "domain" / "errors.py"]
    declared = declared_codes(*sources)

    assert declared, "no codes found: the way errors declare them has changed"
    assert sorted(declared - set(documented_codes())) == []


# --- links -----------------------------------------------------------------------------------


def without_fences(text: str) -> str:
    """`text` without its fenced code blocks, where `#` and brackets are not Markdown."""
    return re.sub(r"^```.*?^```", "", text, flags=re.MULTILINE | re.DOTALL)


def without_code(text: str) -> str:
    """`text` without fenced code blocks and inline code, where brackets are not links."""
    return re.sub(r"`[^`\n]*`", "", without_fences(text))


def anchors(document: Path) -> set[str]:
    """The fragment of every heading of `document`, as GitHub makes them."""
    seen: dict[str, int] = {}
    found: set[str] = set()
    for line in without_fences(document.read_text()).splitlines():
        heading = re.match(r"^#{1,6} (.+)$", line)
        if heading is None:
            continue
        text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading[1]).replace("`", "")
        slug = re.sub(r"[^\w\- ]", "", text.strip().lower()).replace(" ", "-")
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        found.add(slug if count == 0 else f"{slug}-{count}")
    return found


def links(document: Path) -> list[str]:
    text = without_code(document.read_text())
    return [
        match["target"]
        for pattern in (_INLINE_LINK, _REFERENCE_LINK)
        for match in pattern.finditer(text)
    ]


@pytest.mark.parametrize(
    "document", DOCUMENTS, ids=[str(path.relative_to(ROOT)) for path in DOCUMENTS]
)
def test_every_relative_link_resolves_to_a_file_inside_the_repository(document: Path) -> None:
    broken: list[str] = []
    for target in links(document):
        if _SCHEME.match(target):
            continue  # a URL, checked by nobody here
        path, _, fragment = target.partition("#")
        linked = (document.parent / path).resolve() if path else document
        if not linked.is_relative_to(ROOT):
            broken.append(f"{target}: outside the repository")
        elif not linked.exists():
            broken.append(f"{target}: no such file")
        elif fragment and linked.suffix == ".md" and fragment not in anchors(linked):
            broken.append(f"{target}: no such heading")

    assert broken == []


def test_the_documentation_index_links_every_page_of_docs() -> None:
    index = ROOT / "docs" / "README.md"
    linked = {(index.parent / target.partition("#")[0]).resolve() for target in links(index)}
    pages = {page.resolve() for page in (ROOT / "docs").glob("*.md") if page != index}

    assert sorted(str(page.relative_to(ROOT)) for page in pages - linked) == []
