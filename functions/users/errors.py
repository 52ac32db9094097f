"""The Users function's domain errors (codes from API.md)."""

from __future__ import annotations

import math

from shared.errors import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
    ServiceUnavailableError,
    TooManyRequestsError,
    UnauthorizedError,
)


class InvalidCredentialsError(UnauthorizedError):
    default_code = "AUTH_INVALID_CREDENTIALS"
    default_detail = "Invalid email or password"


class WrongCurrentPasswordError(UnauthorizedError):
    default_code = "AUTH_INVALID_CREDENTIALS"
    default_detail = "The current password is wrong"
    default_field = "current_password"


class InvalidRefreshTokenError(UnauthorizedError):
    default_code = "AUTH_INVALID_TOKEN"
    default_detail = "Invalid refresh token"


class ExpiredRefreshTokenError(UnauthorizedError):
    default_code = "AUTH_TOKEN_EXPIRED"
    default_detail = "Refresh token expired"


class EmailTakenError(ConflictError):
    default_code = "AUTH_EMAIL_TAKEN"
    default_detail = "An account with this email already exists"
    default_field = "email"


class UserNotFoundError(NotFoundError):
    default_code = "USER_NOT_FOUND"
    default_detail = "User not found"
    default_field = "user_id"


class CurrentPasswordMissingError(InvalidInputError):
    def __init__(self) -> None:
        super().__init__(
            ("body", "current_password"),
            "Field required to change the password",
            error_type="missing",
        )


class ProviderNotFoundError(NotFoundError):
    default_code = "AUTH_PROVIDER_NOT_FOUND"
    default_detail = "No sign-in provider of this name is configured"
    default_field = "provider"


class InvalidIdTokenError(UnauthorizedError):
    default_code = "AUTH_INVALID_TOKEN"
    default_detail = "The provider's token could not be verified"


class InvalidSignInCodeError(UnauthorizedError):
    default_code = "AUTH_INVALID_TOKEN"
    default_detail = "Unknown, used or expired sign-in code"
    default_field = "code"


class EmailNotVerifiedError(ConflictError):
    default_code = "AUTH_EMAIL_NOT_VERIFIED"
    default_detail = (
        "The provider does not vouch for this email: verify it with the provider, or sign in "
        "with a password"
    )


class ProviderUnavailableError(ServiceUnavailableError):
    default_detail = "The sign-in provider cannot be reached, try again shortly"


class TooManyAttemptsError(TooManyRequestsError):
    """A login or registration refused by `functions.users.throttling`, before any password hash."""

    default_code = "AUTH_TOO_MANY_ATTEMPTS"
    default_detail = "Too many attempts, try again later"

    def __init__(self, retry_after_seconds: float) -> None:
        super().__init__(headers={"Retry-After": str(max(1, math.ceil(retry_after_seconds)))})
