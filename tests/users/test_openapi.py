from __future__ import annotations

from tests.support.lambda_client import LambdaClient

ROUTES = {
    ("post", "/auth/register"): {"201", "409", "422"},
    ("post", "/auth/login"): {"200", "401", "422"},
    ("post", "/auth/refresh"): {"200", "401", "422"},
    ("post", "/auth/logout"): {"204", "422"},
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
