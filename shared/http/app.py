"""Builds each function's FastAPI app the same way: docs under /<name>/, operation ids, errors,
middleware, and one reading of request bodies (`shared.http.json_body`)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, FastAPI
from fastapi.routing import APIRoute
from fastapi.telemetry import TelemetryConfig

from shared.errors import ErrorBody
from shared.http.body_limit import document_payload_too_large
from shared.http.error_handlers import install_error_handlers
from shared.http.json_body import (
    JSON_BODY_RULE,
    document_unsupported_media_type,
    require_json_content_type,
)
from shared.http.middleware import EdgeMiddleware
from shared.http.query_params import document_query_models
from shared.settings import env_flag
from shared.version import __version__

_COMMON_RESPONSES: dict[int | str, dict[str, object]] = {
    500: {"model": ErrorBody, "description": "Internal server error"},
}
_ERROR_BODY_CONTENT = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}
VALIDATION_ERROR_RESPONSE: dict[str, Any] = {
    "description": "Validation error: `detail` lists what is wrong, `field` names the one input "
    "at fault when there is one",
    "content": _ERROR_BODY_CONTENT,
}
DATABASE_UNAVAILABLE_RESPONSE: dict[str, Any] = {
    "description": "The database is unavailable or timed out (`SERVICE_UNAVAILABLE`, with "
    "`Retry-After`)",
    "content": _ERROR_BODY_CONTENT,
}
# `openapi_extra=NO_DATABASE` on a route that never touches the database (and so never answers
# 503); the mark itself is taken out of the document.
_DATABASE_MARK = "x-database"
NO_DATABASE: dict[str, Any] = {_DATABASE_MARK: False}
# FastAPI's own 422 body, which the error handlers never answer.
_FASTAPI_VALIDATION_SCHEMAS = ("HTTPValidationError", "ValidationError")


class _FunctionApp(FastAPI):
    # The routers `create_app` included: their routes, as declared, for the document.
    routers: tuple[APIRouter, ...] = ()

    def openapi(self) -> dict[str, Any]:
        # The 413, 415, 422 and 503 belong only on operations with a body, with inputs, or that touch
        # the database, which app-wide `responses=` cannot single out.
        if self.openapi_schema is None:
            openapi = super().openapi()
            document_query_models(
                [route for router in self.routers for route in router.routes], openapi
            )
            document_unsupported_media_type(openapi)
            document_payload_too_large(openapi)
            document_validation_errors(openapi)
            document_database_unavailable(openapi)
        return super().openapi()


def document_validation_errors(openapi: dict[str, Any]) -> None:
    """Every operation with parameters or a body can answer 422, in the shared error body."""
    for path_item in openapi.get("paths", {}).values():
        for operation in path_item.values():
            if operation.get("parameters") or "requestBody" in operation:
                operation["responses"]["422"] = VALIDATION_ERROR_RESPONSE
    schemas = openapi.get("components", {}).get("schemas", {})
    for name in _FASTAPI_VALIDATION_SCHEMAS:
        schemas.pop(name, None)


def document_database_unavailable(openapi: dict[str, Any]) -> None:
    """Every operation can answer 503 but those marked `openapi_extra=NO_DATABASE`."""
    for path_item in openapi.get("paths", {}).values():
        for operation in path_item.values():
            if operation.pop(_DATABASE_MARK, True):
                operation["responses"].setdefault("503", DATABASE_UNAVAILABLE_RESPONSE)


# FastAPI's own OpenTelemetry instrumentation otherwise asks the global providers, on every
# request, whether one has been set since. These functions trace through
# X-Ray and count through EMF lines; a deployment that adds an OpenTelemetry layer turns it on.
FASTAPI_TELEMETRY_VARIABLE = "FASTAPI_TELEMETRY"
_TELEMETRY_OFF: TelemetryConfig = {"tracing": False, "metrics": False, "logs": False}


def _telemetry() -> TelemetryConfig | None:
    """FastAPI's default (on, with whatever providers are set) with FASTAPI_TELEMETRY=true,
    else off."""
    return None if env_flag(FASTAPI_TELEMETRY_VARIABLE) else _TELEMETRY_OFF


_JSON_BODY_CHECK = Depends(require_json_content_type)


def _checking_json_bodies(router: APIRouter) -> APIRouter:
    """`require_json_content_type` on every route of `router` that reads a body, and only there:
    FastAPI solves an app-wide dependency on every request, which costs a read route time that
    buys nothing. Added before the router is included, which builds the
    routes the app serves."""
    for route in router.routes:
        if (
            isinstance(route, APIRoute)
            and route.body_field is not None
            and _JSON_BODY_CHECK not in route.dependencies
        ):
            route.dependencies.append(_JSON_BODY_CHECK)
    return router


def operation_id(route: APIRoute) -> str:
    """The endpoint's name in camelCase (`place_order` is `placeOrder`): short and readable for
    generated clients, and unique across the whole API as long as endpoint names are, which
    the merged document (`bookstore openapi`) checks."""
    first, *rest = route.name.split("_")
    return first + "".join(word.capitalize() for word in rest)


def create_app(
    name: str, *routers: APIRouter, title: str, description: str = "", version: str = __version__
) -> FastAPI:
    """`name` is the function's path prefix: its OpenAPI document is served at /<name>/openapi.json."""
    app = _FunctionApp(
        title=title,
        description=f"{description}\n\n{JSON_BODY_RULE}" if description else JSON_BODY_RULE,
        version=version,
        openapi_url=f"/{name}/openapi.json",
        docs_url=f"/{name}/docs",
        redoc_url=None,
        generate_unique_id_function=operation_id,
        responses=_COMMON_RESPONSES,
        # A body without a Content-Type is read as JSON rather than as bytes.
        strict_content_type=False,
        telemetry=_telemetry(),
    )
    for router in routers:
        app.include_router(_checking_json_bodies(router))
    app.routers = routers
    install_error_handlers(app)
    app.add_middleware(EdgeMiddleware)
    return app
