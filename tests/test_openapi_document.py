"""One OpenAPI document for the whole API: readable operationIds unique across every function,
merged from the functions' own documents, served by the Health function from the copy committed
with it, which must be what `bookstore openapi` generates today."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from bookstore.cli import main
from bookstore.openapi import (
    COMMITTED_DOCUMENT,
    REGENERATE,
    DocumentConflict,
    api_document,
    function_documents,
    merge,
    render,
)
from bookstore.template import Route, http_routes, load_template
from functions.health.app import handler as health_handler
from shared.http.json_body import JSON_BODY_RULE
from shared.version import __version__
from tests.support.handlers import HANDLERS
from tests.support.lambda_client import LambdaClient

# The names clients call: renaming one breaks every generated client, so it is a decision.
OPERATION_IDS = {
    ("get", "/health"): "checkLiveness",
    ("get", "/health/db"): "checkDatabase",
    ("get", "/health/ready"): "checkReadiness",
    ("post", "/auth/register"): "register",
    ("post", "/auth/login"): "login",
    ("post", "/auth/refresh"): "refreshTokens",
    ("post", "/auth/logout"): "logout",
    ("post", "/auth/oidc/{provider}"): "signInWithIdToken",
    ("get", "/auth/oidc/{provider}/authorize"): "startSignIn",
    ("get", "/auth/oidc/{provider}/callback"): "finishSignIn",
    ("post", "/auth/oidc/{provider}/token"): "redeemSignInCode",
    ("get", "/auth/jwks.json"): "jwks",
    ("get", "/users/me"): "getMe",
    ("patch", "/users/me"): "updateMe",
    ("get", "/users"): "listUsers",
    ("patch", "/users/{user_id}"): "setUserRole",
    ("get", "/books"): "listBooks",
    ("post", "/books"): "createBook",
    ("get", "/books/{book_id}"): "getBook",
    ("patch", "/books/{book_id}"): "updateBook",
    ("delete", "/books/{book_id}"): "deleteBook",
    ("get", "/cart"): "getCart",
    ("delete", "/cart"): "clearCart",
    ("put", "/cart/items/{book_id}"): "setCartItem",
    ("delete", "/cart/items/{book_id}"): "removeCartItem",
    ("post", "/orders"): "placeOrder",
    ("get", "/orders"): "listOrders",
    ("get", "/orders/{order_id}"): "getOrder",
    ("patch", "/orders/{order_id}"): "updateOrderStatus",
    ("post", "/orders/{order_id}/cancel"): "cancelOrder",
    ("get", "/wishlist"): "listWishlist",
    ("put", "/wishlist/{book_id}"): "addToWishlist",
    ("delete", "/wishlist/{book_id}"): "removeFromWishlist",
    ("post", "/prebooks"): "createPrebook",
    ("get", "/prebooks"): "listPrebooks",
    ("delete", "/prebooks/{prebook_id}"): "cancelPrebook",
}
CAMEL_CASE = re.compile(r"[a-z]+(?:[A-Z][a-z0-9]*)*")
FUNCTIONS = ["health", "users", "books", "cart", "orders", "wishlist", "prebooks"]


def operations(document: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {
        (method, path): operation
        for path, path_item in document["paths"].items()
        for method, operation in path_item.items()
    }


@pytest.fixture(scope="module")
def own_documents() -> dict[str, dict[str, Any]]:
    """Each function's own document, as it serves it at /<name>/openapi.json."""
    return {
        name: LambdaClient(handler).get(f"/{name}/openapi.json").json()
        for name, handler in HANDLERS.items()
    }


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return api_document()


def test_the_committed_document_is_the_one_bookstore_openapi_generates(
    document: dict[str, Any],
) -> None:
    committed = COMMITTED_DOCUMENT.read_text(encoding="utf-8")

    assert committed == render(document), (
        f"functions/health/openapi.json is out of date: run `{REGENERATE}` and commit it"
    )


def test_no_two_operations_of_the_whole_api_share_an_operation_id(
    own_documents: dict[str, dict[str, Any]],
) -> None:
    ids = [
        operation["operationId"]
        for own in own_documents.values()
        for operation in operations(own).values()
    ]

    assert sorted(ids) == sorted(set(ids))
    assert [i for i in ids if not CAMEL_CASE.fullmatch(i)] == []


def test_every_operation_is_named_by_its_endpoint_in_camel_case(
    own_documents: dict[str, dict[str, Any]],
) -> None:
    named = {
        route: operation["operationId"]
        for own in own_documents.values()
        for route, operation in operations(own).items()
    }

    assert named == OPERATION_IDS


def test_the_merged_document_holds_every_function_s_operations_as_it_serves_them(
    document: dict[str, Any], own_documents: dict[str, dict[str, Any]]
) -> None:
    merged = operations(document)
    expected = {
        route: operation | {"tags": [name]}
        for name, own in own_documents.items()
        for route, operation in operations(own).items()
    }

    assert merged == expected


