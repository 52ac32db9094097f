"""Request bodies through the real handlers: JSON is read with or without a Content-Type, any
other media type is a 415, a body Python cannot decode is a 422 like any malformed JSON, and so is
text no column can store (a NUL, a lone surrogate) anywhere in one."""

from __future__ import annotations

import importlib
import json
import re
from typing import Any

import pytest

from bookstore.events import http_api_event, rest_api_event
from functions.books.app import handler as books_handler
from functions.users.app import handler as users_handler
from shared.auth.tokens import create_access_token
from shared.db.ids import new_id
from tests.books.helpers import HOBBIT
from tests.support.databases import sql
from tests.support.handlers import HANDLERS
from tests.support.lambda_client import LambdaClient, LambdaResponse, invoke
from tests.users.helpers import PASSWORD

REGISTER = {"email": "ann@example.org", "password": PASSWORD, "full_name": "Ann Example"}
REGISTER_TEXT = json.dumps(REGISTER)
PAYLOAD_VERSIONS = pytest.mark.parametrize("payload_version", ["2.0", "1.0"])


def users(payload_version: str = "2.0") -> LambdaClient:
    return LambdaClient(users_handler, payload_version=payload_version)


def user_count(database_url: str) -> int:
    return int(sql(database_url, "SELECT count(*) AS n FROM users")[0]["n"])


def register_raw(body: bytes, *, payload_version: str = "2.0", **headers: str) -> LambdaResponse:
    """POST /auth/register with exactly these bytes, base64-encoded by the event when not UTF-8."""
    make_event = http_api_event if payload_version == "2.0" else rest_api_event
    return invoke(users_handler, make_event("POST", "/auth/register", headers=headers, body=body))


def assert_body_is_invalid_json(response: LambdaResponse) -> dict[str, Any]:
    assert response.status_code == 422, response.body
    body = response.json()
    assert body["code"] == "VALIDATION_ERROR"
    assert "field" not in body
    [error] = body["detail"]
    assert error["type"] == "json_invalid"
    assert error["loc"][0] == "body"
    assert "Traceback" not in response.body
    return dict(error)


@PAYLOAD_VERSIONS
def test_a_json_body_without_a_content_type_is_read_as_json(
    database_url: str, payload_version: str
) -> None:
    response = users(payload_version).post("/auth/register", raw_body=REGISTER_TEXT)

    assert response.status_code == 201, response.body
    assert response.json()["email"] == "ann@example.org"
    assert user_count(database_url) == 1


@pytest.mark.parametrize(
    "content_type",
    ["application/json; charset=utf-8", "Application/JSON", "application/vnd.bookstore+json"],
)
def test_json_media_types_with_parameters_or_a_json_suffix_are_accepted(
    database_url: str, content_type: str
) -> None:
    response = users().post(
        "/auth/register", raw_body=REGISTER_TEXT, headers={"content-type": content_type}
    )

    assert response.status_code == 201, response.body


@PAYLOAD_VERSIONS
@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "text/plain; charset=utf-8", "application/x-www-form-urlencoded", "text/json"],
)
def test_a_body_of_another_media_type_is_415_naming_the_header_and_writes_nothing(
    database_url: str, payload_version: str, content_type: str
) -> None:
    response = users(payload_version).post(
        "/auth/register", raw_body=REGISTER_TEXT, headers={"Content-Type": content_type}
    )

    assert response.status_code == 415, response.body
    body = response.json()
    assert set(body) == {"detail", "code"}
    assert body["code"] == "UNSUPPORTED_MEDIA_TYPE"
    assert "Content-Type: application/json" in body["detail"]
    assert response.headers["x-request-id"]
    assert user_count(database_url) == 0


def test_an_admin_route_also_refuses_another_media_type_and_accepts_a_missing_one(
    database_url: str,
) -> None:
    books = LambdaClient(books_handler)
    token = create_access_token(new_id(), "admin")[0]
    body = json.dumps(HOBBIT)

    refused = books.post(
        "/books", token=token, raw_body=body, headers={"content-type": "text/plain"}
    )
    assert (refused.status_code, refused.json()["code"]) == (415, "UNSUPPORTED_MEDIA_TYPE")
    assert sql(database_url, "SELECT count(*) AS n FROM books")[0]["n"] == 0

    created = books.post("/books", token=token, raw_body=body)
    assert created.status_code == 201, created.body
    assert created.json()["isbn"] == "9780261102217"


def test_a_route_without_a_body_ignores_the_content_type(database_url: str) -> None:
    response = LambdaClient(books_handler).get(
        "/books", raw_body="hello", headers={"content-type": "text/plain"}
    )

    assert response.status_code == 200, response.body


