"""A provider's metadata and keys, its ID tokens verified, and its token endpoint.

PyJWT does the cryptography and the claim checks (it is already how this API signs its own
tokens); its `PyJWKClient` fetches and caches the provider's JWKS, and fetches it again once when
a token names a key id it does not know (a rotation at the provider). The metadata comes from the
issuer's `/.well-known/openid-configuration`, cached for an hour.

Calls to the provider block for at most `HTTP_TIMEOUT_SECONDS`: a Lambda environment serves one
request at a time, so nothing else waits on its loop meanwhile.
"""

from __future__ import annotations

import base64
import hmac
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

import jwt

from functions.users.errors import InvalidIdTokenError, ProviderUnavailableError
from functions.users.oidc.config import Provider
from shared.observability.log import logger

HTTP_TIMEOUT_SECONDS = 3.0
METADATA_TTL_SECONDS = 3600.0
JWKS_TTL_SECONDS = 3600
# Clock skew allowed on exp, iat and nbf, between the provider's clock and ours.
LEEWAY_SECONDS = 60
# Only asymmetric algorithms: a provider's token is never signed with a secret we share, and
# never unsigned, whatever its header or the provider's metadata says.
ASYMMETRIC_ALGORITHMS = frozenset(
    {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}
)
REQUIRED_CLAIMS = ["iss", "sub", "aud", "exp", "iat"]


@dataclass(frozen=True, slots=True)
class Metadata:
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    algorithms: tuple[str, ...]


@dataclass(slots=True)
class _Cached:
    metadata: Metadata
    keys: jwt.PyJWKClient
    fetched_at: float


_cache: dict[str, _Cached] = {}
_cache_lock = threading.Lock()


def metadata_of(provider: Provider) -> Metadata:
    return _cached(provider).metadata


def verify_id_token(provider: Provider, id_token: str, *, nonce: str) -> dict[str, Any]:
    """The token's claims, once its signature (a key of the provider's JWKS, an algorithm the
    provider announces), issuer, audience (and authorized party), lifetime and nonce hold.
    Anything else is 401; a provider that cannot be reached is 503."""
    cached = _cached(provider)
    try:
        kid = jwt.get_unverified_header(id_token).get("kid")
    except jwt.DecodeError as error:
        raise _refused(provider, error) from error
    try:
        claims = _decode(provider, cached, id_token, _signing_key(provider, cached, kid))
    except jwt.InvalidSignatureError as error:
        if kid is not None:
            raise _refused(provider, error) from error
        # No key id to notice a rotation by: fetch the keys again once, as for an unknown id.
        try:
            claims = _decode(
                provider, cached, id_token, _signing_key(provider, cached, None, refresh=True)
            )
        except jwt.InvalidTokenError as again:
            raise _refused(provider, again) from again
    except jwt.InvalidTokenError as error:
        raise _refused(provider, error) from error
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    authorized_party = claims.get("azp")
    if (len(audiences) > 1 or authorized_party is not None) and authorized_party != (
        provider.client_id
    ):
        raise _refused(provider, ValueError("azp is not our client id"))
    token_nonce = claims.get("nonce")
    if not isinstance(token_nonce, str) or not hmac.compare_digest(
        token_nonce.encode(), nonce.encode()
    ):
        raise _refused(provider, ValueError("nonce does not match"))
    return claims


def _signing_key(provider: Provider, cached: _Cached, kid: object, *, refresh: bool = False) -> Any:
    """The key of `kid` (a key id the cached JWKS lacks fetches it again, once), or, for a token
    without one, the provider's only key."""
    try:
        if isinstance(kid, str):
            return cached.keys.get_signing_key(kid).key
        keys = cached.keys.get_signing_keys(refresh=refresh)
    except jwt.PyJWKClientConnectionError as error:
        raise _unreachable(provider, error) from error
    except jwt.PyJWKClientError as error:
        raise _refused(provider, error) from error
    if len(keys) != 1:
        raise _refused(provider, ValueError("a token without a key id, and several keys"))
    return keys[0].key


def _decode(provider: Provider, cached: _Cached, id_token: str, key: Any) -> dict[str, Any]:
    claims: dict[str, Any] = jwt.decode(
        id_token,
        key=key,
        algorithms=list(cached.metadata.algorithms),
        audience=provider.client_id,
        issuer=provider.issuer,
        leeway=LEEWAY_SECONDS,
        options={"require": REQUIRED_CLAIMS},
    )
    return claims


