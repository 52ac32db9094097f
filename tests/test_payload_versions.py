"""Every route of every function through each event shape Lambda can receive for HTTP: API Gateway
REST API (payload 1.0), HTTP API (payload 2.0) and a Lambda function URL. Each route answers the same
status and body shape whichever way it is called; cookies, repeated query parameters and
base64-encoded bodies reach the app as the client sent them."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import count
from typing import Any

import pytest
from fastapi import APIRouter, Request, Response

from bookstore.events import function_url_event, http_api_event, rest_api_event
from bookstore.lambda_context import LocalLambdaContext
from functions.books.app import handler as books_handler
from functions.users.app import handler as users_handler
from shared.http.app import create_app
from shared.runtime.handler import create_handler
from tests.books.helpers import isbn13
from tests.support.accounts import Account, make_account, make_book
from tests.support.handlers import HANDLERS
from tests.support.lambda_client import PAYLOAD_VERSIONS, LambdaClient, LambdaResponse, invoke
from tests.support.oidc import (
    CLIENT_REDIRECT_URI,
    PROVIDER,
    MockProvider,
    callback_of,
    sign_in_body,
    sign_in_code,
)
from tests.users.helpers import PASSWORD

VERSION_IDS = {"2.0": "http-api", "1.0": "rest-api", "function-url": "function-url"}

_serials = count(1)


@dataclass(frozen=True)
class Call:
    """One request, and the status it must get."""

    method: str
    path: str
    status: int
    json_body: Any = None
    token: str | None = None
    query: dict[str, str] | None = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class World:
    """The test's database with a customer and an admin, and the calls that make more rows.
    Rows are made anew for each payload version, so each version's call finds the same state."""

    database_url: str
    customer: Account
    admin: Account
    provider: MockProvider

    def ok(self, function: str, method: str, path: str, **kwargs: Any) -> LambdaResponse:
        response = LambdaClient(HANDLERS[function]).request(method, path, **kwargs)
        assert response.status_code < 300, f"{method} {path}: {response.body}"
        return response

    def book(self) -> str:
        return make_book(self.database_url)

    def upcoming_book(self) -> str:
        return make_book(self.database_url, release_date=datetime.now(UTC).date() + timedelta(30))

    def in_cart(self, book_id: str) -> None:
        self.ok(
            "cart",
            "PUT",
            f"/cart/items/{book_id}",
            json_body={"quantity": 1},
            token=self.customer.token,
        )

    def order(self) -> str:
        self.in_cart(self.book())
        return str(self.ok("orders", "POST", "/orders", token=self.customer.token).json()["id"])

    def prebook(self) -> str:
        body = {"book_id": self.upcoming_book(), "quantity": 1}
        answer = self.ok("prebooks", "POST", "/prebooks", json_body=body, token=self.customer.token)
        return str(answer.json()["id"])

    def registered_email(self) -> str:
        email = f"reader{next(_serials)}@example.org"
        body = {"email": email, "password": PASSWORD, "full_name": "Rea Der"}
        self.ok("users", "POST", "/auth/register", json_body=body)
        return email

    def refresh_token(self) -> str:
        body = {"email": self.registered_email(), "password": PASSWORD}
        return str(self.ok("users", "POST", "/auth/login", json_body=body).json()["refresh_token"])


def new_book_body() -> dict[str, Any]:
    return {
        "isbn": isbn13(next(_serials)),
        "title": "A Title",
        "author": "An Author",
        "genre": "Fiction",
        "price": "9.99",
        "stock": 2,
    }


def finish_sign_in(w: World) -> Call:
    path, query = callback_of(HANDLERS["users"], w.provider)
    return Call("GET", path, 302, query=query)


def put_in_emptied_cart(w: World) -> Call:
    w.ok("cart", "DELETE", "/cart", token=w.customer.token)
    return Call("PUT", f"/cart/items/{w.book()}", 200, {"quantity": 2}, w.customer.token)


def remove_from_cart(w: World) -> Call:
    book = w.book()
    w.in_cart(book)
    return Call("DELETE", f"/cart/items/{book}", 200, token=w.customer.token)


def place_order(w: World) -> Call:
    w.in_cart(w.book())
    key = {"Idempotency-Key": f"key-{next(_serials)}"}
    return Call("POST", "/orders", 201, token=w.customer.token, headers=key)


def remove_from_wishlist(w: World) -> Call:
    book = w.book()
    w.ok("wishlist", "PUT", f"/wishlist/{book}", token=w.customer.token)
    return Call("DELETE", f"/wishlist/{book}", 204, token=w.customer.token)


