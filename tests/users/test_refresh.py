from __future__ import annotations

from datetime import UTC, datetime, timedelta

from functions.users.refresh_tokens import token_digest
from tests.support.databases import sql
from tests.support.lambda_client import LambdaClient, LambdaResponse
from tests.users.helpers import login, register, signed_up


def refresh(client: LambdaClient, refresh_token: str) -> LambdaResponse:
    return client.post("/auth/refresh", json_body={"refresh_token": refresh_token})


def test_refresh_answers_a_new_pair_and_revokes_the_presented_token(
    any_client: LambdaClient,
) -> None:
    first = signed_up(any_client)

    response = refresh(any_client, first["refresh_token"])

    assert response.status_code == 200
    second = response.json()
    assert second["token_type"] == "bearer"
    assert second["refresh_token"] != first["refresh_token"]
    assert second["access_token"] != first["access_token"]
    assert response.headers["cache-control"] == "no-store"
    assert any_client.get("/users/me", token=second["access_token"]).status_code == 200
    assert refresh(any_client, second["refresh_token"]).status_code == 200


def test_a_reused_refresh_token_is_401_and_revokes_its_whole_family(client: LambdaClient) -> None:
    first = signed_up(client)
    second = refresh(client, first["refresh_token"]).json()

    reused = refresh(client, first["refresh_token"])

    assert reused.status_code == 401
    assert reused.json()["code"] == "AUTH_INVALID_TOKEN"
    assert reused.headers["www-authenticate"] == "Bearer"
    descendant = refresh(client, second["refresh_token"])
    assert descendant.status_code == 401
    assert descendant.json()["code"] == "AUTH_INVALID_TOKEN"


def test_reuse_revokes_only_the_family_of_the_reused_token(client: LambdaClient) -> None:
    phone = signed_up(client)
    laptop = login(client).json()
    refresh(client, phone["refresh_token"])

    assert refresh(client, phone["refresh_token"]).status_code == 401

    assert refresh(client, laptop["refresh_token"]).status_code == 200


def test_an_unknown_refresh_token_is_401_invalid_token(client: LambdaClient) -> None:
    signed_up(client)

    response = refresh(client, "not-a-token-we-issued")

    assert response.status_code == 401
    assert response.json()["code"] == "AUTH_INVALID_TOKEN"


def test_an_expired_refresh_token_is_401_token_expired(
    client: LambdaClient, database_url: str
) -> None:
    pair = signed_up(client)
    past = datetime.now(UTC) - timedelta(seconds=1)
    sql(
        database_url,
        "UPDATE refresh_tokens SET expires_at = $1 WHERE token_hash = $2",
        past,
        token_digest(pair["refresh_token"]),
    )

    response = refresh(client, pair["refresh_token"])

    assert response.status_code == 401
    assert response.json()["code"] == "AUTH_TOKEN_EXPIRED"


def test_refresh_tokens_are_stored_only_as_their_sha256(
    client: LambdaClient, database_url: str
) -> None:
    pair = signed_up(client)

    rows = sql(database_url, "SELECT token_hash FROM refresh_tokens")

    assert [bytes(row["token_hash"]) for row in rows] == [token_digest(pair["refresh_token"])]


def test_refresh_of_a_disabled_account_is_401(client: LambdaClient, database_url: str) -> None:
    pair = signed_up(client)
    sql(database_url, "UPDATE users SET is_active = false")

    response = refresh(client, pair["refresh_token"])

    assert response.status_code == 401
    assert response.json()["code"] == "AUTH_INVALID_TOKEN"


def test_logout_is_204_and_the_refresh_token_no_longer_works(any_client: LambdaClient) -> None:
    pair = signed_up(any_client)

    response = any_client.post("/auth/logout", json_body={"refresh_token": pair["refresh_token"]})

    assert response.status_code == 204
    assert response.body == ""
    assert refresh(any_client, pair["refresh_token"]).status_code == 401


def test_logout_ends_only_that_login(client: LambdaClient) -> None:
    phone = signed_up(client)
    laptop = login(client).json()

    client.post("/auth/logout", json_body={"refresh_token": phone["refresh_token"]})

    assert refresh(client, laptop["refresh_token"]).status_code == 200


def test_logout_of_an_unknown_token_is_still_204(client: LambdaClient) -> None:
    response = client.post("/auth/logout", json_body={"refresh_token": "never-issued"})

    assert response.status_code == 204


def test_changing_the_password_revokes_every_refresh_token_of_the_user(
    client: LambdaClient,
) -> None:
    phone = signed_up(client)
    laptop = login(client).json()
    register(client, email="bob@example.org")
    bob = login(client, email="bob@example.org").json()

    changed = client.patch(
        "/users/me",
        token=phone["access_token"],
        json_body={
            "password": "a whole new passphrase",
            "current_password": "correct horse battery staple",
        },
    )

    assert changed.status_code == 200
    assert refresh(client, phone["refresh_token"]).status_code == 401
    assert refresh(client, laptop["refresh_token"]).status_code == 401
    assert refresh(client, bob["refresh_token"]).status_code == 200


def test_the_scheduled_purge_deletes_only_tokens_expired_over_a_day_ago(
    client: LambdaClient, database_url: str
) -> None:
    from bookstore.lambda_context import LocalLambdaContext
    from functions.users.app import handler

    stale, recent, live = (signed_up(client, email=f"u{i}@example.org") for i in range(3))
    for pair, expired_at in (
        (stale, datetime.now(UTC) - timedelta(days=2)),
        (recent, datetime.now(UTC) - timedelta(hours=1)),
    ):
        sql(
            database_url,
            "UPDATE refresh_tokens SET expires_at = $1 WHERE token_hash = $2",
            expired_at,
            token_digest(pair["refresh_token"]),
        )

    result = handler({"action": "purge-expired-refresh-tokens"}, LocalLambdaContext())

    assert result == {
        "ok": True,
        "deleted": 1,
        "attempt_records_deleted": 0,
        "sign_ins_deleted": 0,
    }
    remaining = {
        row["token_hash"] for row in sql(database_url, "SELECT token_hash FROM refresh_tokens")
    }
    assert remaining == {token_digest(recent["refresh_token"]), token_digest(live["refresh_token"])}
    assert refresh(client, live["refresh_token"]).status_code == 200
