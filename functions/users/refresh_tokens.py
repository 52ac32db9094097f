"""Opaque refresh tokens: 256 random bits for the client, only their SHA-256 in the database.

Opaque rather than JWT: a refresh token is only ever checked against its stored row (to rotate and
revoke it), so a signature would add length and nothing else.
"""

from __future__ import annotations

import hashlib
import secrets

TOKEN_BYTES = 32


def new_refresh_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_digest(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()
