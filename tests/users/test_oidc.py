"""Sign-in with an OpenID Connect provider, through the real Users handler, against a real
provider (oidc-provider-mock on loopback) issuing real signed ID tokens."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import socket
import urllib.parse
from typing import Any

import httpx
import jwt
import pytest

from tests.support.databases import sql
from tests.support.lambda_client import LambdaClient, LambdaResponse
from tests.support.oidc import (
    CLIENT_ID,
    CLIENT_REDIRECT_URI,
    PROVIDER,
    MockProvider,
    expired_tokens_provider,
    query_of,
    running_provider,
    trust,
)
from tests.users.helpers import login, register

VERIFIED = {"email": "ann@example.org", "email_verified": True, "name": "Ann Example"}


def exchange(
    client: LambdaClient, id_token: str, nonce: str, name: str = PROVIDER
) -> LambdaResponse:
    return client.post(f"/auth/oidc/{name}", json_body={"id_token": id_token, "nonce": nonce})


def signed_in_with_id_token(
    client: LambdaClient, provider: MockProvider, subject: str
) -> LambdaResponse:
    nonce = secrets.token_urlsafe(16)
    return exchange(client, provider.id_token(subject, nonce=nonce), nonce)


def me(client: LambdaClient, tokens: LambdaResponse) -> dict[str, Any]:
    response = client.get("/users/me", token=tokens.json()["access_token"])
    assert response.status_code == 200, response.body
    body: dict[str, Any] = response.json()
    return body


def code_flow(
    client: LambdaClient, provider: MockProvider, subject: str, *, state: str | None = None
) -> str:
    """A browser through the code flow: the API's authorize, the provider's sign-in page, the
    API's callback; answers where the callback sent it."""
    query = {"redirect_uri": CLIENT_REDIRECT_URI, **({"state": state} if state else {})}
    started = client.get(f"/auth/oidc/{PROVIDER}/authorize", query=query)
    assert started.status_code == 302, started.body
    back_at_api = provider.authorize(started.headers["location"], subject)
    callback = urllib.parse.urlsplit(back_at_api)
    assert callback.path == f"/auth/oidc/{PROVIDER}/callback"
    finished = client.get(callback.path, query=query_of(back_at_api))
    assert finished.status_code == 302, finished.body
    return finished.headers["location"]


def test_a_verified_first_sign_in_with_an_id_token_makes_a_customer_without_a_password(
    client: LambdaClient, provider: MockProvider
) -> None:
    provider.set_user("google-123", **VERIFIED)

    response = signed_in_with_id_token(client, provider, "google-123")

    assert response.status_code == 200, response.body
    assert response.headers["cache-control"] == "no-store"
    assert {"access_token", "refresh_token", "expires_in"} <= set(response.json())
    account = me(client, response)
    assert (account["email"], account["full_name"], account["role"]) == (
        "ann@example.org",
        "Ann Example",
        "customer",
    )
    assert account["sign_in_methods"] == [PROVIDER]
    assert login(client, email="ann@example.org", password="anything at all").status_code == 401


def test_signing_in_again_finds_the_account_by_issuer_and_subject_even_with_a_new_email(
    client: LambdaClient, provider: MockProvider, database_url: str
) -> None:
    provider.set_user("google-123", **VERIFIED)
    first = me(client, signed_in_with_id_token(client, provider, "google-123"))
    provider.set_user("google-123", email="ann.new@example.org", email_verified=True)

    again = me(client, signed_in_with_id_token(client, provider, "google-123"))

    assert again["id"] == first["id"]
    assert sql(database_url, "SELECT count(*) AS n FROM users")[0]["n"] == 1


def test_a_verified_email_links_the_password_account_that_has_it(
    client: LambdaClient, provider: MockProvider
) -> None:
    registered = register(client, email="Ann@Example.org").json()
    provider.set_user("google-123", **VERIFIED)

    account = me(client, signed_in_with_id_token(client, provider, "google-123"))

    assert account["id"] == registered["id"]
    assert account["sign_in_methods"] == [PROVIDER, "password"]
    assert login(client, email="ann@example.org").status_code == 200


@pytest.mark.parametrize("verified", [False, "false", None])
def test_an_unverified_email_never_signs_into_or_takes_over_an_account(
    client: LambdaClient, provider: MockProvider, database_url: str, verified: object
) -> None:
    register(client, email="ann@example.org")
    claims: dict[str, Any] = {"email": "ann@example.org"}
    if verified is not None:
        claims["email_verified"] = verified
    provider.set_user("attacker-1", **claims)

    response = signed_in_with_id_token(client, provider, "attacker-1")

    assert response.status_code == 409
    assert response.json()["code"] == "AUTH_EMAIL_NOT_VERIFIED"
    assert sql(database_url, "SELECT count(*) AS n FROM user_identities")[0]["n"] == 0


