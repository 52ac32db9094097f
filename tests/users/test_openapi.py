from __future__ import annotations

from typing import Any

import jsonschema_rs

from tests.support.lambda_client import LambdaClient
from tests.users.helpers import register

# Addresses at the edges of the rule, each as a client would send it.
EMAIL_SAMPLES = [
    "ann@example.org",
    "  Ann.B+Tag@Mail.Example.ORG\t",
    "l" * 64 + "@example.org",
    "l" * 65 + "@example.org",
    "ann@" + "d" * 63 + ".org",
    "ann@" + "d" * 64 + ".org",
    "ann@" + ("d" * 62 + ".") * 3 + "d" * 57 + ".org",
    "ann@" + ("d" * 62 + ".") * 3 + "d" * 58 + ".org",
    "bob@" + ("d" * 62 + ".") * 3 + "d" * 57 + ".org" + " " * 60,
    "ann@example.org\n",
    "ann@example.o",
    "ann@example.org1",
    ".ann@example.org",
    "ann@exämple.org",
]

ROUTES = {
    ("post", "/auth/register"): {"201", "409", "413", "422", "429"},
    ("post", "/auth/login"): {"200", "401", "413", "422", "429"},
    ("post", "/auth/refresh"): {"200", "401", "422"},
    ("post", "/auth/logout"): {"204", "422"},
    ("post", "/auth/oidc/{provider}"): {"200", "401", "404", "409", "422", "503"},
    ("get", "/auth/oidc/{provider}/authorize"): {"302", "404", "422", "503"},
    ("get", "/auth/oidc/{provider}/callback"): {"302", "401", "404", "422"},
    ("post", "/auth/oidc/{provider}/token"): {"200", "401", "404", "422"},
    ("get", "/auth/jwks.json"): {"200"},
    ("get", "/users/me"): {"200", "401"},
    ("patch", "/users/me"): {"200", "401", "422"},
    ("get", "/users"): {"200", "401", "403", "422"},
    ("patch", "/users/{user_id}"): {"200", "401", "403", "404", "422"},
}


def test_the_openapi_document_describes_every_route_and_its_errors(client: LambdaClient) -> None:
    response = client.get("/users/openapi.json")

    assert response.status_code == 200
    paths = response.json()["paths"]
    documented = {
        (method, path): set(operation["responses"])
        for path, operations in paths.items()
        for method, operation in operations.items()
    }
    assert set(documented) == set(ROUTES)
    for route, statuses in ROUTES.items():
        assert statuses <= documented[route], route


def test_the_interactive_docs_are_served_under_users(client: LambdaClient) -> None:
    response = client.get("/users/docs")

    assert response.status_code == 200
    assert "/users/openapi.json" in response.body


def test_an_unknown_route_is_404_and_a_wrong_method_405(client: LambdaClient) -> None:
    assert client.get("/auth/nothing").json()["code"] == "NOT_FOUND"
    assert client.get("/auth/login").json()["code"] == "METHOD_NOT_ALLOWED"


def email_schema(client: LambdaClient) -> dict[str, Any]:
    document = client.get("/users/openapi.json").json()
    schema: dict[str, Any] = document["components"]["schemas"]["UserRegister"]["properties"][
        "email"
    ]
    return schema


def test_the_documented_email_rule_admits_exactly_the_addresses_registration_accepts(
    client: LambdaClient,
) -> None:
    schema = email_schema(client)

    documented = [jsonschema_rs.is_valid(schema, email) for email in EMAIL_SAMPLES]
    accepted = [register(client, email=email).status_code == 201 for email in EMAIL_SAMPLES]

    assert documented == accepted
    assert any(accepted)
    assert not all(accepted)


def test_a_new_password_is_documented_to_need_the_current_one_when_the_account_has_one(
    client: LambdaClient,
) -> None:
    document = client.get("/users/openapi.json").json()
    update_me = document["components"]["schemas"]["UserUpdateMe"]

    assert (
        "needs `current_password` when the account has one"
        in (update_me["properties"]["password"]["description"])
    )
    assert "dependentRequired" not in update_me, "an account made through a provider has none"
