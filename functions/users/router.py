from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Annotated

from fastapi import APIRouter, Path, Response, status

from functions.users import reads
from functions.users.caller import CallerDep
from functions.users.schemas import (
    AccountPublic,
    PublicKeySet,
    RefreshRequest,
    TokenPair,
    UserLogin,
    UserPublic,
    UserRegister,
    UserRoleUpdate,
    UserUpdateMe,
)
from shared.auth.dependencies import AdminUser, CurrentUser
from shared.db.request_session import AccountSession, AdminSession, SignInSession
from shared.errors import error_responses
from shared.http.app import NO_DATABASE
from shared.http.pagination import Page, PageParamsDep
from shared.runtime.lazy import lazy_import
from shared.settings import get_settings

# Reads run on SQLAlchemy Core (`reads`); the modules of the write paths, which need the ORM, are
# imported by the first request that writes.
if TYPE_CHECKING:
    from functions.users import authentication, service
    from shared.auth import token_keys
else:
    authentication = lazy_import("functions.users.authentication")
    service = lazy_import("functions.users.service")
    token_keys = lazy_import("shared.auth.token_keys")

auth_router = APIRouter(prefix="/auth", tags=["auth"])
users_router = APIRouter(prefix="/users", tags=["users"])


# Token responses must not be cached by browsers or proxies (RFC 6749, section 5.1).
_NO_STORE = {"Cache-Control": "no-store"}


@auth_router.post(
    "/register",
    status_code=status.HTTP_201_CREATED,
    summary="Create a customer account",
    description="The email is trimmed and lower-cased, and unique regardless of case. An address "
    "that registered too often within the hour is refused with 429 `AUTH_TOO_MANY_ATTEMPTS` and "
    "`Retry-After`.",
    responses=error_responses(409, 429),
)
async def register(data: UserRegister, session: SignInSession, caller: CallerDep) -> UserPublic:
    return await service.register(session, data=data, caller=caller)


@auth_router.post(
    "/login",
    summary="Exchange email and password for a token pair",
    description="An unknown email and a wrong password get the same 401, in about the same time. "
    "A disabled account cannot log in. After too many consecutive failures for one email, or "
    "too many failures from one address, attempts are refused with 429 "
    "`AUTH_TOO_MANY_ATTEMPTS` and `Retry-After`, whatever the password.",
    responses=error_responses(401, 429),
)
async def login(
    data: UserLogin, session: SignInSession, caller: CallerDep, response: Response
) -> TokenPair:
    response.headers.update(_NO_STORE)
    return await authentication.login(
        session, email=data.email, password=data.password, caller=caller
    )


@auth_router.post(
    "/refresh",
    summary="Exchange a refresh token for a new token pair",
    description="The presented token is revoked and replaced. Presenting an already revoked "
    "token (a copy, or a second concurrent refresh of one token) revokes every token of that "
    "login, and the holder must log in again. An expired token is 401 `AUTH_TOKEN_EXPIRED`.",
    responses=error_responses(401),
)
async def refresh_tokens(
    data: RefreshRequest, session: SignInSession, response: Response
) -> TokenPair:
    response.headers.update(_NO_STORE)
    return await authentication.refresh(session, refresh_token=data.refresh_token)


@auth_router.post(
    "/logout",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="End the login this refresh token belongs to",
    description="Revokes the token and every token of the same login. Answers 204 even for an "
    "unknown or already revoked token. Access tokens stay valid until they expire.",
)
async def logout(data: RefreshRequest, session: SignInSession) -> Response:
    await authentication.logout(session, refresh_token=data.refresh_token)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@auth_router.get(
    "/jwks.json",
    summary="The public keys that verify access tokens (JWKS)",
    description="Access tokens are ES256 JWTs whose header names their key (`kid`). Other "
    "services verify them with these keys, checking `iss` `bookstore` and `aud` "
    "`bookstore-api`. Cache it for minutes; read it again on an unknown `kid`.",
    openapi_extra=NO_DATABASE,
)
async def jwks(response: Response) -> PublicKeySet:
    response.headers["Cache-Control"] = "public, max-age=300"
    return PublicKeySet.model_validate(token_keys.public_jwks(get_settings()))


@users_router.get("/me", summary="The caller's account", responses=error_responses(401))
async def get_me(principal: CurrentUser) -> AccountPublic:
    return await reads.current_account(principal=principal)


@users_router.patch(
    "/me",
    summary="Change the caller's name or password",
    description="A new `password` needs `current_password` (422 when missing, 401 "
    "`AUTH_INVALID_CREDENTIALS` when wrong), unless the account has none yet (made by signing "
    "in with a provider), and revokes every refresh token of the account. Fields left out are "
    "unchanged; `null` is refused.",
    responses=error_responses(401),
)
async def update_me(
    principal: CurrentUser, data: UserUpdateMe, session: AccountSession
) -> AccountPublic:
    return await service.update_me(session, principal=principal, data=data)


@users_router.get(
    "",
    summary="Every account, oldest first (admin)",
    responses=error_responses(401, 403),
)
async def list_users(principal: AdminUser, params: PageParamsDep) -> Page[UserPublic]:
    return await reads.list_users(page=params)


@users_router.patch(
    "/{user_id}",
    summary="Change an account's role (admin)",
    description="A role change takes effect at the account's next login or refresh; access "
    "tokens already issued keep their role until they expire. An admin may demote themselves; "
    "`bookstore create-admin` restores an admin.",
    responses=error_responses(401, 403, 404),
)
async def set_user_role(
    principal: AdminUser,
    user_id: Annotated[uuid.UUID, Path(description="The user's id")],
    data: UserRoleUpdate,
    session: AdminSession,
) -> UserPublic:
    return await service.set_role(session, user_id=user_id, role=data.role, by=principal)