# Every operation of every function, keyed by function, method and the path as its OpenAPI
# document writes it: a valid call of it, made on the world as it is for that payload version.
ROUTES: dict[tuple[str, str, str], Callable[[World], Call]] = {
    ("health", "GET", "/health"): lambda w: Call("GET", "/health", 200),
    ("health", "GET", "/health/db"): lambda w: Call("GET", "/health/db", 200),
    ("health", "GET", "/health/ready"): lambda w: Call("GET", "/health/ready", 200),
    ("users", "POST", "/auth/register"): lambda w: Call(
        "POST",
        "/auth/register",
        201,
        {"email": f"new{next(_serials)}@example.org", "password": PASSWORD, "full_name": "N N"},
    ),
    ("users", "POST", "/auth/login"): lambda w: Call(
        "POST", "/auth/login", 200, {"email": w.registered_email(), "password": PASSWORD}
    ),
    ("users", "POST", "/auth/refresh"): lambda w: Call(
        "POST", "/auth/refresh", 200, {"refresh_token": w.refresh_token()}
    ),
    ("users", "POST", "/auth/logout"): lambda w: Call(
        "POST", "/auth/logout", 204, {"refresh_token": w.refresh_token()}
    ),
    ("users", "POST", "/auth/oidc/{provider}"): lambda w: Call(
        "POST", f"/auth/oidc/{PROVIDER}", 200, sign_in_body(w.provider)
    ),
    ("users", "GET", "/auth/oidc/{provider}/authorize"): lambda w: Call(
        "GET",
        f"/auth/oidc/{PROVIDER}/authorize",
        302,
        query={"redirect_uri": CLIENT_REDIRECT_URI},
    ),
    ("users", "GET", "/auth/oidc/{provider}/callback"): lambda w: finish_sign_in(w),
    ("users", "POST", "/auth/oidc/{provider}/token"): lambda w: Call(
        "POST",
        f"/auth/oidc/{PROVIDER}/token",
        200,
        {"code": sign_in_code(HANDLERS["users"], w.provider)},
    ),
    ("users", "GET", "/auth/jwks.json"): lambda w: Call("GET", "/auth/jwks.json", 200),
    ("users", "GET", "/users/me"): lambda w: Call("GET", "/users/me", 200, token=w.customer.token),
    ("users", "PATCH", "/users/me"): lambda w: Call(
        "PATCH", "/users/me", 200, {"full_name": "Cus Tomer"}, w.customer.token
    ),
    ("users", "GET", "/users"): lambda w: Call(
        "GET", "/users", 200, token=w.admin.token, query={"limit": "1"}
    ),
    ("users", "PATCH", "/users/{user_id}"): lambda w: Call(
        "PATCH",
        f"/users/{make_account(w.database_url).id}",
        200,
        {"role": "admin"},
        w.admin.token,
    ),
    ("books", "GET", "/books"): lambda w: Call(
        "GET", "/books", 200, query={"q": "book", "genre": "fiction", "sort": "-price"}
    ),
    ("books", "GET", "/books/{book_id}"): lambda w: Call("GET", f"/books/{w.book()}", 200),
    ("books", "POST", "/books"): lambda w: Call(
        "POST", "/books", 201, new_book_body(), w.admin.token
    ),
    ("books", "PATCH", "/books/{book_id}"): lambda w: Call(
        "PATCH", f"/books/{w.book()}", 200, {"price": "1.50", "stock": 7}, w.admin.token
    ),
    ("books", "DELETE", "/books/{book_id}"): lambda w: Call(
        "DELETE", f"/books/{w.book()}", 204, token=w.admin.token
    ),
    ("cart", "GET", "/cart"): lambda w: Call("GET", "/cart", 200, token=w.customer.token),
    ("cart", "PUT", "/cart/items/{book_id}"): lambda w: put_in_emptied_cart(w),
    ("cart", "DELETE", "/cart/items/{book_id}"): lambda w: remove_from_cart(w),
    ("cart", "DELETE", "/cart"): lambda w: Call("DELETE", "/cart", 204, token=w.customer.token),
    ("orders", "POST", "/orders"): lambda w: place_order(w),
    ("orders", "GET", "/orders"): lambda w: Call("GET", "/orders", 200, token=w.customer.token),
    ("orders", "GET", "/orders/{order_id}"): lambda w: Call(
        "GET", f"/orders/{w.order()}", 200, token=w.customer.token
    ),
    ("orders", "POST", "/orders/{order_id}/cancel"): lambda w: Call(
        "POST", f"/orders/{w.order()}/cancel", 200, token=w.customer.token
    ),
    ("orders", "PATCH", "/orders/{order_id}"): lambda w: Call(
        "PATCH", f"/orders/{w.order()}", 200, {"status": "paid"}, w.admin.token
    ),
    ("wishlist", "GET", "/wishlist"): lambda w: Call(
        "GET", "/wishlist", 200, token=w.customer.token
    ),
    ("wishlist", "PUT", "/wishlist/{book_id}"): lambda w: Call(
        "PUT", f"/wishlist/{w.book()}", 201, token=w.customer.token
    ),
    ("wishlist", "DELETE", "/wishlist/{book_id}"): lambda w: remove_from_wishlist(w),
    ("prebooks", "POST", "/prebooks"): lambda w: Call(
        "POST", "/prebooks", 201, {"book_id": w.upcoming_book(), "quantity": 2}, w.customer.token
    ),
    ("prebooks", "GET", "/prebooks"): lambda w: Call(
        "GET", "/prebooks", 200, token=w.customer.token
    ),
    ("prebooks", "DELETE", "/prebooks/{prebook_id}"): lambda w: Call(
        "DELETE", f"/prebooks/{w.prebook()}", 204, token=w.customer.token
    ),
}


