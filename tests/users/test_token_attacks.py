"""Access tokens that must not get in: every one is 401 with `WWW-Authenticate: Bearer`."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from shared.auth.tokens import ALGORITHM, AUDIENCE, ISSUER, create_access_token
from shared.settings import get_settings
from tests.support.lambda_client import LambdaClient
from tests.users.helpers import signed_up


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


def signed(claims: dict[str, Any], algorithm: str = ALGORITHM) -> str:
    return jwt.encode(claims, get_settings().secret_key.get_secret_value(), algorithm=algorithm)


def b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data, default=str).encode()).rstrip(b"=").decode()


def unsigned(claims: dict[str, Any]) -> str:
    payload = {
        **claims,
        "iat": int(claims["iat"].timestamp()),
        "exp": int(claims["exp"].timestamp()),
    }
    return f"{b64({'alg': 'none', 'typ': 'JWT'})}.{b64(payload)}."


def assert_rejected(client: LambdaClient, token: str, code: str = "AUTH_INVALID_TOKEN") -> None:
    response = client.get("/users/me", token=token)
    assert response.status_code == 401, response.body
    assert response.json()["code"] == code
    assert response.headers["www-authenticate"] == "Bearer"


@pytest.fixture
def user_id(client: LambdaClient) -> str:
    return str(signed_up(client)["user"]["id"])


def test_a_well_formed_token_of_our_own_gets_in(client: LambdaClient, user_id: str) -> None:
    assert client.get("/users/me", token=signed(claims_for(user_id))).status_code == 200


def test_an_unsigned_alg_none_token_is_401(client: LambdaClient, user_id: str) -> None:
    assert_rejected(client, unsigned(claims_for(user_id)))


@pytest.mark.parametrize("algorithm", ["HS384", "HS512"])
def test_a_token_signed_with_our_key_but_another_hmac_algorithm_is_401(
    client: LambdaClient, user_id: str, algorithm: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # PyJWT refuses to sign HS384/HS512 with a key shorter than their digest.
    monkeypatch.setenv("SECRET_KEY", "k" * 64)
    get_settings.cache_clear()
    assert client.get("/users/me", token=signed(claims_for(user_id))).status_code == 200

    assert_rejected(client, signed(claims_for(user_id), algorithm=algorithm))


def test_a_token_signed_with_an_rsa_key_is_401(client: LambdaClient, user_id: str) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    assert_rejected(client, jwt.encode(claims_for(user_id), key, algorithm="RS256"))


def test_a_token_signed_with_another_key_is_401(client: LambdaClient, user_id: str) -> None:
    forged = jwt.encode(claims_for(user_id), "another-key-of-sufficient-length-32b", "HS256")
    assert_rejected(client, forged)


def test_a_token_with_a_tampered_payload_is_401(client: LambdaClient, user_id: str) -> None:
    header, _, signature = signed(claims_for(user_id)).split(".")
    escalated = claims_for(user_id, role="admin")
    payload = {
        **escalated,
        "iat": int(escalated["iat"].timestamp()),
        "exp": int(escalated["exp"].timestamp()),
    }
    response = client.get("/users", token=f"{header}.{b64(payload)}.{signature}")
    assert response.status_code == 401
    assert response.json()["code"] == "AUTH_INVALID_TOKEN"


def test_a_token_for_another_audience_is_401(client: LambdaClient, user_id: str) -> None:
    assert_rejected(client, signed(claims_for(user_id, aud="some-other-api")))


def test_a_token_from_another_issuer_is_401(client: LambdaClient, user_id: str) -> None:
    assert_rejected(client, signed(claims_for(user_id, iss="someone-else")))


def test_a_refresh_token_used_as_an_access_token_is_401(client: LambdaClient) -> None:
    pair = signed_up(client)
    assert_rejected(client, pair["refresh_token"])


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
    response = client.get("/users/me", headers=headers)

    assert response.status_code == 401
    assert response.json()["code"] == "AUTH_INVALID_TOKEN"
    assert response.headers["www-authenticate"] == "Bearer"


def test_a_valid_token_of_a_disabled_account_is_401_on_users_me(
    client: LambdaClient, user_id: str, database_url: str
) -> None:
    from tests.users.db import sql

    sql(database_url, "UPDATE users SET is_active = false")
    assert_rejected(client, signed(claims_for(user_id)))
