"""Calls of the Users function that many tests start from."""

from __future__ import annotations

from typing import Any

from bookstore.lambda_context import LocalLambdaContext
from functions.users.app import handler
from tests.support.lambda_client import LambdaClient, LambdaResponse

PASSWORD = "correct horse battery staple"
NEW_PASSWORD = "a whole new passphrase"


def register(
    client: LambdaClient,
    email: str = "ann@example.org",
    password: str = PASSWORD,
    full_name: str = "Ann Example",
) -> LambdaResponse:
    return client.post(
        "/auth/register",
        json_body={"email": email, "password": password, "full_name": full_name},
    )


def login(
    client: LambdaClient, email: str = "ann@example.org", password: str = PASSWORD
) -> LambdaResponse:
    return client.post("/auth/login", json_body={"email": email, "password": password})


def signed_up(client: LambdaClient, email: str = "ann@example.org") -> dict[str, Any]:
    """Registers and logs in; answers the token pair, with the user under "user"."""
    registered = register(client, email=email)
    assert registered.status_code == 201, registered.body
    logged_in = login(client, email=email)
    assert logged_in.status_code == 200, logged_in.body
    return {**logged_in.json(), "user": registered.json()}


def promote_admin(email: str) -> dict[str, Any]:
    return handler({"action": "promote-admin", "email": email}, LocalLambdaContext())


def signed_up_admin(client: LambdaClient, email: str = "root@example.org") -> dict[str, Any]:
    register(client, email=email)
    assert promote_admin(email)["ok"] is True
    logged_in = login(client, email=email)
    assert logged_in.status_code == 200, logged_in.body
    tokens: dict[str, Any] = logged_in.json()
    return tokens
