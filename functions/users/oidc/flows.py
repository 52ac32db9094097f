"""The two ways a client signs in with a provider, each ending in the API's own token pair.

1. ID-token exchange: the client ran the provider's sign-in itself (an SDK, with a nonce of its
   own) and sends the ID token and that nonce.
2. The authorization code flow with PKCE, run by the API: `start` records the flow (state, nonce,
   PKCE verifier, the client's redirect URI) in PostgreSQL, where any Lambda environment finds
   it, and sends the browser to the provider; `finish` (the callback) takes that record once,
   exchanges the code, verifies the ID token and hands the client a one-time code (60 s) on its
   allow-listed redirect URI; `redeem` turns that code into the token pair, once.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import urllib.parse
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from functions.users import authentication
from functions.users.errors import InvalidSignInCodeError
from functions.users.oidc import provider as providers
from functions.users.oidc import repository
from functions.users.oidc.accounts import account_for
from functions.users.oidc.config import provider_named
from functions.users.schemas import TokenPair
from shared.db.models import User
from shared.domain.errors import AccountUnavailableError
from shared.errors import AppError, InvalidInputError
from shared.settings import get_settings

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

FLOW_LIFETIME = timedelta(minutes=10)
SIGN_IN_CODE_LIFETIME = timedelta(seconds=60)
SCOPES = "openid email profile"


async def sign_in_with_id_token(
    session: AsyncSession, *, provider_name: str, id_token: str, nonce: str
) -> TokenPair:
    provider = provider_named(provider_name)
    claims = providers.verify_id_token(provider, id_token, nonce=nonce)
    user = await account_for(session, provider, claims)
    return authentication.start_login(session, user=user)


async def start(
    session: AsyncSession,
    *,
    provider_name: str,
    redirect_uri: str,
    client_state: str | None,
    callback_url: str,
) -> str:
    """Where to send the browser: the provider's authorization endpoint, with this flow's state,
    nonce and PKCE challenge."""
    provider = provider_named(provider_name)
    if redirect_uri not in get_settings().oidc_redirect_uris:
        raise InvalidInputError(
            ("query", "redirect_uri"), "not a redirect URI this API may hand sign-ins to"
        )
    metadata = providers.metadata_of(provider)
    state, nonce, verifier = (secrets.token_urlsafe(32) for _ in range(3))
    await repository.add_authorization(
        session,
        state_hash=_digest(state),
        provider=provider.name,
        nonce=nonce,
        code_verifier=verifier,
        redirect_uri=redirect_uri,
        client_state=client_state,
        expires_at=datetime.now(UTC) + FLOW_LIFETIME,
    )
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    query = {
        "response_type": "code",
        "client_id": provider.client_id,
        "redirect_uri": callback_url,
        "scope": SCOPES,
        "state": state,
        "nonce": nonce,
        "code_challenge": challenge.decode().rstrip("="),
        "code_challenge_method": "S256",
    }
    return _with_query(metadata.authorization_endpoint, query)


async def finish(
    session: AsyncSession,
    *,
    provider_name: str,
    state: str,
    code: str | None,
    error: str | None,
    callback_url: str,
) -> str:
    """Where to send the browser back: the client's redirect URI with a one-time `code` (or an
    `error`, the API's error code or the provider's) and the client's own `state`."""
    provider = provider_named(provider_name)
    flow = await repository.take_authorization(
        session, state_hash=_digest(state), provider=provider.name
    )
    if flow is None:
        raise InvalidSignInCodeError("Unknown, used or expired sign-in state", field="state")
    back = _Back(flow["redirect_uri"], flow["client_state"])
    if error is not None or not code:
        return back.with_error(error or "access_denied")
    try:
        id_token = providers.exchange_code(
            provider, code=code, redirect_uri=callback_url, code_verifier=flow["code_verifier"]
        )
        claims = providers.verify_id_token(provider, id_token, nonce=flow["nonce"])
        user = await account_for(session, provider, claims)
    except AppError as failed:
        return back.with_error(failed.code)
    sign_in_code = secrets.token_urlsafe(32)
    await repository.add_login_code(
        session,
        code_hash=_digest(sign_in_code),
        provider=provider.name,
        user_id=user.id,
        expires_at=datetime.now(UTC) + SIGN_IN_CODE_LIFETIME,
    )
    return back.with_code(sign_in_code)


async def redeem(session: AsyncSession, *, provider_name: str, code: str) -> TokenPair:
    provider = provider_named(provider_name)
    user_id = await repository.take_login_code(
        session, code_hash=_digest(code), provider=provider.name
    )
    if user_id is None:
        raise InvalidSignInCodeError()
    user = await session.get(User, user_id)
    if user is None or not user.is_active:
        raise AccountUnavailableError()
    return authentication.start_login(session, user=user)


class _Back:
    def __init__(self, redirect_uri: str, client_state: str | None) -> None:
        self.redirect_uri = redirect_uri
        self.client_state = client_state

    def with_code(self, code: str) -> str:
        return self._with({"code": code})

    def with_error(self, error: str) -> str:
        return self._with({"error": error})

    def _with(self, values: dict[str, str]) -> str:
        if self.client_state is not None:
            values["state"] = self.client_state
        return _with_query(self.redirect_uri, values)


def _with_query(url: str, values: dict[str, str]) -> str:
    separator = "&" if urllib.parse.urlsplit(url).query else "?"
    return url + separator + urllib.parse.urlencode(values)


def _digest(value: str) -> bytes:
    return hashlib.sha256(value.encode()).digest()
