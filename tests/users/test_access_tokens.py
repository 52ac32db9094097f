"""Access tokens only the Users function can get wrong: a disabled account's, and a real refresh
token from a login sent as one. The shared dependency's own attacks are in
`tests/shared/test_token_attacks.py`."""

from __future__ import annotations

import uuid

from tests.support.databases import sql
from tests.support.lambda_client import LambdaClient
from tests.users.helpers import signed_up


def assert_rejected(client: LambdaClient, token: str) -> None:
    response = client.get("/users/me", token=token)
    assert response.status_code == 401, response.body
    assert response.json()["code"] == "AUTH_INVALID_TOKEN"
    assert response.headers["www-authenticate"] == "Bearer"


def test_a_valid_token_of_a_disabled_account_is_401_on_users_me(
    client: LambdaClient, database_url: str
) -> None:
    token = signed_up(client)["access_token"]
    assert client.get("/users/me", token=token).status_code == 200

    sql(database_url, "UPDATE users SET is_active = false")

    assert_rejected(client, token)


def test_a_valid_token_of_a_deleted_account_is_401_on_users_me(
    client: LambdaClient, database_url: str
) -> None:
    pair = signed_up(client)

    sql(database_url, "DELETE FROM users WHERE id = $1", uuid.UUID(pair["user"]["id"]))

    assert_rejected(client, pair["access_token"])


def test_a_refresh_token_from_a_real_login_used_as_an_access_token_is_401(
    client: LambdaClient,
) -> None:
    pair = signed_up(client)

    assert_rejected(client, pair["refresh_token"])
