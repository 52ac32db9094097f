from __future__ import annotations

import uuid
from datetime import datetime

import pytest

from tests.support.databases import sql
from tests.support.lambda_client import LambdaClient
from tests.users.helpers import NEW_PASSWORD, PASSWORD, login, register, signed_up


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
    assert response.json() == {**session["user"], "sign_in_methods": ["password"]}


@pytest.mark.parametrize("variant", ["ANN@EXAMPLE.ORG", "Ann@example.org", " ann@Example.Org "])
def test_registering_a_case_variant_of_a_taken_email_is_409_email_taken(
    client: LambdaClient, variant: str
) -> None:
    register(client, email="ann@example.org")

    response = register(client, email=variant)

    assert response.status_code == 409
    assert response.json() == {
        "detail": "An account with this email already exists",
        "code": "AUTH_EMAIL_TAKEN",
        "field": "email",
    }


@pytest.mark.parametrize("variant", ["ANN@EXAMPLE.ORG", "Ann@Example.org", "  ann@example.org"])
def test_login_accepts_any_case_variant_of_the_registered_email(
    client: LambdaClient, variant: str
) -> None:
    register(client, email="Ann@Example.org")

    assert login(client, email=variant).status_code == 200


def test_registering_with_a_role_is_422_and_creates_nothing(
    client: LambdaClient, database_url: str
) -> None:
    response = client.post(
        "/auth/register",
        json_body={
            "email": "eve@example.org",
            "password": PASSWORD,
            "full_name": "Eve",
            "role": "admin",
        },
    )

    assert response.status_code == 422
    assert response.json()["field"] == "role"
    assert sql(database_url, "SELECT count(*) AS n FROM users")[0]["n"] == 0


def test_get_me_without_a_token_is_401_with_www_authenticate(client: LambdaClient) -> None:
    response = client.get("/users/me")

    assert response.status_code == 401
    assert response.json()["code"] == "AUTH_INVALID_TOKEN"
    assert response.headers["www-authenticate"] == "Bearer"


def test_patch_me_changes_the_full_name(any_client: LambdaClient) -> None:
    pair = signed_up(any_client)

    response = any_client.patch(
        "/users/me", token=pair["access_token"], json_body={"full_name": "Ann B. Example"}
    )

    assert response.status_code == 200
    assert response.json() == {
        **pair["user"],
        "full_name": "Ann B. Example",
        "sign_in_methods": ["password"],
    }
    assert any_client.get("/users/me", token=pair["access_token"]).json()["full_name"] == (
        "Ann B. Example"
    )


def test_patch_me_with_nothing_changes_nothing(client: LambdaClient) -> None:
    pair = signed_up(client)

    response = client.patch("/users/me", token=pair["access_token"], json_body={})

    assert response.status_code == 200
    assert response.json() == {**pair["user"], "sign_in_methods": ["password"]}


def test_patch_me_changes_the_password_for_the_next_login(client: LambdaClient) -> None:
    pair = signed_up(client)

    response = client.patch(
        "/users/me",
        token=pair["access_token"],
        json_body={"password": NEW_PASSWORD, "current_password": PASSWORD},
    )

    assert response.status_code == 200
    assert login(client, password=PASSWORD).status_code == 401
    assert login(client, password=NEW_PASSWORD).status_code == 200


def test_patch_me_with_a_wrong_current_password_is_401_and_keeps_the_password(
    client: LambdaClient,
) -> None:
    pair = signed_up(client)

    response = client.patch(
        "/users/me",
        token=pair["access_token"],
        json_body={"password": NEW_PASSWORD, "current_password": "not my password"},
    )

    assert response.status_code == 401
    assert response.json()["code"] == "AUTH_INVALID_CREDENTIALS"
    assert response.json()["field"] == "current_password"
    assert login(client, password=PASSWORD).status_code == 200


def test_patch_me_with_a_new_password_but_no_current_password_is_422(
    client: LambdaClient,
) -> None:
    pair = signed_up(client)

    response = client.patch(
        "/users/me", token=pair["access_token"], json_body={"password": NEW_PASSWORD}
    )

    assert response.status_code == 422
    assert response.json()["code"] == "VALIDATION_ERROR"
    assert response.json()["field"] == "current_password"
    assert login(client, password=PASSWORD).status_code == 200


def test_a_wrong_current_password_with_a_new_name_changes_nothing(client: LambdaClient) -> None:
    pair = signed_up(client)

    client.patch(
        "/users/me",
        token=pair["access_token"],
        json_body={"full_name": "Mallory", "password": NEW_PASSWORD, "current_password": "nope"},
    )

    assert client.get("/users/me", token=pair["access_token"]).json()["full_name"] == "Ann Example"
