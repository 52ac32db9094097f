"""Access tokens: short-lived HS256 JWTs. The algorithm, issuer and audience are pinned on decode."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt

from shared.auth.roles import ROLES, Role
from shared.auth.signing_key import previous_signing_key, signing_key
from shared.settings import Settings, get_settings

ALGORITHM = "HS256"
ISSUER = "bookstore"
AUDIENCE = "bookstore-api"
ACCESS = "access"


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling, as the access token says; no database round trip needed."""

    user_id: uuid.UUID
    role: Role

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


class InvalidTokenError(Exception):
    pass


class ExpiredTokenError(InvalidTokenError):
    pass


def create_access_token(
    user_id: uuid.UUID, role: Role, *, settings: Settings | None = None, now: datetime | None = None
) -> tuple[str, int]:
    """The token and its lifetime in seconds."""
    settings = settings or get_settings()
    issued = now or datetime.now(UTC)
    lifetime = timedelta(minutes=settings.access_token_expire_minutes)
    claims = {
        "sub": str(user_id),
        "role": role,
        "type": ACCESS,
        "iat": issued,
        "exp": issued + lifetime,
        "jti": uuid.uuid4().hex,
        "iss": ISSUER,
        "aud": AUDIENCE,
    }
    return jwt.encode(claims, signing_key(settings), algorithm=ALGORITHM), int(
        lifetime.total_seconds()
    )


def decode_access_token(token: str, *, settings: Settings | None = None) -> Principal:
    settings = settings or get_settings()
    try:
        try:
            claims = _decode(token, signing_key(settings))
        except jwt.InvalidSignatureError:
            # Signed before the key rotated? The previous key verifies during its grace period.
            previous = previous_signing_key(settings)
            if previous is None:
                raise
            claims = _decode(token, previous)
    except jwt.ExpiredSignatureError as error:
        raise ExpiredTokenError("token expired") from error
    except jwt.PyJWTError as error:
        raise InvalidTokenError("invalid token") from error
    if claims.get("type") != ACCESS or claims.get("role") not in ROLES:
        raise InvalidTokenError("not an access token")
    try:
        user_id = uuid.UUID(str(claims["sub"]))
    except ValueError as error:
        raise InvalidTokenError("invalid subject") from error
    return Principal(user_id=user_id, role=claims["role"])


def _decode(token: str, key: str) -> dict[str, Any]:
    return jwt.decode(
        token,
        key,
        algorithms=[ALGORITHM],
        audience=AUDIENCE,
        issuer=ISSUER,
        options={"require": ["sub", "role", "type", "iat", "exp", "jti", "iss", "aud"]},
    )
