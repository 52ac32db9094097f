"""Builds each function's FastAPI app the same way: docs under /<name>/, errors, middleware, and
one reading of request bodies (`shared.json_body`)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, FastAPI

from shared.error_handlers import install_error_handlers
from shared.errors import ErrorBody
from shared.input_guard import InputGuardMiddleware
from shared.json_body import (
    JSON_BODY_RULE,
    document_unsupported_media_type,
    require_json_content_type,
)
from shared.middleware import (
    InvocationDeadlineMiddleware,
    RequestContextMiddleware,
    UnhandledErrorMiddleware,
)
from shared.version import __version__

_COMMON_RESPONSES: dict[int | str, dict[str, object]] = {
    422: {"model": ErrorBody, "description": "Validation error"},
    500: {"model": ErrorBody, "description": "Internal server error"},
    503: {"model": ErrorBody, "description": "Database unavailable"},
}


class _FunctionApp(FastAPI):
    def openapi(self) -> dict[str, Any]:
        # The 415 belongs only on operations with a body, which `responses=` cannot single out.
        if self.openapi_schema is None:
            document_unsupported_media_type(super().openapi())
        return super().openapi()


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
        responses=_COMMON_RESPONSES,
        # A body without a Content-Type is read as JSON rather than as bytes.
        strict_content_type=False,
        dependencies=[Depends(require_json_content_type)],
    )
    for router in routers:
        app.include_router(router)
    install_error_handlers(app)
    # Added last is outermost: request context wraps the 500 fallback so every answer has an id.
    app.add_middleware(InputGuardMiddleware)
    app.add_middleware(UnhandledErrorMiddleware)
    app.add_middleware(InvocationDeadlineMiddleware)
    app.add_middleware(RequestContextMiddleware)
    return app