def test_an_unverified_email_makes_no_account_either(
    client: LambdaClient, provider: MockProvider, database_url: str
) -> None:
    provider.set_user("google-456", email="new@example.org", email_verified=False)

    response = signed_in_with_id_token(client, provider, "google-456")

    assert (response.status_code, response.json()["code"]) == (409, "AUTH_EMAIL_NOT_VERIFIED")
    assert sql(database_url, "SELECT count(*) AS n FROM users")[0]["n"] == 0


def test_a_provider_account_sets_its_first_password_without_a_current_one(
    client: LambdaClient, provider: MockProvider
) -> None:
    provider.set_user("google-123", **VERIFIED)
    tokens = signed_in_with_id_token(client, provider, "google-123")

    changed = client.patch(
        "/users/me",
        json_body={"password": "a new passphrase 42"},
        token=tokens.json()["access_token"],
    )

    assert changed.status_code == 200, changed.body
    assert changed.json()["sign_in_methods"] == [PROVIDER, "password"]
    assert login(client, email="ann@example.org", password="a new passphrase 42").status_code == 200


def test_a_token_for_another_client_is_refused(
    client: LambdaClient, provider: MockProvider
) -> None:
    provider.set_user("google-123", **VERIFIED)
    nonce = "n-1"
    token = provider.id_token("google-123", nonce=nonce, client_id="someone-else")

    response = exchange(client, token, nonce)

    assert (response.status_code, response.json()["code"]) == (401, "AUTH_INVALID_TOKEN")


def test_a_wrong_nonce_is_refused(client: LambdaClient, provider: MockProvider) -> None:
    provider.set_user("google-123", **VERIFIED)
    token = provider.id_token("google-123", nonce="the client's nonce")

    response = exchange(client, token, "another nonce")

    assert (response.status_code, response.json()["code"]) == (401, "AUTH_INVALID_TOKEN")


def test_a_tampered_token_is_refused(client: LambdaClient, provider: MockProvider) -> None:
    provider.set_user("google-123", **VERIFIED)
    token = provider.id_token("google-123", nonce="n-1")
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["sub"] = "someone-else"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")

    response = exchange(client, f"{header}.{forged}.{signature}", "n-1")

    assert (response.status_code, response.json()["code"]) == (401, "AUTH_INVALID_TOKEN")


def segment(value: bytes) -> str:
    return base64.urlsafe_b64encode(value).decode().rstrip("=")


def forged_token(claims: dict[str, Any], algorithm: str, secret: bytes) -> str:
    """What an attacker hand-crafts (PyJWT itself refuses to sign with a public key as secret)."""
    signing_input = ".".join(
        segment(json.dumps(part).encode()) for part in ({"alg": algorithm, "typ": "JWT"}, claims)
    )
    signature = (
        hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
        if algorithm == "HS256"
        else b""
    )
    return f"{signing_input}.{segment(signature)}"


@pytest.mark.parametrize("algorithm", ["none", "HS256"])
def test_a_token_not_signed_by_the_provider_s_keys_is_refused(
    client: LambdaClient, provider: MockProvider, algorithm: str
) -> None:
    provider.set_user("google-123", **VERIFIED)
    genuine = provider.id_token("google-123", nonce="n-1")
    claims = jwt.decode(genuine, options={"verify_signature": False})
    # HS256 with the provider's public key as the secret: the classic algorithm confusion.
    public_key = json.dumps(httpx.get(f"{provider.issuer}/jwks").json()["keys"][0]).encode()

    response = exchange(client, forged_token(claims, algorithm, public_key), "n-1")

    assert (response.status_code, response.json()["code"]) == (401, "AUTH_INVALID_TOKEN")


def test_an_expired_token_is_refused(client: LambdaClient, monkeypatch: pytest.MonkeyPatch) -> None:
    with expired_tokens_provider() as expired:
        trust(monkeypatch, expired.issuer)
        expired.set_user("google-123", **VERIFIED)

        response = signed_in_with_id_token(client, expired, "google-123")

    assert (response.status_code, response.json()["code"]) == (401, "AUTH_INVALID_TOKEN")


def test_a_key_rotation_at_the_provider_is_followed_without_a_restart(
    client: LambdaClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    with running_provider() as before:
        port = before.port
        trust(monkeypatch, before.issuer)
        before.set_user("google-123", **VERIFIED)
        assert signed_in_with_id_token(client, before, "google-123").status_code == 200
        old_keys = httpx.get(f"{before.issuer}/jwks").json()["keys"]
    # The same issuer comes back with a new signing key, unknown to the keys this process cached.
    with running_provider(port=port) as after:
        after.set_user("google-123", **VERIFIED)
        token = after.id_token("google-123", nonce="n-2")
        assert httpx.get(f"{after.issuer}/jwks").json()["keys"] != old_keys

        response = exchange(client, token, "n-2")

    assert response.status_code == 200, response.body


def test_a_provider_that_cannot_be_reached_is_503(
    client: LambdaClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as unused:
        unused.bind(("localhost", 0))
        port = unused.getsockname()[1]
    trust(monkeypatch, f"http://localhost:{port}")

    response = exchange(client, "a.b.c", "n-1")

    assert (response.status_code, response.json()["code"]) == (503, "SERVICE_UNAVAILABLE")
    assert "retry-after" in response.headers


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/auth/oidc/{name}", {"id_token": "x", "nonce": "y"}),
        ("POST", "/auth/oidc/{name}", {"unexpected": True}),
        ("GET", "/auth/oidc/{name}/authorize?redirect_uri=https://x.example", None),
        ("GET", "/auth/oidc/{name}/callback?state=s&code=c", None),
        ("POST", "/auth/oidc/{name}/token", {"code": "c"}),
    ],
)
def test_an_unconfigured_provider_is_404_on_every_route(
    client: LambdaClient, provider: MockProvider, method: str, path: str, body: Any
) -> None:
    target = urllib.parse.urlsplit(path.format(name="github"))

    response = client.request(
        method, target.path, json_body=body, query=query_of(path) if target.query else None
    )

    assert (response.status_code, response.json()["code"]) == (404, "AUTH_PROVIDER_NOT_FOUND")


