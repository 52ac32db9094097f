from __future__ import annotations

import uuid
from datetime import datetime

from tests.support.lambda_client import LambdaClient
from tests.users.helpers import login, register, signed_up


def test_register_creates_a_customer_and_answers_the_public_user(any_client: LambdaClient) -> None:
    response = register(any_client, email="  Ann@Example.ORG ", full_name="  Ann Example ")

    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"id", "email", "full_name", "role", "created_at"}
    assert uuid.UUID(body["id"]).version == 7
    assert body["email"] == "ann@example.org"
    assert body["full_name"] == "Ann Example"
    assert body["role"] == "customer"
    assert datetime.fromisoformat(body["created_at"]).utcoffset() is not None


def test_login_answers_a_bearer_token_pair(any_client: LambdaClient) -> None:
    register(any_client)

    response = login(any_client)

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"access_token", "refresh_token", "token_type", "expires_in"}
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 15 * 60
    assert response.headers["cache-control"] == "no-store"


def test_get_me_answers_the_account_of_the_access_token(any_client: LambdaClient) -> None:
    session = signed_up(any_client)

    response = any_client.get("/users/me", token=session["access_token"])

    assert response.status_code == 200
    assert response.json() == session["user"]
