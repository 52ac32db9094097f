"""Reads template.yaml: which functions exist, their handlers, the HttpApi routes they serve, and
the HttpApi's CORS configuration."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

TEMPLATE_PATH = Path(__file__).resolve().parents[1] / "template.yaml"


class _CloudFormationLoader(yaml.SafeLoader):
    """Accepts the short intrinsic-function tags (!Ref, !Sub, ...), keeping them as plain values."""


def _intrinsic(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    return {f"Fn::{suffix}" if suffix != "Ref" else "Ref": value}


_CloudFormationLoader.add_multi_constructor("!", _intrinsic)


@dataclass(frozen=True)
class Route:
    function: str
    method: str  # upper case, or ANY
    path: str  # "/books/{book_id}", "/books/{proxy+}" or "$default"

    @property
    def route_key(self) -> str:
        return "$default" if self.path == "$default" else f"{self.method} {self.path}"


@dataclass(frozen=True)
class Function:
    logical_id: str
    handler: str
    timeout: float
    # Only the literal values: parameters and other intrinsics resolve in AWS, not here.
    environment: dict[str, str] = field(default_factory=dict)


def load_template(path: Path = TEMPLATE_PATH) -> dict[str, Any]:
    template: dict[str, Any] = yaml.load(path.read_text(), Loader=_CloudFormationLoader)  # noqa: S506 - SafeLoader subclass
    return template


def functions(template: dict[str, Any]) -> dict[str, Function]:
    global_properties = template.get("Globals", {}).get("Function", {})
    default_timeout = global_properties.get("Timeout", 3)
    found = {}
    for logical_id, resource in template["Resources"].items():
        if resource["Type"] != "AWS::Serverless::Function":
            continue
        properties = resource["Properties"]
        found[logical_id] = Function(
            logical_id=logical_id,
            handler=properties["Handler"],
            timeout=float(properties.get("Timeout", default_timeout)),
            environment=_literal_variables(global_properties) | _literal_variables(properties),
        )
    return found


def _literal_variables(properties: dict[str, Any]) -> dict[str, str]:
    variables = (properties.get("Environment") or {}).get("Variables") or {}
    return {name: str(value) for name, value in variables.items() if not isinstance(value, dict)}


def http_routes(template: dict[str, Any]) -> list[Route]:
    routes = []
    for logical_id, resource in template["Resources"].items():
        if resource["Type"] != "AWS::Serverless::Function":
            continue
        for event in (resource["Properties"].get("Events") or {}).values():
            if event["Type"] == "HttpApi":
                properties = event["Properties"]
                routes.append(
                    Route(logical_id, properties.get("Method", "ANY").upper(), properties["Path"])
                )
    return routes


def http_api_cors(template: dict[str, Any]) -> dict[str, Any] | None:
    """The HttpApi's CorsConfiguration as it reads when its condition holds, else None.

    Its values stay as written: AllowOrigins names a stack parameter, resolved only in AWS.
    """
    for resource in template["Resources"].values():
        if resource["Type"] == "AWS::Serverless::HttpApi":
            return _when_configured((resource.get("Properties") or {}).get("CorsConfiguration"))
    return None


def _when_configured(value: Any) -> dict[str, Any] | None:
    if isinstance(value, dict) and "Fn::If" in value:
        _, when_true, when_false = value["Fn::If"]
        branches = (_when_configured(when_true), _when_configured(when_false))
        return next((branch for branch in branches if branch is not None), None)
    if isinstance(value, dict) and value != {"Ref": "AWS::NoValue"}:
        return value
    return None
