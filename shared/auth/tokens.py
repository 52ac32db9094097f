"""Access tokens: short-lived ES256 JWTs, signed by the Users function alone
(`shared.auth.token_keys`). The algorithm, issuer and audience are pinned on decode, and the key
is chosen by the token's `kid` among the published public keys only."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt

from shared.auth.principal import Principal
from shared.auth.roles import ROLES, Role
from shared.auth.token_keys import ALGORITHM, signing_key, verifying_keys
from shared.settings import Settings, get_settings

ISSUER = "bookstore"
AUDIENCE = "bookstore-api"
ACCESS = "access"

__all__ = [
    "ALGORITHM",
    "AUDIENCE",
    "ISSUER",
    "ExpiredTokenError",
    "InvalidTokenError",
    "Principal",
    "create_access_token",
    "decode_access_token",
]


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
    key = signing_key(settings)
    token = jwt.encode(claims, key.private_key, algorithm=ALGORITHM, headers={"kid": key.kid})
    return token, int(lifetime.total_seconds())


def decode_access_token(token: str, *, settings: Settings | None = None) -> Principal:
    settings = settings or get_settings()
    try:
        kid = jwt.get_unverified_header(token).get("kid")
        keys = verifying_keys(settings)
        if kid not in keys:
            # Signed with a key published since this process last read the keys?
            keys = verifying_keys(settings, refresh=True)
        if not isinstance(kid, str) or kid not in keys:
            raise InvalidTokenError("unknown signing key")
        claims = _decode(token, keys[kid])
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


def _decode(token: str, key: Any) -> dict[str, Any]:
    return jwt.decode(
        token,
        key,
        algorithms=[ALGORITHM],
        audience=AUDIENCE,
        issuer=ISSUER,
        options={"require": ["sub", "role", "type", "iat", "exp", "jti", "iss", "aud"]},
    )
