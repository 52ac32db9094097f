"""No password, hash, token or key in any log line, nor in any response but the token pair."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from shared.settings import get_settings
from tests.support.databases import sql
from tests.support.lambda_client import LambdaClient, LambdaResponse
from tests.support.logs import CapturedLogs, captured_logs
from tests.users.helpers import NEW_PASSWORD, PASSWORD, login, register

REJECTED_PASSWORD = "rejected-" + "x" * 130


@pytest.fixture
def log_output() -> Iterator[CapturedLogs]:
    """Every line the function logs, formatted as in CloudWatch (with its extra keys)."""
    with captured_logs() as logs:
        yield logs


def test_nothing_sensitive_reaches_a_log_line_or_a_response(
    client: LambdaClient,
    database_url: str,
    log_output: CapturedLogs,
) -> None:
    others: list[LambdaResponse] = []
    pairs: list[LambdaResponse] = []
    others.append(register(client))
    others.append(register(client, email="eve@example.org", password=REJECTED_PASSWORD))
    others.append(register(client, email="eve@example.org", password="short7!"))
    others.append(login(client, password="wrong " + PASSWORD))
    others.append(login(client, email="nobody@example.org"))
    pairs.append(login(client))
    first = pairs[0].json()
    pairs.append(client.post("/auth/refresh", json_body={"refresh_token": first["refresh_token"]}))
    second = pairs[1].json()
    others.append(client.post("/auth/refresh", json_body={"refresh_token": first["refresh_token"]}))
    others.append(client.get("/users/me", token=second["access_token"]))
    others.append(client.get("/users/me", token=second["access_token"] + "x"))
    others.append(
        client.patch(
            "/users/me",
            token=second["access_token"],
            json_body={"password": NEW_PASSWORD, "current_password": "wrong " + PASSWORD},
        )
    )
    old_hash = sql(database_url, "SELECT password_hash FROM users")[0]["password_hash"]
    others.append(
        client.patch(
            "/users/me",
            token=second["access_token"],
            json_body={"password": NEW_PASSWORD, "current_password": PASSWORD},
        )
    )
    others.append(
        client.patch("/users/me", token=second["access_token"], json_body={"password": "tiny"})
    )
    pairs.append(login(client, password=NEW_PASSWORD))
    others.append(
        client.post("/auth/logout", json_body={"refresh_token": pairs[2].json()["refresh_token"]})
    )
    new_hash = sql(database_url, "SELECT password_hash FROM users")[0]["password_hash"]

    assert [r.status_code for r in pairs] == [200, 200, 200]
    tokens = [
        value for r in pairs for value in (r.json()["access_token"], r.json()["refresh_token"])
    ]
    secrets = [
        PASSWORD,
        NEW_PASSWORD,
        REJECTED_PASSWORD,
        "short7!",
        "tiny",
        old_hash,
        new_hash,
        get_settings().secret_key.get_secret_value(),
        *tokens,
    ]
    logs = log_output.text
    assert '"message":"login succeeded"' in logs, "the logs were not captured"
    for secret in secrets:
        assert secret not in logs
        for response in others:
            assert secret not in response.body
            assert secret not in str(response.headers)
    for response in pairs:
        assert set(response.json()) == {"access_token", "refresh_token", "token_type", "expires_in"}
