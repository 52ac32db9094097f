"""Access tokens the shared auth dependency must not let in: every one is 401 with
`WWW-Authenticate: Bearer`.

The attacks run against a probe function built like every function (`tests.shared.probe_app`),
through its real Lambda handler. The dependency decodes the token without a database round trip,
so none is needed here; what only the Users function can refuse is tested in `tests/users`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from shared.auth.token_keys import signing_key
from shared.auth.tokens import ALGORITHM, AUDIENCE, ISSUER, create_access_token
from shared.settings import get_settings
from tests.shared.probe_app import ADMIN_PATH, ME_PATH, handler
from tests.support.lambda_client import LambdaClient


def claims_for(user_id: str, **overrides: Any) -> dict[str, Any]:
    now = datetime.now(UTC)
    claims: dict[str, Any] = {
        "sub": user_id,
        "role": "customer",
        "type": "access",
        "iat": now,
        "exp": now + timedelta(minutes=5),
        "jti": uuid.uuid4().hex,
        "iss": ISSUER,
        "aud": AUDIENCE,
    }
    claims.update(overrides)
    return {name: value for name, value in claims.items() if value is not None}


def signed(claims: dict[str, Any]) -> str:
    """Signed as the Users function signs: ES256 with its private key, naming the key."""
    key = signing_key(get_settings())
    return jwt.encode(claims, key.private_key, algorithm=ALGORITHM, headers={"kid": key.kid})


def our_kid() -> str:
    return signing_key(get_settings()).kid


def our_public_pem() -> bytes:
    return (
        signing_key(get_settings())
        .private_key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )


def hmac_signed(claims: dict[str, Any], secret: bytes, algorithm: str = "HS256") -> str:
    """HMAC-signed by hand: PyJWT refuses to use a public key as an HMAC secret, an attacker
    does not."""
    digest = {"HS256": hashlib.sha256, "HS384": hashlib.sha384, "HS512": hashlib.sha512}[algorithm]
    header = b64({"alg": algorithm, "typ": "JWT", "kid": our_kid()})
    payload = b64(
        {**claims, "iat": int(claims["iat"].timestamp()), "exp": int(claims["exp"].timestamp())}
    )
    signature = hmac.new(secret, f"{header}.{payload}".encode(), digest).digest()
    return f"{header}.{payload}.{base64.urlsafe_b64encode(signature).rstrip(b'=').decode()}"


def b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data, default=str).encode()).rstrip(b"=").decode()


def unsigned(claims: dict[str, Any], **header: str) -> str:
    payload = {
        **claims,
        "iat": int(claims["iat"].timestamp()),
        "exp": int(claims["exp"].timestamp()),
    }
    return f"{b64({'alg': 'none', 'typ': 'JWT', **header})}.{b64(payload)}."


def assert_rejected(
    client: LambdaClient, token: str, code: str = "AUTH_INVALID_TOKEN", path: str = ME_PATH
) -> None:
    response = client.get(path, token=token)
    assert response.status_code == 401, response.body
    assert response.json()["code"] == code
    assert response.headers["www-authenticate"] == "Bearer"


@pytest.fixture
def client() -> LambdaClient:
    return LambdaClient(handler)


@pytest.fixture
def user_id() -> str:
    return str(uuid.uuid4())


def test_a_well_formed_token_of_our_own_gets_in_as_its_principal(
    client: LambdaClient, user_id: str
) -> None:
    response = client.get(ME_PATH, token=signed(claims_for(user_id)))

    assert response.status_code == 200, response.body
    assert response.json() == {"user_id": user_id, "role": "customer"}


def test_an_admin_token_gets_into_the_admin_route(client: LambdaClient, user_id: str) -> None:
    response = client.get(ADMIN_PATH, token=signed(claims_for(user_id, role="admin")))

    assert response.status_code == 200, response.body
    assert response.json() == {"user_id": user_id, "role": "admin"}


def test_a_customer_token_on_the_admin_route_is_403_forbidden(
    client: LambdaClient, user_id: str
) -> None:
    response = client.get(ADMIN_PATH, token=signed(claims_for(user_id)))

    assert response.status_code == 403, response.body
    assert response.json() == {"detail": "This route needs an admin", "code": "AUTH_FORBIDDEN"}


def test_tokens_are_es256_and_name_their_key(client: LambdaClient, user_id: str) -> None:
    token, _ = create_access_token(uuid.UUID(user_id), "customer")

    assert jwt.get_unverified_header(token) == {"alg": "ES256", "typ": "JWT", "kid": our_kid()}
    assert client.get(ME_PATH, token=token).status_code == 200


def test_an_unsigned_alg_none_token_is_401(client: LambdaClient, user_id: str) -> None:
    assert_rejected(client, unsigned(claims_for(user_id)))
    assert_rejected(client, unsigned(claims_for(user_id), kid=our_kid()))


@pytest.mark.parametrize("algorithm", ["HS256", "HS384", "HS512"])
def test_a_token_hmac_signed_with_our_public_key_as_the_secret_is_401(
    client: LambdaClient, user_id: str, algorithm: str
) -> None:
    assert_rejected(client, hmac_signed(claims_for(user_id), our_public_pem(), algorithm))


def test_a_token_hmac_signed_with_the_secret_key_as_tokens_once_were_is_401(
    client: LambdaClient, user_id: str
) -> None:
    secret = get_settings().secret_key.get_secret_value().encode()
    assert_rejected(client, hmac_signed(claims_for(user_id), secret))


def test_a_token_signed_with_an_rsa_key_is_401(client: LambdaClient, user_id: str) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = jwt.encode(claims_for(user_id), key, algorithm="RS256", headers={"kid": our_kid()})
    assert_rejected(client, forged)


@pytest.mark.parametrize("kid", ["ours", "its-own", "none"])
def test_a_token_signed_with_another_p256_key_is_401(
    client: LambdaClient, user_id: str, kid: str
) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    headers = {"ours": {"kid": our_kid()}, "its-own": {"kid": "attacker"}, "none": {}}[kid]
    forged = jwt.encode(claims_for(user_id), key, algorithm="ES256", headers=headers)
    assert_rejected(client, forged)


def test_a_token_with_a_payload_tampered_to_admin_is_401_on_the_admin_route(
    client: LambdaClient, user_id: str
) -> None:
    header, _, signature = signed(claims_for(user_id)).split(".")
    escalated = claims_for(user_id, role="admin")
    payload = {
        **escalated,
        "iat": int(escalated["iat"].timestamp()),
        "exp": int(escalated["exp"].timestamp()),
    }

    assert_rejected(client, f"{header}.{b64(payload)}.{signature}", path=ADMIN_PATH)


def test_a_token_for_another_audience_is_401(client: LambdaClient, user_id: str) -> None:
    assert_rejected(client, signed(claims_for(user_id, aud="some-other-api")))


def test_a_token_from_another_issuer_is_401(client: LambdaClient, user_id: str) -> None:
    assert_rejected(client, signed(claims_for(user_id, iss="someone-else")))


def test_an_opaque_string_like_a_refresh_token_used_as_an_access_token_is_401(
    client: LambdaClient,
) -> None:
    # Shaped like the Users function's refresh tokens: 32 random bytes, URL-safe base64.
    assert_rejected(client, secrets.token_urlsafe(32))


def test_a_signed_jwt_of_type_refresh_used_as_an_access_token_is_401(
    client: LambdaClient, user_id: str
) -> None:
    assert_rejected(client, signed(claims_for(user_id, type="refresh")))


@pytest.mark.parametrize("claim", ["sub", "role", "type", "iat", "exp", "jti", "iss", "aud"])
def test_a_token_missing_a_required_claim_is_401(
    client: LambdaClient, user_id: str, claim: str
) -> None:
    assert_rejected(client, signed(claims_for(user_id, **{claim: None})))


def test_a_token_with_an_unknown_role_is_401(client: LambdaClient, user_id: str) -> None:
    assert_rejected(client, signed(claims_for(user_id, role="superuser")))


def test_an_expired_token_is_401_token_expired(client: LambdaClient, user_id: str) -> None:
    issued = datetime.now(UTC) - timedelta(hours=1)
    token, _ = create_access_token(uuid.UUID(user_id), "customer", now=issued)
    assert_rejected(client, token, code="AUTH_TOKEN_EXPIRED")


@pytest.mark.parametrize(
    "authorization",
    ["", "Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Token abc", "Bearer not.a.jwt", "bearer"],
)
def test_a_missing_or_malformed_authorization_header_is_401(
    client: LambdaClient, authorization: str
) -> None:
    headers = {"authorization": authorization} if authorization else {}
    response = client.get(ME_PATH, headers=headers)

    assert response.status_code == 401
    assert response.json()["code"] == "AUTH_INVALID_TOKEN"
    assert response.headers["www-authenticate"] == "Bearer"
