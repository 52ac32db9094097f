"""The one error hierarchy of the API. Raise these; `shared.error_handlers` renders them.

Every error body is `{"detail", "code", "field"?}` (see API.md).
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, Field


class ErrorBody(BaseModel):
    detail: str | list[dict[str, Any]] = Field(
        description="What went wrong; for VALIDATION_ERROR, the list of validation errors"
    )
    code: str = Field(description="Machine-readable error code", examples=["BOOK_NOT_FOUND"])
    field: str | None = Field(
        default=None, description="The input field at fault, when exactly one is"
    )


class AppError(Exception):
    status_code: ClassVar[int] = 500
    default_code: ClassVar[str] = "INTERNAL_ERROR"
    default_headers: ClassVar[dict[str, str]] = {}

    def __init__(
        self,
        detail: str,
        *,
        code: str | None = None,
        field: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.code = code or self.default_code
        self.field = field
        self.headers = {**self.default_headers, **(headers or {})}

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"detail": self.detail, "code": self.code}
        if self.field is not None:
            body["field"] = self.field
        return body


class UnauthorizedError(AppError):
    status_code = 401
    default_code = "AUTH_INVALID_TOKEN"
    default_headers = {"WWW-Authenticate": "Bearer"}  # noqa: RUF012 - read-only class default


class ForbiddenError(AppError):
    status_code = 403
    default_code = "AUTH_FORBIDDEN"


class NotFoundError(AppError):
    status_code = 404
    default_code = "NOT_FOUND"


class ConflictError(AppError):
    status_code = 409
    default_code = "CONFLICT"


class ServiceUnavailableError(AppError):
    status_code = 503
    default_code = "SERVICE_UNAVAILABLE"
    default_headers = {"Retry-After": "5"}  # noqa: RUF012 - read-only class default


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses=` entries for a route's error statuses, all with the shared body."""
    return {status: {"model": ErrorBody} for status in statuses}
