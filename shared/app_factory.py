"""Builds each function's FastAPI app the same way: docs under /<name>/, errors, middleware."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI

from shared.error_handlers import install_error_handlers
from shared.errors import ErrorBody
from shared.middleware import RequestContextMiddleware, UnhandledErrorMiddleware
from shared.version import __version__

_COMMON_RESPONSES: dict[int | str, dict[str, object]] = {
    422: {"model": ErrorBody, "description": "Validation error"},
    500: {"model": ErrorBody, "description": "Internal server error"},
    503: {"model": ErrorBody, "description": "Database unavailable"},
}


def create_app(
    name: str, *routers: APIRouter, title: str, description: str = "", version: str = __version__
) -> FastAPI:
    """`name` is the function's path prefix: its OpenAPI document is served at /<name>/openapi.json."""
    app = FastAPI(
        title=title,
        description=description,
        version=version,
        openapi_url=f"/{name}/openapi.json",
        docs_url=f"/{name}/docs",
        redoc_url=None,
        responses=_COMMON_RESPONSES,
    )
    for router in routers:
        app.include_router(router)
    install_error_handlers(app)
    # Added last is outermost: request context wraps the 500 fallback so every answer has an id.
    app.add_middleware(UnhandledErrorMiddleware)
    app.add_middleware(RequestContextMiddleware)
    return app
