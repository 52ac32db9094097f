"""Sign-in with an OpenID Connect provider: /auth/oidc/{provider}*.

Every route first finds the provider: one that is not configured is 404
`AUTH_PROVIDER_NOT_FOUND` whatever else the request holds.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response, status
from fastapi.responses import RedirectResponse

from functions.users.oidc.config import Provider, provider_named
from functions.users.oidc.schemas import IdTokenExchange, SignInCodeExchange
from functions.users.schemas import TokenPair
from shared.db.request_session import SignInSession
from shared.errors import error_responses
from shared.runtime.lazy import lazy_import

if TYPE_CHECKING:
    from functions.users.oidc import flows
else:
    # The protocol's modules load on the first sign-in, not at the function's start.
    flows = lazy_import("functions.users.oidc.flows")

oidc_router = APIRouter(prefix="/auth/oidc", tags=["auth"])

_NO_STORE = {"Cache-Control": "no-store"}
_REDIRECT: dict[int | str, dict[str, Any]] = {
    status.HTTP_302_FOUND: {"description": "Redirect (the `Location` header)"}
}


def configured_provider(
    provider: Annotated[
        str,
        Path(
            description="The provider's name, as configured in OIDC_PROVIDERS (lower case)",
            max_length=32,
        ),
    ],
) -> Provider:
    return provider_named(provider)


ProviderDep = Annotated[Provider, Depends(configured_provider)]


@oidc_router.post(
    "/{provider}",
    summary="Exchange a provider's ID token for a token pair",
    description="For clients that run the provider's sign-in themselves (its SDK) with a nonce "
    "of their own. The token must be signed by the provider, for this API's client id, unexpired "
    "and carry that nonce (401 `AUTH_INVALID_TOKEN` otherwise). The first sign-in makes a "
    "customer account, or links the password account with the same email, only when the "
    "provider vouches for the email (409 `AUTH_EMAIL_NOT_VERIFIED` otherwise). 503 when the "
    "provider cannot be reached.",
    responses=error_responses(401, 404, 409, 503),
)
async def sign_in_with_id_token(
    provider: ProviderDep, data: IdTokenExchange, session: SignInSession, response: Response
) -> TokenPair:
    response.headers.update(_NO_STORE)
    return await flows.sign_in_with_id_token(
        session, provider_name=provider.name, id_token=data.id_token, nonce=data.nonce
    )


@oidc_router.get(
    "/{provider}/authorize",
    status_code=status.HTTP_302_FOUND,
    response_class=RedirectResponse,
    summary="Start signing in with a provider (authorization code flow with PKCE)",
    description="Redirects the browser to the provider. Once the person signed in there, the "
    "callback redirects to `redirect_uri` (one of the API's allowed ones, `OIDC_REDIRECT_URIS`) "
    "with a one-time `code` for `POST /auth/oidc/{provider}/token`, or an `error`, and the "
    "client's `state` when it sent one.",
    responses={**_REDIRECT, **error_responses(404, 422, 503)},
)
async def start_sign_in(
    provider: ProviderDep,
    request: Request,
    session: SignInSession,
    redirect_uri: Annotated[
        str, Query(max_length=2048, description="Where to hand the sign-in back (allow-listed)")
    ],
    state: Annotated[
        str | None,
        Query(max_length=512, description="The client's own value, handed back unchanged"),
    ] = None,
) -> RedirectResponse:
    location = await flows.start(
        session,
        provider_name=provider.name,
        redirect_uri=redirect_uri,
        client_state=state,
        callback_url=_callback_url(request, provider),
    )
    return RedirectResponse(location, status_code=status.HTTP_302_FOUND, headers=_NO_STORE)


@oidc_router.get(
    "/{provider}/callback",
    status_code=status.HTTP_302_FOUND,
    response_class=RedirectResponse,
    summary="Where the provider sends the browser back (not for clients)",
    description="Takes the flow its `state` started (once; 401 `AUTH_INVALID_TOKEN` for an "
    "unknown, used or expired one), exchanges the code and verifies the ID token, then "
    "redirects to the client's `redirect_uri` with a one-time `code` (valid 60 s), or with "
    "`error`: the API's error code (`AUTH_INVALID_TOKEN`, `AUTH_EMAIL_NOT_VERIFIED`, "
    "`SERVICE_UNAVAILABLE`) or the provider's.",
    responses={**_REDIRECT, **error_responses(401, 404, 422)},
)
async def finish_sign_in(
    provider: ProviderDep,
    request: Request,
    session: SignInSession,
    state: Annotated[str, Query(max_length=512)],
    code: Annotated[str | None, Query(max_length=4096)] = None,
    error: Annotated[str | None, Query(max_length=256)] = None,
) -> RedirectResponse:
    location = await flows.finish(
        session,
        provider_name=provider.name,
        state=state,
        code=code,
        error=error,
        callback_url=_callback_url(request, provider),
    )
    return RedirectResponse(location, status_code=status.HTTP_302_FOUND, headers=_NO_STORE)


@oidc_router.post(
    "/{provider}/token",
    summary="Exchange the callback's one-time code for a token pair",
    description="Each code works once, within 60 s of the sign-in (401 `AUTH_INVALID_TOKEN` "
    "otherwise).",
    responses=error_responses(401, 404),
)
async def redeem_sign_in_code(
    provider: ProviderDep, data: SignInCodeExchange, session: SignInSession, response: Response
) -> TokenPair:
    response.headers.update(_NO_STORE)
    return await flows.redeem(session, provider_name=provider.name, code=data.code)


def _callback_url(request: Request, provider: Provider) -> str:
    # The URL the provider must have registered for this API, from the host the request came to.
    return str(request.url_for("finish_sign_in", provider=provider.name))
