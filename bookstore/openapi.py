"""One OpenAPI document for the whole API, merged from the documents the HTTP functions serve.

`bookstore openapi` writes it; the Health function serves the copy committed beside it
(`functions/health/openapi.json`) at `GET /openapi.json`, since merging there would import every
other function. The local runner merges what its function processes serve, so it follows edits.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Mapping
from copy import deepcopy
from typing import Any

from bookstore.cli import PROJECT_ROOT
from bookstore.template import Function, functions, http_routes, load_template
from shared.http.json_body import JSON_BODY_RULE

COMMITTED_DOCUMENT = PROJECT_ROOT / "functions" / "health" / "openapi.json"
REGENERATE = "uv run bookstore openapi --output functions/health/openapi.json"

TITLE = "Bookstore API"
DESCRIPTION = f"""Every route of the bookstore API. Each tag is one function (its own Lambda \
behind the one HTTP API), described there; each function also serves its own document at \
`/<name>/openapi.json`. Errors have one body, `ErrorBody`: `code` is stable and machine-readable, \
`detail` is for people, `field` names the one input at fault when there is one.

{JSON_BODY_RULE}"""


class DocumentConflict(ValueError):
    """Two functions' documents cannot be merged without one silently overwriting the other."""


def api_functions(template: Mapping[str, Any] | None = None) -> dict[str, Function]:
    """Every function that serves HttpApi routes, by the name it serves its own document under
    (`/<name>/openapi.json`, its POWERTOOLS_SERVICE_NAME), in the template's order."""
    template = load_template() if template is None else template
    serving = {route.function for route in http_routes(dict(template))}
    return {
        function.environment["POWERTOOLS_SERVICE_NAME"]: function
        for logical_id, function in functions(dict(template)).items()
        if logical_id in serving
    }


def function_documents() -> dict[str, dict[str, Any]]:
    """Each HTTP function's own document, built by importing its app in this process."""
    documents = {}
    for name, function in api_functions().items():
        module_name = function.handler.rpartition(".")[0]
        documents[name] = importlib.import_module(module_name).app.openapi()
    return documents


def api_document() -> dict[str, Any]:
    return merge(function_documents())


def render(document: Mapping[str, Any]) -> str:
    """The document as committed: indented, so that a change reads as a diff."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def merge(documents: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """The functions' documents (by function name, in the order given) as one.

    Paths and components are united; each operation is tagged with its function. Refuses
    (`DocumentConflict`) what would silently lose something: one operation or operationId in two
    functions, or one component name defined differently.
    """
    merged: dict[str, Any] = {
        "openapi": _same("openapi", {name: d["openapi"] for name, d in documents.items()}),
        "info": {
            "title": TITLE,
            "description": DESCRIPTION,
            "version": _same(
                "info.version", {n: d["info"]["version"] for n, d in documents.items()}
            ),
        },
        "tags": [
            {"name": name, "description": _own_description(document)}
            for name, document in documents.items()
        ],
        "paths": {},
        "components": {},
    }
    owners: dict[str, str] = {}
    for name, document in documents.items():
        for path, path_item in document.get("paths", {}).items():
            _add_operations(merged["paths"].setdefault(path, {}), path, path_item, name, owners)
        for section, components in document.get("components", {}).items():
            _add_components(
                merged["components"].setdefault(section, {}), section, components, name, owners
            )
    merged["components"] = {
        section: dict(sorted(components.items()))
        for section, components in merged["components"].items()
    }
    return merged


def _add_operations(
    merged_item: dict[str, Any],
    path: str,
    path_item: Mapping[str, Any],
    function: str,
    owners: dict[str, str],
) -> None:
    for method, operation in path_item.items():
        label = f"{method.upper()} {path}"
        if method in merged_item:
            raise DocumentConflict(f"{label} is in both {owners[label]} and {function}")
        owners[label] = function
        operation_id = operation.get("operationId")
        if operation_id is not None:
            key = f"operationId {operation_id}"
            if key in owners:
                raise DocumentConflict(
                    f"operationId {operation_id} names {owners[key]} and {label} ({function}): "
                    "rename one of the endpoint functions"
                )
            owners[key] = f"{label} ({function})"
        merged_item[method] = deepcopy(dict(operation)) | {"tags": [function]}


def _add_components(
    merged_section: dict[str, Any],
    section: str,
    components: Mapping[str, Any],
    function: str,
    owners: dict[str, str],
) -> None:
    for component_name, component in components.items():
        key = f"components/{section}/{component_name}"
        if component_name in merged_section:
            if merged_section[component_name] != component:
                raise DocumentConflict(
                    f"{key} is defined differently by {owners[key]} and {function}: rename one"
                )
            continue
        owners[key] = function
        merged_section[component_name] = deepcopy(component)


def _same(what: str, values: Mapping[str, Any]) -> Any:
    distinct = set(values.values())
    if len(distinct) != 1:
        raise DocumentConflict(f"the documents differ in {what}: {dict(values)}")
    return distinct.pop()


def _own_description(document: Mapping[str, Any]) -> str:
    """The function's description, less the body rule every function repeats (said once above)."""
    description: str = document["info"].get("description", "")
    return description.removesuffix(JSON_BODY_RULE).strip()
