from __future__ import annotations

import uuid
from typing import Any

import pytest

from bookstore.events import http_api_event
from bookstore.lambda_context import LocalLambdaContext
from functions.users.app import handler
from shared.runtime.operator_actions import ActionFailed
from tests.support.databases import sql
from tests.support.lambda_client import LambdaClient
from tests.support.pages import Page, walk_pages
from tests.users.helpers import login, promote_admin, register, signed_up, signed_up_admin

CUSTOMER_ROUTES = [("GET", "/users"), ("PATCH", f"/users/{uuid.UUID(int=1)}")]


@pytest.mark.parametrize(("method", "path"), CUSTOMER_ROUTES)
def test_a_customer_calling_an_admin_route_is_403_forbidden(
    any_client: LambdaClient, method: str, path: str
) -> None:
    pair = signed_up(any_client)

    response = any_client.request(
        method, path, token=pair["access_token"], json_body={"role": "admin"}
    )

    assert response.status_code == 403
    assert response.json() == {"detail": "This route needs an admin", "code": "AUTH_FORBIDDEN"}


@pytest.mark.parametrize(("method", "path"), CUSTOMER_ROUTES)
def test_an_admin_route_without_a_token_is_401(
    client: LambdaClient, method: str, path: str
) -> None:
    response = client.request(method, path, json_body={"role": "admin"})

    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


def test_an_admin_lists_every_user_page_by_page(any_client: LambdaClient) -> None:
    admin = signed_up_admin(any_client)
    emails = [f"user{n}@example.org" for n in range(4)]
    for email in emails:
        register(any_client, email=email)

    late = ["late@example.org"]

    def someone_registers_after_the_first_page(page: Page) -> None:
        if late:
            register(any_client, email=late.pop())

    users = walk_pages(
        any_client,
        "/users",
        token=admin["access_token"],
        limit=3,
        between_pages=someone_registers_after_the_first_page,
    )

    assert [len(page["items"]) for page in users.pages] == [3, 3]
    seen = [user["email"] for user in users.items]
    assert seen == ["root@example.org", *emails, "late@example.org"]
    assert set(users.items[0]) == {"id", "email", "full_name", "role", "created_at"}


def test_an_admins_list_includes_disabled_accounts(client: LambdaClient, database_url: str) -> None:
    admin = signed_up_admin(client)
    register(client, email="gone@example.org")
    sql(database_url, "UPDATE users SET is_active = false WHERE email = 'gone@example.org'")

    response = client.get("/users", token=admin["access_token"])

    assert [user["email"] for user in response.json()["items"]] == [
        "root@example.org",
        "gone@example.org",
    ]


def test_an_admin_promotes_a_customer_who_then_gets_admin_tokens(client: LambdaClient) -> None:
    admin = signed_up_admin(client)
    bob = signed_up(client, email="bob@example.org")

    response = client.patch(
        f"/users/{bob['user']['id']}", token=admin["access_token"], json_body={"role": "admin"}
    )

    assert response.status_code == 200
    assert response.json() == {**bob["user"], "role": "admin"}
    fresh = login(client, email="bob@example.org").json()
    assert client.get("/users", token=fresh["access_token"]).status_code == 200


def test_a_refresh_carries_the_role_changed_since_login(client: LambdaClient) -> None:
    admin = signed_up_admin(client)
    bob = signed_up(client, email="bob@example.org")
    client.patch(
        f"/users/{bob['user']['id']}", token=admin["access_token"], json_body={"role": "admin"}
    )

    refreshed = client.post("/auth/refresh", json_body={"refresh_token": bob["refresh_token"]})

    assert client.get("/users", token=refreshed.json()["access_token"]).status_code == 200


def test_patching_an_unknown_user_is_404_user_not_found(client: LambdaClient) -> None:
    admin = signed_up_admin(client)

    response = client.patch(
        f"/users/{uuid.uuid4()}", token=admin["access_token"], json_body={"role": "admin"}
    )

    assert response.status_code == 404
    assert response.json() == {
        "detail": "User not found",
        "code": "USER_NOT_FOUND",
        "field": "user_id",
    }


def test_promote_admin_by_direct_invocation_makes_a_registered_user_admin(
    client: LambdaClient,
) -> None:
    user = register(client, email="Ops@Example.org").json()

    result = promote_admin("  OPS@example.org ")

    assert result == {"ok": True, "user_id": user["id"], "role": "admin", "changed": True}
    assert promote_admin("ops@example.org")["changed"] is False
    token = login(client, email="ops@example.org").json()["access_token"]
    assert client.get("/users/me", token=token).json()["role"] == "admin"


def test_promote_admin_of_an_unknown_email_fails_and_creates_nothing(client: LambdaClient) -> None:
    with pytest.raises(ActionFailed) as failed:
        promote_admin("ghost@example.org")

    assert failed.value.code == "USER_NOT_FOUND"
    assert login(client, email="ghost@example.org").status_code == 401


@pytest.mark.parametrize(
    "event",
    [
        {"action": "promote-admin"},
        {"action": "promote-admin", "email": "not an email"},
        {"action": "promote-admin", "email": 42},
        {"action": "drop-tables"},
    ],
)
def test_a_malformed_direct_invocation_fails(database_url: str, event: dict[str, Any]) -> None:
    with pytest.raises(ActionFailed) as failed:
        handler(event, LocalLambdaContext())

    assert failed.value.code in {"VALIDATION_ERROR", "UNKNOWN_ACTION"}


def test_an_api_gateway_event_carrying_an_action_key_is_served_as_http(
    client: LambdaClient,
) -> None:
    register(client, email="eve@example.org")
    event = http_api_event("GET", "/users/me")
    event.update(action="promote-admin", email="eve@example.org")

    answer = handler(event, LocalLambdaContext())

    assert answer["statusCode"] == 401
    token = login(client, email="eve@example.org").json()["access_token"]
    assert client.get("/users/me", token=token).json()["role"] == "customer"
