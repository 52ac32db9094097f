"""GET /auth/jwks.json: the public keys that verify access tokens, and nothing that signs them."""

from __future__ import annotations

import jwt

from functions.users.app import handler
from shared.auth.tokens import AUDIENCE, ISSUER
from tests.support.lambda_client import LambdaClient
from tests.users.helpers import signed_up


def test_the_jwks_verifies_the_access_tokens_the_users_function_issues(
    client: LambdaClient,
) -> None:
    token = signed_up(client)["access_token"]

    response = client.get("/auth/jwks.json")

    assert response.status_code == 200, response.body
    assert response.headers["cache-control"] == "public, max-age=300"
    keys = jwt.PyJWKSet.from_dict(response.json())
    kid = jwt.get_unverified_header(token)["kid"]
    [key] = [key for key in keys.keys if key.key_id == kid]
    claims = jwt.decode(token, key.key, algorithms=["ES256"], audience=AUDIENCE, issuer=ISSUER)
    assert claims["type"] == "access"


def test_the_jwks_holds_public_keys_only(client: LambdaClient) -> None:
    [key] = client.get("/auth/jwks.json").json()["keys"]

    assert set(key) == {"kty", "crv", "x", "y", "kid", "alg", "use"}
    assert (key["kty"], key["crv"], key["alg"], key["use"]) == ("EC", "P-256", "ES256", "sig")


def test_the_jwks_needs_no_database() -> None:
    # No database_url fixture: the settings point at no database at all.
    assert LambdaClient(handler).get("/auth/jwks.json").status_code == 200
