"""Auth dependencies every function uses: `CurrentUser` for any signed-in user, `AdminUser` for admins."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from fastapi import Depends
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from shared.auth.principal import Principal
from shared.errors import ForbiddenError, UnauthorizedError
from shared.runtime.lazy import lazy_import

if TYPE_CHECKING:
    from shared.auth import tokens
else:
    # PyJWT imports `cryptography` (ES256) whole, about 70 ms of a cold start: loaded by the
    # first request that carries a token, not by routes that need none (the catalog's reads).
    tokens = lazy_import("shared.auth.tokens")

# auto_error=False: a missing header is our 401 with our body, not FastAPI's 403.
_bearer = HTTPBearer(auto_error=False, description="An access token from POST /auth/login")


# Dependencies are `async def` although they never await: FastAPI runs a plain `def` in a worker
# thread, and under Mangum each invocation ends its event loop's root task, so every request would
# start a new thread.
async def current_principal(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise UnauthorizedError("Missing or malformed bearer token", code="AUTH_INVALID_TOKEN")
    try:
        return tokens.decode_access_token(credentials.credentials)
    except tokens.ExpiredTokenError:
        raise UnauthorizedError("Access token expired", code="AUTH_TOKEN_EXPIRED") from None
    except tokens.InvalidTokenError:
        raise UnauthorizedError("Invalid access token", code="AUTH_INVALID_TOKEN") from None


async def admin_principal(principal: Annotated[Principal, Depends(current_principal)]) -> Principal:
    if not principal.is_admin:
        raise ForbiddenError("This route needs an admin", code="AUTH_FORBIDDEN")
    return principal


CurrentUser = Annotated[Principal, Depends(current_principal)]
AdminUser = Annotated[Principal, Depends(admin_principal)]
