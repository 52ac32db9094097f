"""Bad input of every field: 422 `VALIDATION_ERROR` naming the field, and nothing written."""

from __future__ import annotations

from typing import Any

import pytest

from shared.http.pagination import encode_cursor
from tests.support.databases import sql
from tests.support.lambda_client import LambdaClient
from tests.users.helpers import PASSWORD, signed_up_admin

VALID_REGISTER = {"email": "new@example.org", "password": PASSWORD, "full_name": "New Person"}
REGISTER_CASES: list[tuple[str, Any]] = [
    ("email", None),
    ("email", ""),
    ("email", 123),
    ("email", "not-an-email"),
    ("email", "ann@example"),
    ("email", "ann @example.org"),
    ("email", "ann@@example.org"),
    ("email", ".ann@example.org"),
    ("email", "ann..b@example.org"),
    ("email", "ann@-example.org"),
    ("email", "ann@example..org"),
    ("email", "a" * 65 + "@example.org"),
    ("email", "ann@" + "d" * 250 + ".org"),
    ("email", "ann@exämple.org"),
    # Only what the documented patterns admit: no other white space around it, ASCII only.
    ("email", "ann@example.org\n"),
    ("email", "ann@example.org\u00a0"),
    ("email", "\u212aelvin@example.org"),
    ("password", None),
    ("password", "seven77"),
    ("password", "p" * 129),
    ("password", 12345678),
    ("full_name", None),
    ("full_name", ""),
    ("full_name", "   "),
    ("full_name", "n" * 101),
    ("full_name", "Ann\nExample"),
    ("full_name", "Ann\u0085"),
    ("full_name", ["Ann"]),
]
MISSING = object()


def with_field(valid: dict[str, Any], field: str, value: Any) -> dict[str, Any]:
    body = {**valid, field: value}
    if value is MISSING:
        del body[field]
    return body


def assert_invalid(response: Any, field: str | None) -> None:
    assert response.status_code == 422, response.body
    body = response.json()
    assert body["code"] == "VALIDATION_ERROR"
    assert isinstance(body["detail"], list)
    assert body.get("field") == field


@pytest.mark.parametrize(("field", "value"), REGISTER_CASES)
def test_register_with_a_bad_field_is_422_naming_it_and_creates_nothing(
    client: LambdaClient, database_url: str, field: str, value: Any
) -> None:
    response = client.post("/auth/register", json_body=with_field(VALID_REGISTER, field, value))

    assert_invalid(response, field)
    assert sql(database_url, "SELECT count(*) AS n FROM users")[0]["n"] == 0


@pytest.mark.parametrize("field", ["email", "password", "full_name"])
def test_register_without_a_field_is_422_naming_it(client: LambdaClient, field: str) -> None:
    response = client.post("/auth/register", json_body=with_field(VALID_REGISTER, field, MISSING))

    assert_invalid(response, field)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("email", "nope"),
        ("email", None),
        ("password", ""),
        ("password", "p" * 129),
        ("password", None),
        ("remember_me", True),
    ],
)
def test_login_with_a_bad_field_is_422_naming_it(
    client: LambdaClient, field: str, value: Any
) -> None:
    body = with_field({"email": "ann@example.org", "password": PASSWORD}, field, value)

    assert_invalid(client.post("/auth/login", json_body=body), field)


@pytest.mark.parametrize("path", ["/auth/refresh", "/auth/logout"])
@pytest.mark.parametrize(
    ("field", "value"),
    [("refresh_token", ""), ("refresh_token", "t" * 257), ("refresh_token", 7), ("extra", 1)],
)
def test_refresh_and_logout_with_a_bad_field_are_422_naming_it(
    client: LambdaClient, path: str, field: str, value: Any
) -> None:
    body = with_field({"refresh_token": "some-token"}, field, value)

    assert_invalid(client.post(path, json_body=body), field)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"full_name": None}, "full_name"),
        ({"full_name": ""}, "full_name"),
        ({"full_name": "n" * 101}, "full_name"),
        ({"password": "short", "current_password": PASSWORD}, "password"),
        ({"password": None}, "password"),
        ({"password": "a new passphrase", "current_password": ""}, "current_password"),
        ({"email": "other@example.org"}, "email"),
        ({"role": "admin"}, "role"),
    ],
)
def test_patch_me_with_a_bad_field_is_422_naming_it(
    client: LambdaClient, body: dict[str, Any], field: str
) -> None:
    admin = signed_up_admin(client)

    response = client.patch("/users/me", token=admin["access_token"], json_body=body)

    assert_invalid(response, field)
    assert client.get("/users/me", token=admin["access_token"]).json()["full_name"] == (
        "Ann Example"
    )


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/users/{id}", {"role": "superuser"}, "role"),
        ("/users/{id}", {"role": None}, "role"),
        ("/users/{id}", {}, "role"),
        ("/users/{id}", {"role": "admin", "is_active": False}, "is_active"),
        ("/users/not-a-uuid", {"role": "admin"}, "user_id"),
    ],
)
def test_patch_user_with_a_bad_field_is_422_naming_it(
    client: LambdaClient, path: str, body: dict[str, Any], field: str
) -> None:
    admin = signed_up_admin(client)
    me = client.get("/users/me", token=admin["access_token"]).json()

    response = client.patch(path.format(id=me["id"]), token=admin["access_token"], json_body=body)

    assert_invalid(response, field)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"limit": "0"}, "limit"),
        ({"limit": "101"}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"cursor": "!!not base64!!"}, "cursor"),
        ({"cursor": encode_cursor({"position": 3})}, "cursor"),
        ({"cursor": encode_cursor({"id": "not-a-uuid"})}, "cursor"),
    ],
)
def test_list_users_with_a_bad_query_is_422_naming_it(
    client: LambdaClient, query: dict[str, str], field: str
) -> None:
    admin = signed_up_admin(client)

    response = client.get("/users", token=admin["access_token"], query=query)

    assert response.status_code == 422
    assert response.json()["field"] == field


@pytest.mark.parametrize("raw_body", ['{"email": "ann@example.org",', "[]", "null", "not json"])
def test_a_body_that_is_not_a_json_object_is_422(client: LambdaClient, raw_body: str) -> None:
    response = client.post(
        "/auth/register", raw_body=raw_body, headers={"content-type": "application/json"}
    )

    assert response.status_code == 422
    assert response.json()["code"] == "VALIDATION_ERROR"