def document_call(path: str) -> Callable[[World], Call]:
    return lambda w: Call("GET", path, 200)


# Each function's own documents, which its OpenAPI document does not list.
for _name in HANDLERS:
    for _path in (f"/{_name}/openapi.json", f"/{_name}/docs"):
        ROUTES[(_name, "GET", _path)] = document_call(_path)


def documented_routes() -> set[tuple[str, str, str]]:
    """Every operation each function's OpenAPI document lists, and the two documents."""
    routes: set[tuple[str, str, str]] = set()
    for name, handler in HANDLERS.items():
        document = LambdaClient(handler).get(f"/{name}/openapi.json").json()
        for path, path_item in document["paths"].items():
            routes.update((name, method.upper(), path) for method in path_item)
        routes.update({(name, "GET", f"/{name}/openapi.json"), (name, "GET", f"/{name}/docs")})
    return routes


def shape(value: Any) -> Any:
    """The structure of a JSON value without its data: keys, list lengths and value types."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in sorted(value.items())}
    if isinstance(value, list):
        return [shape(item) for item in value]
    return type(value).__name__


def answer(response: LambdaResponse) -> tuple[int, str, Any]:
    if not response.body:
        # Mangum gives every payload-2.0 answer a Content-Type, an empty 204 too.
        return response.status_code, "", None
    content_type = response.headers.get("content-type", "")
    body = shape(response.json()) if "json" in content_type else response.body
    return response.status_code, content_type, body


@pytest.fixture
def world(database_url: str, customer: Account, admin: Account, provider: MockProvider) -> World:
    return World(database_url, customer, admin, provider)


def test_the_table_holds_every_route_of_every_function() -> None:
    assert set(ROUTES) == documented_routes()


@pytest.mark.parametrize("route", sorted(ROUTES), ids=lambda route: " ".join(route[1:]))
def test_a_route_answers_alike_through_rest_http_api_and_function_url_events(
    route: tuple[str, str, str], world: World
) -> None:
    answers: dict[str, tuple[int, str, Any]] = {}
    for version in PAYLOAD_VERSIONS:
        call = ROUTES[route](world)
        client = LambdaClient(HANDLERS[route[0]], payload_version=version)
        response = client.request(
            call.method,
            call.path,
            json_body=call.json_body,
            token=call.token,
            query=call.query,
            headers=call.headers,
        )
        assert response.status_code == call.status, f"{version}: {response.body}"
        assert response.headers["x-request-id"]
        answers[version] = answer(response)

    assert answers["1.0"] == answers["2.0"]
    assert answers["function-url"] == answers["2.0"]


# A function of the tests' own, built like every function, that answers what reached it.
echo_router = APIRouter(prefix="/echo")


@echo_router.post("/{name}")
async def echo(name: str, request: Request, response: Response) -> dict[str, Any]:
    response.set_cookie("seen", name)
    body = await request.body()
    return {
        "name": name,
        "cookies": dict(request.cookies),
        "query": [list(item) for item in request.query_params.multi_items()],
        "body": base64.b64encode(body).decode(),
        "host": request.headers.get("host"),
        "scheme": request.url.scheme,
    }


echo_handler = create_handler(create_app("echo", echo_router, title="Echo"))

MAKE_EVENT: dict[str, Callable[..., dict[str, Any]]] = {
    "2.0": http_api_event,
    "1.0": rest_api_event,
    "function-url": function_url_event,
}
EVERY_VERSION = pytest.mark.parametrize(
    "version", PAYLOAD_VERSIONS, ids=[VERSION_IDS[version] for version in PAYLOAD_VERSIONS]
)


def echoed(event: dict[str, Any]) -> dict[str, Any]:
    response = invoke(echo_handler, event)
    assert response.status_code == 200, response.body
    body: dict[str, Any] = response.json()
    return body


@EVERY_VERSION
def test_cookies_reach_the_app_from_the_cookies_list_or_the_cookie_header(version: str) -> None:
    event = MAKE_EVENT[version](
        "POST", "/echo/cookies", headers={"Cookie": "session=abc123; theme=dark"}
    )
    if version == "1.0":
        assert event["headers"]["Cookie"] == "session=abc123; theme=dark"
    else:
        assert event["cookies"] == ["session=abc123", "theme=dark"]
        assert "cookie" not in event["headers"]

    assert echoed(event)["cookies"] == {"session": "abc123", "theme": "dark"}


@EVERY_VERSION
def test_a_cookie_the_app_sets_goes_back_in_the_place_of_the_payload_version(version: str) -> None:
    raw = echo_handler(MAKE_EVENT[version]("POST", "/echo/back"), LocalLambdaContext())

    if version == "1.0":
        assert raw["headers"]["set-cookie"].startswith("seen=back;")
    else:
        [cookie] = raw["cookies"]
        assert cookie.startswith("seen=back;")
        assert "set-cookie" not in raw["headers"]


@EVERY_VERSION
def test_a_repeated_query_parameter_reaches_the_app_with_every_value_in_order(
    version: str,
) -> None:
    query = {"tag": ["b", "a", "b"], "q": "two words", "empty": ""}
    event = MAKE_EVENT[version]("POST", "/echo/query", query=query)
    if version == "1.0":
        assert event["multiValueQueryStringParameters"]["tag"] == ["b", "a", "b"]
        assert event["queryStringParameters"]["tag"] == "b"
    else:
        assert event["rawQueryString"] == "tag=b&tag=a&tag=b&q=two+words&empty="
        assert event["queryStringParameters"]["tag"] == "b,a,b"

    assert echoed(event)["query"] == [
        ["tag", "b"],
        ["tag", "a"],
        ["tag", "b"],
        ["q", "two words"],
        ["empty", ""],
    ]


@EVERY_VERSION
def test_a_value_with_a_comma_stays_one_value_although_http_apis_join_repeats_with_commas(
    version: str,
) -> None:
    event = MAKE_EVENT[version]("POST", "/echo/comma", query={"author": "Pratchett, Terry"})

    assert echoed(event)["query"] == [["author", "Pratchett, Terry"]]


@EVERY_VERSION
@pytest.mark.parametrize(
    "body", [b'{"text": "Gr\xc3\xbc\xc3\x9fe \xe2\x9c\x93"}', b"\x00\xff\xfe binary"]
)
def test_a_base64_encoded_body_reaches_the_app_as_the_bytes_sent(version: str, body: bytes) -> None:
    event = MAKE_EVENT[version]("POST", "/echo/body", body=body, base64_body=True)
    assert event["isBase64Encoded"] is True
    assert base64.b64decode(event["body"]) == body

    assert base64.b64decode(echoed(event)["body"]) == body


def test_a_function_url_event_names_its_own_host_and_reaches_the_app_over_https() -> None:
    event = function_url_event("POST", "/echo/url")
    host = event["requestContext"]["domainName"]

    assert host.endswith(".lambda-url.us-east-1.on.aws")
    assert event["requestContext"]["domainPrefix"] == host.split(".")[0]
    assert (event["routeKey"], event["requestContext"]["routeKey"]) == ("$default", "$default")
    assert (event["pathParameters"], event["stageVariables"]) == (None, None)
    assert echoed(event) | {"body": ""} == {
        "name": "url",
        "cookies": {},
        "query": [],
        "body": "",
        "host": host,
        "scheme": "https",
    }


@EVERY_VERSION
def test_a_real_function_reads_a_base64_encoded_json_body(version: str, admin: Account) -> None:
    book = new_book_body()

    response = LambdaClient(books_handler, payload_version=version).post(
        "/books", raw_body=json.dumps(book), token=admin.token, base64_body=True
    )

    assert response.status_code == 201, response.body
    assert response.json()["isbn"] == book["isbn"]


@EVERY_VERSION
def test_a_function_url_sends_a_json_body_without_a_content_type_base64_encoded_and_it_is_read(
    version: str, database_url: str
) -> None:
    body = {"email": "url@example.org", "password": PASSWORD, "full_name": "Ur L"}
    event = MAKE_EVENT[version]("POST", "/auth/register", body=json.dumps(body))
    assert event["isBase64Encoded"] is (version == "function-url")

    response = invoke(users_handler, event)

    assert response.status_code == 201, response.body
    assert response.json()["email"] == "url@example.org"
