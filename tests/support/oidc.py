"""A real OpenID Connect provider for tests: `oidc-provider-mock` serving on loopback in a thread,
issuing real RS256-signed ID tokens through the real authorization code flow, with its JWKS and
discovery document; and the Users function configured to trust it."""

from __future__ import annotations

import contextlib
import secrets
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
import pytest
from oidc_provider_mock import run_server_in_thread

from functions.users.oidc.config import configured_providers
from functions.users.oidc.provider import forget_providers
from shared.settings import get_settings

PROVIDER = "mock"
CLIENT_ID = "bookstore-web"
CLIENT_SECRET = "mock-client-secret"
CLIENT_REDIRECT_URI = "https://shop.example.com/signed-in"


@dataclass
class MockProvider:
    """One running provider. `issuer` is what its tokens carry (http://localhost:<port>)."""

    port: int

    @property
    def issuer(self) -> str:
        return f"http://localhost:{self.port}"

    def set_user(self, subject: str, **claims: Any) -> None:
        response = httpx.put(f"{self.issuer}/users/{subject}", json=claims)
        response.raise_for_status()

    def authorize(self, authorization_url: str, subject: str) -> str:
        """A person signing in as `subject` on the provider's page: where it sends them back."""
        parts = urllib.parse.urlsplit(authorization_url)
        response = httpx.post(
            f"{self.issuer}{parts.path}?{parts.query}",
            data={"sub": subject},
            follow_redirects=False,
        )
        assert response.status_code == 302, response.text
        return response.headers["location"]

    def id_token(self, subject: str, *, nonce: str, client_id: str = CLIENT_ID) -> str:
        """What a provider's sign-in SDK hands a client: an ID token for `subject`, with `nonce`,
        obtained through the provider's own code flow."""
        callback = "https://app.example.com/callback"
        query = urllib.parse.urlencode(
            {
                "response_type": "code",
                "client_id": client_id,
                "redirect_uri": callback,
                "scope": "openid email profile",
                "state": secrets.token_urlsafe(8),
                "nonce": nonce,
            }
        )
        back = self.authorize(f"{self.issuer}/oauth2/authorize?{query}", subject)
        code = urllib.parse.parse_qs(urllib.parse.urlsplit(back).query)["code"][0]
        response = httpx.post(
            f"{self.issuer}/oauth2/token",
            data={"grant_type": "authorization_code", "code": code, "redirect_uri": callback},
            auth=(client_id, CLIENT_SECRET),
        )
        response.raise_for_status()
        token: str = response.json()["id_token"]
        return token


def query_of(url: str) -> dict[str, str]:
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
    return {key: values[0] for key, values in query.items()}


def sign_in_body(provider: MockProvider) -> dict[str, str]:
    """A valid body of POST /auth/oidc/{provider}: a new person's ID token and its nonce."""
    subject = f"person-{secrets.token_hex(6)}"
    provider.set_user(subject, email=f"{subject}@example.org", email_verified=True)
    nonce = secrets.token_urlsafe(16)
    return {"id_token": provider.id_token(subject, nonce=nonce), "nonce": nonce}


def callback_of(users: Any, provider: MockProvider) -> tuple[str, dict[str, str]]:
    """The path and query the provider sends a new person's browser back to the API with, after
    the API's authorize (through the Users handler `users`, payload 2.0)."""
    from tests.support.lambda_client import LambdaClient

    subject = f"person-{secrets.token_hex(6)}"
    provider.set_user(subject, email=f"{subject}@example.org", email_verified=True)
    started = LambdaClient(users).get(
        f"/auth/oidc/{PROVIDER}/authorize", query={"redirect_uri": CLIENT_REDIRECT_URI}
    )
    assert started.status_code == 302, started.body
    back = provider.authorize(started.headers["location"], subject)
    return urllib.parse.urlsplit(back).path, query_of(back)


def sign_in_code(users: Any, provider: MockProvider) -> str:
    """A one-time code for POST /auth/oidc/{provider}/token, from a whole code flow."""
    from tests.support.lambda_client import LambdaClient

    path, query = callback_of(users, provider)
    finished = LambdaClient(users).get(path, query=query)
    assert finished.status_code == 302, finished.body
    return query_of(finished.headers["location"])["code"]


@contextlib.contextmanager
def running_provider(port: int = 0, **options: Any) -> Iterator[MockProvider]:
    with run_server_in_thread(port=port, **options) as server:
        yield MockProvider(port=server.server_port)


def trust(monkeypatch: pytest.MonkeyPatch, issuer: str, *, name: str = PROVIDER) -> None:
    """Configures the Users function to trust this issuer as provider `name`."""
    monkeypatch.setenv("ENV", "development")  # the mock serves plain http
    monkeypatch.setenv("OIDC_PROVIDERS", name)
    monkeypatch.setenv(f"OIDC_{name.upper()}_ISSUER", issuer)
    monkeypatch.setenv(f"OIDC_{name.upper()}_CLIENT_ID", CLIENT_ID)
    monkeypatch.setenv(f"OIDC_{name.upper()}_CLIENT_SECRET", CLIENT_SECRET)
    monkeypatch.setenv("OIDC_REDIRECT_URIS", CLIENT_REDIRECT_URI)
    forget_configuration()


def forget_configuration() -> None:
    get_settings.cache_clear()
    configured_providers.cache_clear()
    forget_providers()


@pytest.fixture
def provider(monkeypatch: pytest.MonkeyPatch) -> Iterator[MockProvider]:
    with running_provider() as running:
        trust(monkeypatch, running.issuer)
        yield running
    forget_configuration()


def expired_tokens_provider() -> contextlib.AbstractContextManager[MockProvider]:
    """A provider whose ID tokens expired two minutes before they were issued."""
    return running_provider(access_token_max_age=timedelta(minutes=-2))