def test_a_body_without_a_content_type_that_is_not_json_is_a_json_error(database_url: str) -> None:
    error = assert_body_is_invalid_json(users().post("/auth/register", raw_body='{"email": '))

    assert error["loc"] == ["body", 10]
    assert user_count(database_url) == 0


@PAYLOAD_VERSIONS
@pytest.mark.parametrize("content_type", [None, "application/json"])
def test_a_body_that_is_not_utf_8_is_422_at_the_first_bad_byte_and_writes_nothing(
    database_url: str, payload_version: str, content_type: str | None
) -> None:
    headers = {"content-type": content_type} if content_type else {}
    bad = b'{"email": "ann@example.org", "full_name": "Ann \xe9xample"}'

    response = register_raw(bad, payload_version=payload_version, **headers)

    error = assert_body_is_invalid_json(response)
    assert error["loc"] == ["body", bad.index(b"\xe9")]
    assert user_count(database_url) == 0


@pytest.mark.parametrize(
    # Nested far past the decoder's recursion limit, yet under the body cap.
    "text",
    ["[" * 50_000, '{"a": ' * 10_000, "1" * 5_000],
    ids=["array", "object", "digits"],
)
def test_json_python_cannot_decode_is_422_never_400_or_500(database_url: str, text: str) -> None:
    response = users().post(
        "/auth/register", raw_body=text, headers={"content-type": "application/json"}
    )

    error = assert_body_is_invalid_json(response)
    assert error["loc"] == ["body"]
    assert user_count(database_url) == 0


@PAYLOAD_VERSIONS
@pytest.mark.parametrize(
    ("text", "location", "field"),
    [
        (
            '{"email": "ann@example.org", "password": "pass\\u0000word", "full_name": "Ann"}',
            ["body", "password"],
            "password",
        ),
        (
            '{"email": "ann@example.org", "password": "password", "full_name": "Ann \\ud800"}',
            ["body", "full_name"],
            "full_name",
        ),
        ('{"email": "ann@example.org", "\\udfff": 1}', ["body"], None),
        (
            '{"email": "ann@example.org", "extra": {"a": ["\\u0000"]}}',
            ["body", "extra", "a", 0],
            "extra.a.0",
        ),
    ],
    ids=["nul-in-a-field", "surrogate-in-a-field", "surrogate-in-a-key", "nul-nested"],
)
def test_a_nul_or_a_lone_surrogate_anywhere_in_a_body_is_422_naming_where_and_writes_nothing(
    database_url: str, payload_version: str, text: str, location: list[str | int], field: str | None
) -> None:
    response = users(payload_version).post("/auth/register", raw_body=text)

    assert response.status_code == 422, response.body
    body = response.json()
    assert body["code"] == "VALIDATION_ERROR"
    assert body.get("field") == field
    [error] = body["detail"]
    assert (error["type"], error["loc"]) == ("text", location)
    assert user_count(database_url) == 0


def test_the_openapi_document_states_the_rule_and_lists_415_on_routes_with_a_body(
    database_url: str,
) -> None:
    document = users().get("/users/openapi.json").json()

    assert "Content-Type: application/json" in document["info"]["description"]
    assert "NUL character or a lone surrogate" in document["info"]["description"]
    register = document["paths"]["/auth/register"]["post"]["responses"]
    assert register["415"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorBody"
    }
    assert "415" not in document["paths"]["/users/me"]["get"]["responses"]


def _body_operations() -> list[tuple[str, str, str]]:
    operations = []
    for name in HANDLERS:
        app = importlib.import_module(f"functions.{name}.app").app
        for path, item in app.openapi()["paths"].items():
            for method, operation in item.items():
                if "requestBody" in operation:
                    operations.append((name, method.upper(), path))
    return operations


BODY_OPERATIONS = _body_operations()


def test_the_body_operations_are_found_in_the_openapi_documents() -> None:
    # Else the test below would have no cases, and pass by checking nothing.
    assert {("books", "POST", "/books"), ("users", "POST", "/auth/register")} <= set(
        BODY_OPERATIONS
    )


@pytest.mark.parametrize(("function", "method", "path"), BODY_OPERATIONS)
def test_every_operation_with_a_body_refuses_another_media_type_before_anything_else(
    database_url: str, function: str, method: str, path: str
) -> None:
    concrete = re.sub(r"\{[^}]+\}", str(new_id()), path)
    event = http_api_event(
        method, concrete, headers={"content-type": "text/plain"}, body=json.dumps({"a": 1})
    )

    response = invoke(HANDLERS[function], event)

    assert response.status_code == 415, response.body
    assert response.json()["code"] == "UNSUPPORTED_MEDIA_TYPE"
