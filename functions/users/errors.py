"""The Users function's domain errors (codes from API.md)."""

from __future__ import annotations

from fastapi.exceptions import RequestValidationError

from shared.errors import ConflictError, NotFoundError, UnauthorizedError


def invalid_credentials() -> UnauthorizedError:
    return UnauthorizedError("Invalid email or password", code="AUTH_INVALID_CREDENTIALS")


def wrong_current_password() -> UnauthorizedError:
    return UnauthorizedError(
        "The current password is wrong", code="AUTH_INVALID_CREDENTIALS", field="current_password"
    )


def invalid_refresh_token() -> UnauthorizedError:
    return UnauthorizedError("Invalid refresh token", code="AUTH_INVALID_TOKEN")


def expired_refresh_token() -> UnauthorizedError:
    return UnauthorizedError("Refresh token expired", code="AUTH_TOKEN_EXPIRED")


def account_unavailable() -> UnauthorizedError:
    return UnauthorizedError(
        "The account of this token no longer exists or is disabled", code="AUTH_INVALID_TOKEN"
    )


def email_taken() -> ConflictError:
    return ConflictError(
        "An account with this email already exists", code="AUTH_EMAIL_TAKEN", field="email"
    )


def user_not_found() -> NotFoundError:
    return NotFoundError("User not found", code="USER_NOT_FOUND", field="user_id")


def current_password_missing() -> RequestValidationError:
    """Rendered like any other validation error, so clients parse one 422 shape."""
    return RequestValidationError(
        [
            {
                "type": "missing",
                "loc": ("body", "current_password"),
                "msg": "Field required to change the password",
            }
        ]
    )