def exchange_code(provider: Provider, *, code: str, redirect_uri: str, code_verifier: str) -> str:
    """The ID token the provider's token endpoint answers for an authorization code (with the
    PKCE verifier, authenticated with the client secret by HTTP Basic)."""
    secret = provider.secret()
    if secret is None:
        raise ValueError(f"OIDC provider {provider.name!r} has no client secret for the code flow")
    body = urllib.parse.urlencode(
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "code_verifier": code_verifier,
        }
    ).encode()
    credentials = ":".join(
        urllib.parse.quote(part, safe="") for part in (provider.client_id, secret)
    )
    request = urllib.request.Request(  # noqa: S310 - the configured https (or dev http) issuer's
        metadata_of(provider).token_endpoint,
        data=body,
        headers={
            "Authorization": "Basic " + base64.b64encode(credentials.encode()).decode(),
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/json",
        },
    )
    try:
        answer = _read_json(request)
    except urllib.error.HTTPError as error:
        # 400 invalid_grant: a used, expired or forged code; the client's problem, not an outage.
        if 400 <= error.code < 500:
            raise _refused(provider, error) from error
        raise _unreachable(provider, error) from error
    except (OSError, ValueError) as error:
        raise _unreachable(provider, error) from error
    id_token = answer.get("id_token")
    if not isinstance(id_token, str):
        raise _refused(provider, ValueError("the token endpoint answered no id_token"))
    return id_token


def forget_providers() -> None:
    """Drop the cached metadata and keys (tests; a process starts with none)."""
    with _cache_lock:
        _cache.clear()


def _cached(provider: Provider) -> _Cached:
    with _cache_lock:
        cached = _cache.get(provider.name)
        if cached is not None and time.monotonic() - cached.fetched_at < METADATA_TTL_SECONDS:
            return cached
    metadata = _discover(provider)
    fresh = _Cached(
        metadata=metadata,
        keys=jwt.PyJWKClient(
            metadata.jwks_uri,
            cache_keys=True,
            lifespan=JWKS_TTL_SECONDS,
            timeout=int(HTTP_TIMEOUT_SECONDS),
        ),
        fetched_at=time.monotonic(),
    )
    with _cache_lock:
        _cache[provider.name] = fresh
    return fresh


def _discover(provider: Provider) -> Metadata:
    url = provider.issuer + "/.well-known/openid-configuration"
    try:
        document = _read_json(urllib.request.Request(url, headers={"Accept": "application/json"}))  # noqa: S310
    except (OSError, ValueError) as error:
        raise _unreachable(provider, error) from error
    if document.get("issuer", "").rstrip("/") != provider.issuer:
        # The discovery document must name the issuer it was fetched for (OIDC Discovery 4.3).
        raise _unreachable(
            provider, ValueError(f"metadata names issuer {document.get('issuer')!r}")
        )
    announced = document.get("id_token_signing_alg_values_supported") or ["RS256"]
    algorithms = tuple(alg for alg in announced if alg in ASYMMETRIC_ALGORITHMS)
    if not algorithms:
        raise _unreachable(provider, ValueError(f"no asymmetric algorithm in {announced!r}"))
    return Metadata(
        authorization_endpoint=str(document["authorization_endpoint"]),
        token_endpoint=str(document["token_endpoint"]),
        jwks_uri=str(document["jwks_uri"]),
        algorithms=algorithms,
    )


def _read_json(request: urllib.request.Request) -> dict[str, Any]:
    with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT_SECONDS) as response:  # noqa: S310
        document = json.loads(response.read())
    if not isinstance(document, dict):
        raise ValueError("not a JSON object")
    return document


def _refused(provider: Provider, error: Exception) -> InvalidIdTokenError:
    logger.info("OIDC token refused", provider=provider.name, reason=str(error)[:200])
    return InvalidIdTokenError()


def _unreachable(provider: Provider, error: Exception) -> ProviderUnavailableError:
    logger.warning("OIDC provider unreachable", provider=provider.name, error=str(error)[:200])
    return ProviderUnavailableError()