def test_the_merged_document_unites_every_function_s_schemas(
    document: dict[str, Any], own_documents: dict[str, dict[str, Any]]
) -> None:
    schemas = document["components"]["schemas"]

    for own in own_documents.values():
        for name, schema in own["components"]["schemas"].items():
            assert schemas[name] == schema, name
    assert list(schemas) == sorted(schemas)
    assert (
        document["components"]["securitySchemes"]
        == (own_documents["books"]["components"]["securitySchemes"])
    )


def test_the_merged_document_has_one_info_and_a_tag_per_function(
    document: dict[str, Any], own_documents: dict[str, dict[str, Any]]
) -> None:
    tags = {tag["name"]: tag["description"] for tag in document["tags"]}

    assert document["info"]["title"] == "Bookstore API"
    assert document["info"]["version"] == __version__
    assert document["info"]["description"].endswith(JSON_BODY_RULE)
    assert list(tags) == FUNCTIONS
    for name, description in tags.items():
        assert description
        assert JSON_BODY_RULE not in description
        assert own_documents[name]["info"]["description"].startswith(description)


def small_document(
    paths: dict[str, Any] | None = None, schemas: dict[str, Any] | None = None
) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1", "description": "d"},
        "paths": paths or {},
        "components": {"schemas": schemas or {}},
    }


def test_merging_keeps_one_copy_of_a_schema_two_functions_define_alike() -> None:
    error = {"type": "object", "properties": {"code": {"type": "string"}}}

    merged = merge(
        {
            "a": small_document(schemas={"ErrorBody": error}),
            "b": small_document(schemas={"ErrorBody": error}),
        }
    )

    assert merged["components"]["schemas"] == {"ErrorBody": error}


def test_merging_refuses_a_schema_name_two_functions_define_differently() -> None:
    documents = {
        "a": small_document(schemas={"Item": {"type": "object"}}),
        "b": small_document(schemas={"Item": {"type": "string"}}),
    }

    with pytest.raises(DocumentConflict, match=r"components/schemas/Item .* a and b"):
        merge(documents)


def test_merging_refuses_an_operation_id_two_functions_both_use() -> None:
    documents = {
        "a": small_document({"/a": {"get": {"operationId": "getItem", "responses": {}}}}),
        "b": small_document({"/b": {"get": {"operationId": "getItem", "responses": {}}}}),
    }

    with pytest.raises(
        DocumentConflict, match=r"operationId getItem names GET /a \(a\) and GET /b"
    ):
        merge(documents)


def test_merging_refuses_an_operation_two_functions_both_document() -> None:
    documents = {
        "a": small_document({"/x": {"get": {"operationId": "one", "responses": {}}}}),
        "b": small_document({"/x": {"get": {"operationId": "two", "responses": {}}}}),
    }

    with pytest.raises(DocumentConflict, match=r"GET /x is in both a and b"):
        merge(documents)


def test_the_health_function_serves_the_committed_document_at_openapi_json() -> None:
    response = LambdaClient(health_handler).get("/openapi.json")

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == json.loads(COMMITTED_DOCUMENT.read_text(encoding="utf-8"))


def test_the_health_function_serves_interactive_docs_of_the_whole_api_at_docs() -> None:
    response = LambdaClient(health_handler).get("/docs")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "url: '/openapi.json'" in response.body


@pytest.mark.parametrize("name", FUNCTIONS)
def test_each_function_still_serves_its_own_document_and_docs(name: str) -> None:
    client = LambdaClient(HANDLERS[name])

    own = client.get(f"/{name}/openapi.json")
    docs = client.get(f"/{name}/docs")

    assert own.status_code == 200
    assert own.json()["paths"]
    assert docs.status_code == 200
    assert f"/{name}/openapi.json" in docs.body


def test_the_template_routes_the_api_document_and_its_docs_to_the_health_function() -> None:
    routes = http_routes(load_template())

    assert Route("HealthFunction", "GET", "/openapi.json") in routes
    assert Route("HealthFunction", "GET", "/docs") in routes


def run_main(*argv: str) -> int:
    with pytest.raises(SystemExit) as exit_info:
        main(list(argv))
    return int(exit_info.value.code or 0)


def test_bookstore_openapi_prints_the_merged_document(
    document: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    code = run_main("openapi")

    assert code == 0
    assert json.loads(capsys.readouterr().out) == document


def test_bookstore_openapi_writes_the_document_to_the_output_file(
    document: dict[str, Any], tmp_path: Path
) -> None:
    output = tmp_path / "openapi.json"

    code = run_main("openapi", "--output", str(output))

    assert code == 0
    assert output.read_text(encoding="utf-8") == render(document)


def test_bookstore_openapi_merges_the_documents_each_function_serves(
    own_documents: dict[str, dict[str, Any]],
) -> None:
    assert function_documents() == own_documents
