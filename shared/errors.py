"""The one error hierarchy of the API. Raise these; `shared.http.error_handlers` renders them.

Every error body is `{"detail", "code", "field"?}` (see API.md).

The convention: every domain error is a subclass that declares its status (by its base), its code,
its default detail and, when one input field is at fault, its field, so it is raised bare
(`raise BookNotFoundError()`) and caught by class. A function's errors live in its `errors.py`;
errors that shared domain rules raise live in `shared/domain/errors.py`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from fastapi.encoders import jsonable_encoder
from pydantic import BaseModel, Field

from shared.http.schema_fields import not_nullable


class ErrorBody(BaseModel):
    detail: str | list[dict[str, Any]] = Field(
        description="What went wrong; for VALIDATION_ERROR, the list of validation errors"
    )
    code: str = Field(description="Machine-readable error code", examples=["BOOK_NOT_FOUND"])
    field: str | None = Field(
        default=None,
        description="The input field at fault, when exactly one is; absent otherwise",
        # Never null: left out when no single field is at fault.
        json_schema_extra=not_nullable,
    )


class AppError(Exception):
    status_code: ClassVar[int] = 500
    default_code: ClassVar[str] = "INTERNAL_ERROR"
    default_detail: ClassVar[str] = "Internal server error"
    default_field: ClassVar[str | None] = None
    default_headers: ClassVar[dict[str, str]] = {}

    def __init__(
        self,
        detail: str | None = None,
        *,
        code: str | None = None,
        field: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.detail = detail or self.default_detail
        super().__init__(self.detail)
        self.code = code or self.default_code
        self.field = field or self.default_field
        self.headers = {**self.default_headers, **(headers or {})}

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"detail": self.detail, "code": self.code}
        if self.field is not None:
            body["field"] = self.field
        return body


class UnauthorizedError(AppError):
    status_code = 401
    default_code = "AUTH_INVALID_TOKEN"
    default_detail = "Invalid access token"
    default_headers = {"WWW-Authenticate": "Bearer"}  # noqa: RUF012 - read-only class default


class ForbiddenError(AppError):
    status_code = 403
    default_code = "AUTH_FORBIDDEN"
    default_detail = "Forbidden"


class NotFoundError(AppError):
    status_code = 404
    default_code = "NOT_FOUND"
    default_detail = "Not found"


class ConflictError(AppError):
    status_code = 409
    default_code = "CONFLICT"
    default_detail = "Conflict"


class UnprocessableError(AppError):
    """A well-formed request that a domain rule refuses with 422 and a code of its own."""

    status_code = 422
    default_code = "UNPROCESSABLE"
    default_detail = "The request cannot be processed"


class TooManyRequestsError(AppError):
    """Too many attempts: the client may try again after `Retry-After` seconds."""

    status_code = 429
    default_code = "TOO_MANY_REQUESTS"
    default_detail = "Too many requests, try again later"


class ServiceUnavailableError(AppError):
    status_code = 503
    default_code = "SERVICE_UNAVAILABLE"
    default_detail = "The database is unavailable, try again shortly"
    default_headers = {"Retry-After": "5"}  # noqa: RUF012 - read-only class default


class InvalidInputError(AppError):
    """A 422, the one way input is refused: from a rule Pydantic cannot express (one field
    compared with another, a field needed only in some cases), and Pydantic's and FastAPI's own
    validation errors (`InvalidInputError.of`), all in Pydantic's error shape (`loc` starts with
    body, query, path or header), so clients parse one shape."""

    status_code = 422
    default_code = "VALIDATION_ERROR"

    def __init__(
        self, location: Sequence[str | int], message: str, *, error_type: str = "value_error"
    ) -> None:
        super().__init__(message)
        self.errors: list[dict[str, Any]] = [
            {"type": error_type, "loc": list(location), "msg": message}
        ]

    @classmethod
    def of(cls, errors: Sequence[Mapping[str, Any]]) -> InvalidInputError:
        """Pydantic-style errors, without what could echo a secret (the rejected input) or point
        at docs we do not own (the url), and with every value made JSON."""
        first = errors[0] if errors else {"loc": (), "msg": "Invalid input"}
        refusal = cls(first.get("loc", ()), str(first.get("msg", "Invalid input")))
        refusal.errors = jsonable_encoder(
            [{key: value for key, value in item.items() if key not in _HIDDEN} for item in errors]
        )
        return refusal

    def body(self) -> dict[str, Any]:
        return validation_error_body(self.errors)


_HIDDEN = frozenset({"input", "url"})


class InvalidCursorError(AppError):
    """A list's `cursor` this server did not write for that list (`shared.http.pagination`)."""

    status_code = 422
    default_code = "VALIDATION_ERROR"

    def __init__(self) -> None:
        super().__init__("Invalid cursor", field="cursor")


class UnsupportedMediaTypeError(AppError):
    """A body sent as something else than JSON (`shared.http.json_body`)."""

    status_code = 415
    default_code = "UNSUPPORTED_MEDIA_TYPE"
    default_detail = "The request body must be sent as Content-Type: application/json"


class PayloadTooLargeError(AppError):
    """A request body over `MAX_BODY_BYTES` (`shared.http.body_limit`)."""

    status_code = 413
    default_code = "PAYLOAD_TOO_LARGE"
    default_detail = "The request body is too large"


def validation_error_body(errors: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The 422 body for a list of Pydantic-style errors (`loc` starts with body/query/path/header)."""
    body: dict[str, Any] = {"detail": list(errors), "code": "VALIDATION_ERROR"}
    field = _single_field([item.get("loc", ()) for item in errors])
    if field is not None:
        body["field"] = field
    return body


def _single_field(locations: Sequence[Sequence[Any]]) -> str | None:
    """The field name when every error points at the same input field, else None."""
    fields = {_field_name(loc) for loc in locations}
    if len(fields) != 1:
        return None
    return fields.pop()


def _field_name(loc: Sequence[Any]) -> str | None:
    # loc starts with the source ("body", "query", "path", "header"); a bare position in the body
    # (malformed JSON) names no field.
    parts = [str(part) for part in loc[1:]]
    if not parts or not isinstance(loc[1], str):
        return None
    return ".".join(parts)


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses=` entries for a route's error statuses, all with the shared body."""
    return {status: {"model": ErrorBody} for status in statuses}