def test_the_code_flow_with_pkce_hands_the_client_a_one_time_code_for_its_token_pair(
    client: LambdaClient, provider: MockProvider, database_url: str
) -> None:
    provider.set_user("google-123", **VERIFIED)
    started = client.get(
        f"/auth/oidc/{PROVIDER}/authorize",
        query={"redirect_uri": CLIENT_REDIRECT_URI, "state": "client-state"},
    )
    sent = query_of(started.headers["location"])
    assert started.headers["location"].startswith(f"{provider.issuer}/oauth2/authorize?")
    assert (sent["client_id"], sent["code_challenge_method"], sent["response_type"]) == (
        CLIENT_ID,
        "S256",
        "code",
    )
    assert {"state", "nonce", "code_challenge"} <= set(sent)
    [stored] = sql(database_url, "SELECT code_verifier FROM oidc_authorizations")
    challenge = base64.urlsafe_b64encode(hashlib.sha256(stored["code_verifier"].encode()).digest())
    assert sent["code_challenge"] == challenge.decode().rstrip("=")

    back_at_api = provider.authorize(started.headers["location"], "google-123")
    finished = client.get(urllib.parse.urlsplit(back_at_api).path, query=query_of(back_at_api))
    handed = query_of(finished.headers["location"])
    assert finished.headers["location"].startswith(CLIENT_REDIRECT_URI + "?")
    assert handed["state"] == "client-state"

    tokens = client.post(f"/auth/oidc/{PROVIDER}/token", json_body={"code": handed["code"]})

    assert tokens.status_code == 200, tokens.body
    assert me(client, tokens)["email"] == "ann@example.org"
    again = client.post(f"/auth/oidc/{PROVIDER}/token", json_body={"code": handed["code"]})
    assert (again.status_code, again.json()["code"]) == (401, "AUTH_INVALID_TOKEN")
    replayed = client.get(urllib.parse.urlsplit(back_at_api).path, query=query_of(back_at_api))
    assert replayed.status_code == 401, "a state works once"


def test_the_code_flow_hands_an_unverified_email_back_to_the_client_as_an_error(
    client: LambdaClient, provider: MockProvider
) -> None:
    provider.set_user("google-123", email="ann@example.org", email_verified=False)

    back = code_flow(client, provider, "google-123", state="s-1")

    assert query_of(back) == {"error": "AUTH_EMAIL_NOT_VERIFIED", "state": "s-1"}


def test_the_code_flow_hands_sign_ins_only_to_an_allowed_redirect_uri(
    client: LambdaClient, provider: MockProvider
) -> None:
    response = client.get(
        f"/auth/oidc/{PROVIDER}/authorize", query={"redirect_uri": "https://evil.example/steal"}
    )

    assert (response.status_code, response.json()["code"]) == (422, "VALIDATION_ERROR")
    assert response.json()["field"] == "redirect_uri"


def test_the_stack_configures_google_and_cognito_sign_in_for_the_users_function_alone() -> None:
    from bookstore.sam_translation import resources_of_type, translated_template

    functions = resources_of_type(translated_template(), "AWS::Lambda::Function")
    users = functions["UsersFunction"]["Properties"]["Environment"]["Variables"]

    assert users["OIDC_GOOGLE_ISSUER"] == "https://accounts.google.com"
    assert users["OIDC_GOOGLE_CLIENT_ID"] == {"Ref": "OidcGoogleClientId"}
    assert users["OIDC_COGNITO_ISSUER"] == {
        "Fn::Sub": "https://cognito-idp.${AWS::Region}.amazonaws.com/${OidcCognitoUserPoolId}"
    }
    assert users["OIDC_REDIRECT_URIS"] == {"Ref": "OidcRedirectUris"}
    assert users["OIDC_PROVIDERS"]["Fn::If"][0] == "UseGoogleSignIn"
    for name, function in functions.items():
        variables = function["Properties"].get("Environment", {}).get("Variables", {})
        if name != "UsersFunction":
            assert not any(key.startswith("OIDC_") for key in variables), name
