"""Exception handlers that turn every failure into the API.md error shape."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException
from starlette.routing import Match

from shared.db.faults import DatabaseUnavailableError, unavailable_reason
from shared.errors import AppError, InvalidInputError, ServiceUnavailableError
from shared.http.json_body import undecodable_body_error
from shared.observability.log import logger

_HTTP_CODES = {
    400: "BAD_REQUEST",
    401: "AUTH_INVALID_TOKEN",
    403: "AUTH_FORBIDDEN",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    406: "NOT_ACCEPTABLE",
    413: "PAYLOAD_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
}
_DATABASE_UNAVAILABLE = ServiceUnavailableError()
_INTERNAL_ERROR = AppError()


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(AppError, _app_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(SQLAlchemyError, _database_error)
    app.add_exception_handler(DatabaseUnavailableError, _database_error)


def render(error: AppError) -> JSONResponse:
    return JSONResponse(error.body(), status_code=error.status_code, headers=error.headers)


async def _app_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, AppError)
    return render(error)


async def _validation_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    return render(InvalidInputError.of(error.errors()))


async def _http_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, HTTPException)
    if (invalid_body := undecodable_body_error(error)) is not None:
        return render(invalid_body)
    code = _HTTP_CODES.get(error.status_code, f"HTTP_{error.status_code}")
    detail = error.detail if isinstance(error.detail, str) else str(error.detail)
    headers = dict(error.headers or {})
    if error.status_code == 405:
        headers["Allow"] = ", ".join(_methods_of_path(request))
    return JSONResponse(
        {"detail": detail, "code": code}, status_code=error.status_code, headers=headers
    )


def _methods_of_path(request: Request) -> list[str]:
    """Every method some route serves at the request's path: Starlette's own 405 names only the
    first route's (`PATCH /books/{id}` is one route, `GET /books/{id}` another)."""
    methods: set[str] = set()
    routes = list(request.app.router.routes)
    while routes:
        route = routes.pop()
        included = getattr(route, "original_router", None)  # FastAPI's record of include_router
        if included is not None:
            routes.extend(included.routes)
            continue
        match, _ = route.matches(request.scope)
        if match is not Match.NONE:
            methods |= getattr(route, "methods", None) or set()
    return sorted(methods)


async def _database_error(request: Request, error: Exception) -> JSONResponse:
    reason = unavailable_reason(error)
    if reason is not None:
        logger.warning("database unavailable", reason=reason, error=type(error).__name__)
        return render(_DATABASE_UNAVAILABLE)
    logger.exception("unhandled error")
    return render(_INTERNAL_ERROR)
