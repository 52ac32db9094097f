"""Input at the edges, through every operation each function's OpenAPI document lists: NUL and lone
surrogates in every string field, query parameter and path parameter, numbers past every range in
every numeric field, a 10 MB body and JSON nested 100 000 deep. Each is refused with a 4xx in the
API.md error shape (or, where the value is genuinely acceptable, answered with a 2xx), never a 5xx,
and no database error text reaches a response or a log line.

Requests are otherwise valid and made as an admin on rows that exist, so that nothing but the edge
value can stop them before the database.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache, cached_property
from typing import Any
from urllib.parse import parse_qsl, quote

import pytest

from bookstore.events import http_api_event
from functions.cart.app import handler as cart_handler
from functions.orders.app import handler as orders_handler
from functions.prebooks.app import handler as prebooks_handler
from functions.users.app import handler as users_handler
from functions.users.passwords import hash_password
from tests.support.accounts import Account, make_account, make_book
from tests.support.databases import sql
from tests.support.handlers import HANDLERS
from tests.support.lambda_client import LambdaClient, LambdaResponse, invoke
from tests.support.logs import CapturedLogs, captured_logs
from tests.support.oidc import (
    CLIENT_REDIRECT_URI,
    PROVIDER,
    MockProvider,
    sign_in_body,
    sign_in_code,
)
from tests.users.helpers import NEW_PASSWORD, PASSWORD

# What a database error carries, which neither a response nor a log line may show.
DATABASE_ERROR_TEXT = re.compile(
    "asyncpg|sqlalchemy|psycopg|invalid byte sequence|out of range for type|SQLSTATE|DataError|"
    "NumericValueOutOfRange|CharacterNotInRepertoire|UntranslatableCharacter|Traceback",
    re.IGNORECASE,
)
# JSON text, so that a surrogate can be sent alone: JSON's \u escapes can spell one, UTF-8 cannot.
NUL = "\\u0000"
LONE_SURROGATES = ("\\ud800", "\\udfff")
# Numbers past a 32-bit and a 64-bit integer, past PostgreSQL's numeric and past a double, as JSON.
OUT_OF_RANGE_NUMBERS = (
    "1e308",
    "-1e308",
    "1e309",
    "2147483648",
    "-2147483649",
    "9223372036854775808",
    "-9223372036854775809",
    "18446744073709551616",
    "1" + "0" * 40,
    "-1" + "0" * 40,
)
# The same as text, for string fields that carry numbers (money) and for query and path parameters.
OUT_OF_RANGE_NUMERALS = (
    *OUT_OF_RANGE_NUMBERS,
    "100000000.00",
    "99999999.999",
    "-0.01",
    "NaN",
    "Infinity",
)
TEN_MEGABYTES = 10 * 1024 * 1024
DEEP = 100_000


@dataclass(frozen=True)
class Operation:
    function: str
    method: str
    path: str
    parameters: list[dict[str, Any]]
    body_schema: dict[str, Any] | None
    components: dict[str, Any] = field(repr=False)

    @property
    def id(self) -> str:
        return f"{self.method} {self.path}"

    def parameters_in(self, place: str) -> list[dict[str, Any]]:
        return [parameter for parameter in self.parameters if parameter["in"] == place]

    def body_fields(self) -> dict[str, dict[str, Any]]:
        """Each top-level field of the JSON body, with its schema (refs and nullable unions
        resolved)."""
        if self.body_schema is None:
            return {}
        schema = self.resolve(self.body_schema)
        return {name: self.resolve(sub) for name, sub in schema.get("properties", {}).items()}

    def resolve(self, schema: dict[str, Any]) -> dict[str, Any]:
        if "$ref" in schema:
            return self.resolve(self.components[schema["$ref"].rsplit("/", 1)[-1]])
        branches = [branch for branch in schema.get("anyOf", []) if branch != {"type": "null"}]
        if len(branches) == 1:
            return {**schema, **self.resolve(branches[0])}
        return schema


def load_operations() -> list[Operation]:
    operations = []
    for name, handler in HANDLERS.items():
        document = LambdaClient(handler).get(f"/{name}/openapi.json").json()
        components = document.get("components", {}).get("schemas", {})
        for path, path_item in document["paths"].items():
            for method, operation in path_item.items():
                body = operation.get("requestBody", {}).get("content", {}).get("application/json")
                operations.append(
                    Operation(
                        name,
                        method.upper(),
                        path,
                        operation.get("parameters", []),
                        None if body is None else body["schema"],
                        components,
                    )
                )
    return operations


OPERATIONS = load_operations()
BODY_OPERATIONS = [operation for operation in OPERATIONS if operation.body_schema is not None]
QUERY_OPERATIONS = [
    operation
    for operation in OPERATIONS
    if operation.parameters_in("query") or operation.parameters_in("header")
]
PATH_OPERATIONS = [operation for operation in OPERATIONS if operation.parameters_in("path")]


def ids(operations: list[Operation]) -> list[str]:
    return [operation.id for operation in operations]


def is_numeric(schema: dict[str, Any]) -> bool:
    return schema.get("type") in ("integer", "number")


def carries_a_number(schema: dict[str, Any]) -> bool:
    """A string field whose pattern admits only digits and a decimal point (money)."""
    pattern = schema.get("pattern", "")
    return schema.get("type") == "string" and bool(re.fullmatch(r"[\^\\d{}0-9,.()?$]+", pattern))


NUMERIC_BODY_OPERATIONS = [
    operation
    for operation in BODY_OPERATIONS
    if any(
        is_numeric(schema) or carries_a_number(schema)
        for schema in operation.body_fields().values()
    )
]


def is_free_text(schema: dict[str, Any]) -> bool:
    """A string any text is valid for: no format, pattern or set of values."""
    return schema.get("type") == "string" and not {"format", "pattern", "enum", "allOf"} & set(
        schema
    )


@cache
def password_hash() -> str:
    return hash_password(PASSWORD)


@dataclass
class World:
    """Rows every operation's valid request needs, and the admin who makes the requests."""

    database_url: str
    admin: Account
    path_values: dict[str, str]
    provider: MockProvider

    @property
    def admin_email(self) -> str:
        return f"account-{self.admin.id}@example.org"  # as tests.support.accounts makes it

    @cached_property
    def refresh_token(self) -> str:
        credentials = {"email": self.admin_email, "password": PASSWORD}
        login = LambdaClient(users_handler).post("/auth/login", json_body=credentials)
        assert login.status_code == 200, login.body
        return str(login.json()["refresh_token"])

    @cached_property
    def oidc_sign_in(self) -> dict[str, str]:
        # An ID token may be exchanged again and again: one serves every case.
        return sign_in_body(self.provider)

    @cached_property
    def oidc_sign_in_code(self) -> str:
        # Used once at most: only the valid case reaches the exchange.
        return sign_in_code(users_handler, self.provider)

    def valid_body(self, operation: Operation) -> dict[str, Any]:
        return VALID_BODIES[operation.id](self)

    def path(self, operation: Operation, **values: str) -> str:
        path = operation.path
        for parameter in operation.parameters_in("path"):
            name = parameter["name"]
            path = path.replace(f"{{{name}}}", values.get(name, self.path_values[name]))
        return path

    def send(
        self,
        operation: Operation,
        *,
        raw_body: str | None = None,
        query: str | dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
        path: str | None = None,
        payload_version: str = "2.0",
    ) -> LambdaResponse:
        """`query` as a string is the raw query string a client sends, which only payload 2.0
        carries as it is."""
        all_headers = {
            "content-type": "application/json",
            "authorization": f"Bearer {self.admin.token}",
            **(headers or {}),
        }
        if raw_body is None and operation.body_schema is not None:
            raw_body = json.dumps(self.valid_body(operation))
        path = path or self.path(operation)
        handler = HANDLERS[operation.function]
        if isinstance(query, str):
            assert payload_version == "2.0"
            event = http_api_event(
                operation.method, path, query=query, headers=all_headers, body=raw_body
            )
            return invoke(handler, event)
        return LambdaClient(handler, payload_version=payload_version).request(
            operation.method, path, raw_body=raw_body, query=query, headers=all_headers
        )


# A request each operation accepts as it is, which every case then changes in one place only.
VALID_BODIES: dict[str, Callable[[World], dict[str, Any]]] = {
    "POST /auth/register": lambda w: {
        "email": "edge@example.org",
        "password": PASSWORD,
        "full_name": "Edge Case",
    },
    "POST /auth/login": lambda w: {"email": w.admin_email, "password": PASSWORD},
    "POST /auth/refresh": lambda w: {"refresh_token": w.refresh_token},
    "POST /auth/logout": lambda w: {"refresh_token": w.refresh_token},
    "PATCH /users/me": lambda w: {
        "full_name": "Edge Case",
        "password": NEW_PASSWORD,
        "current_password": PASSWORD,
    },
    "PATCH /users/{user_id}": lambda w: {"role": "customer"},
    "POST /books": lambda w: {
        "isbn": "978-0-261-10221-7",
        "title": "The Hobbit",
        "author": "J. R. R. Tolkien",
        "description": "There and back again.",
        "genre": "Fantasy",
        "price": "12.50",
        "stock": 3,
        "release_date": "1937-09-21",
    },
    "PATCH /books/{book_id}": lambda w: {
        "isbn": "0261102214",
        "title": "The Hobbit",
        "author": "J. R. R. Tolkien",
        "description": "There and back again.",
        "genre": "Fantasy",
        "price": "12.50",
        "stock": 3,
        "release_date": "1937-09-21",
    },
    "PUT /cart/items/{book_id}": lambda w: {"quantity": 1},
    "PATCH /orders/{order_id}": lambda w: {"status": "paid"},
    "POST /prebooks": lambda w: {"book_id": w.path_values["other_upcoming_book_id"], "quantity": 1},
    "POST /auth/oidc/{provider}": lambda w: dict(w.oidc_sign_in),
    "POST /auth/oidc/{provider}/token": lambda w: {"code": w.oidc_sign_in_code},
}


# Valid values of the required query parameters of the operations that have some.
VALID_QUERIES: dict[str, dict[str, str]] = {
    "GET /auth/oidc/{provider}/authorize": {"redirect_uri": CLIENT_REDIRECT_URI},
    "GET /auth/oidc/{provider}/callback": {"state": "a state this API never issued"},
}


@pytest.fixture
def world(database_url: str, provider: MockProvider) -> World:
    """An admin with a password; a book on sale, two upcoming ones, another account, and the
    admin's order and prebook."""
    admin = make_account(database_url, "admin")
    sql(
        database_url,
        "UPDATE users SET password_hash = $1 WHERE id = $2",
        password_hash(),
        uuid.UUID(admin.id),
    )
    next_month = datetime.now(UTC).date() + timedelta(days=30)
    book_id = make_book(database_url, stock=1_000)
    upcoming = make_book(database_url, release_date=next_month)
    cart = LambdaClient(cart_handler).put(
        f"/cart/items/{book_id}", json_body={"quantity": 1}, token=admin.token
    )
    assert cart.status_code == 200, cart.body
    order = LambdaClient(orders_handler).post("/orders", token=admin.token)
    assert order.status_code == 201, order.body
    prebook = LambdaClient(prebooks_handler).post(
        "/prebooks", json_body={"book_id": upcoming, "quantity": 1}, token=admin.token
    )
    assert prebook.status_code == 201, prebook.body
    path_values = {
        "book_id": book_id,
        "other_upcoming_book_id": make_book(database_url, release_date=next_month),
        "user_id": make_account(database_url).id,
        "order_id": order.json()["id"],
        "prebook_id": prebook.json()["id"],
        "provider": PROVIDER,
    }
    return World(database_url, admin, path_values, provider)


@pytest.fixture
def logs() -> Iterator[CapturedLogs]:
    with captured_logs() as captured:
        yield captured


@dataclass
class Verdicts:
    """Every case's answer that breaks the rules, so that one test reports them all at once."""

    failures: list[str] = field(default_factory=list)

    def check(
        self,
        case: str,
        response: LambdaResponse,
        *,
        may_succeed: bool = False,
        names: str | None = None,
    ) -> None:
        """`names`: the input at fault, which a 422 must name in `field`."""
        problem = _problem(response, may_succeed=may_succeed)
        if problem:
            self.failures.append(f"{case}: {problem}: {response.body[:300]!r}")
        elif (
            names is not None
            and response.status_code == 422
            and response.json().get("field") != names
        ):
            self.failures.append(f"{case}: `field` is not {names!r}")

    def assert_none(self, logs: CapturedLogs) -> None:
        assert not self.failures, "\n".join(self.failures)
        leaked = [line for line in logs.text.splitlines() if DATABASE_ERROR_TEXT.search(line)]
        assert not leaked, "\n".join(leaked)


def _problem(response: LambdaResponse, *, may_succeed: bool) -> str | None:
    status = response.status_code
    if status >= 500:
        return f"answered {status}"
    if DATABASE_ERROR_TEXT.search(response.body):
        return "database error text in the response"
    if status < 400:
        return None if may_succeed else f"accepted with {status}"
    try:
        body = response.json()
    except ValueError:
        return "an error body that is not JSON"
    if not (
        isinstance(body, dict) and {"detail", "code"} <= set(body) <= {"detail", "code", "field"}
    ):
        return "an error body not in the API.md shape"
    return None


def with_value(valid: dict[str, Any], name: str, raw_value: str) -> str:
    """The valid body as JSON text, with field `name` set to `raw_value` (JSON text itself)."""
    marker = "\u2603marker\u2603"
    text = json.dumps({**valid, name: marker})
    return text.replace(json.dumps(marker), raw_value)


def inside(value: Any, escape: str) -> str:
    """A JSON string of the valid value with `escape` (JSON text) in its middle, so that it is
    otherwise as valid as before."""
    text = json.dumps(str(value) if value is not None else "x")[1:-1]
    middle = len(text) // 2
    return f'"{text[:middle]}{escape}{text[middle:]}"'


def test_every_operation_with_a_body_has_a_valid_body_here() -> None:
    assert set(VALID_BODIES) == set(ids(BODY_OPERATIONS))


def test_the_walk_finds_the_numeric_fields_and_the_free_text_parameters() -> None:
    [books] = [operation for operation in OPERATIONS if operation.id == "GET /books"]
    free_text = {
        parameter["name"]
        for parameter in books.parameters_in("query")
        if is_free_text(books.resolve(parameter["schema"]))
    }

    assert set(ids(NUMERIC_BODY_OPERATIONS)) == {
        "POST /books",
        "PATCH /books/{book_id}",
        "PUT /cart/items/{book_id}",
        "POST /prebooks",
    }
    assert carries_a_number(
        BODY_OPERATIONS[ids(BODY_OPERATIONS).index("POST /books")].body_fields()["price"]
    )
    assert free_text == {"q", "author", "genre"}


@pytest.mark.parametrize("operation", BODY_OPERATIONS, ids=ids(BODY_OPERATIONS))
def test_the_valid_body_each_case_starts_from_is_accepted(
    operation: Operation, world: World
) -> None:
    response = world.send(operation)

    assert 200 <= response.status_code < 300, response.body


@pytest.mark.parametrize("operation", BODY_OPERATIONS, ids=ids(BODY_OPERATIONS))
def test_nul_and_lone_surrogates_in_any_string_key_or_nested_value_are_422(
    operation: Operation, world: World, logs: CapturedLogs
) -> None:
    verdicts = Verdicts()
    valid = world.valid_body(operation)
    valid_text = json.dumps(valid)
    for escape in (NUL, *LONE_SURROGATES):
        for name, schema in operation.body_fields().items():
            if schema.get("type") != "string":
                continue
            body = with_value(valid, name, inside(valid.get(name), escape))
            response = world.send(operation, raw_body=body)
            verdicts.check(f"{name}={escape}", response, names=name)
        elsewhere = {
            "a key": valid_text.replace("{", f'{{"a{escape}b": 1, ', 1),
            "a nested value": valid_text.replace("{", f'{{"extra": [{{"deep": "{escape}"}}], ', 1),
        }
        for where, body in elsewhere.items():
            verdicts.check(f"{escape} in {where}", world.send(operation, raw_body=body))
    verdicts.assert_none(logs)


@pytest.mark.parametrize("operation", NUMERIC_BODY_OPERATIONS, ids=ids(NUMERIC_BODY_OPERATIONS))
def test_numbers_out_of_range_in_any_numeric_field_are_422_naming_the_field(
    operation: Operation, world: World, logs: CapturedLogs
) -> None:
    verdicts = Verdicts()
    valid = world.valid_body(operation)
    for name, schema in operation.body_fields().items():
        if is_numeric(schema):
            values = [*OUT_OF_RANGE_NUMBERS, "NaN", "Infinity", "-Infinity"]
        elif carries_a_number(schema):
            values = [json.dumps(numeral) for numeral in OUT_OF_RANGE_NUMERALS]
        else:
            continue
        for value in values:
            response = world.send(operation, raw_body=with_value(valid, name, value))
            verdicts.check(f"{name}={value}", response, names=name)
    verdicts.assert_none(logs)


def test_the_largest_stock_and_price_the_schema_allows_fit_their_columns(
    world: World, logs: CapturedLogs
) -> None:
    [patch] = [operation for operation in OPERATIONS if operation.id == "PATCH /books/{book_id}"]
    largest_stock = int(patch.body_fields()["stock"]["maximum"])

    response = world.send(
        patch, raw_body=json.dumps({"stock": largest_stock, "price": "99999999.99"})
    )

    assert response.status_code == 200, response.body
    [row] = sql(
        world.database_url,
        "SELECT stock, price FROM books WHERE id = $1",
        uuid.UUID(world.path_values["book_id"]),
    )
    assert (row["stock"], str(row["price"])) == (2_147_483_647, "99999999.99")


@pytest.mark.parametrize("operation", BODY_OPERATIONS, ids=ids(BODY_OPERATIONS))
def test_a_ten_megabyte_body_and_json_nested_100_000_deep_are_4xx(
    operation: Operation, world: World, logs: CapturedLogs
) -> None:
    verdicts = Verdicts()
    valid = world.valid_body(operation)
    first = next(iter(operation.body_fields()))
    big = with_value(valid, first, json.dumps("a" * TEN_MEGABYTES))
    verdicts.check("10 MB", world.send(operation, raw_body=big))
    for opening in ("[", '{"a": '):
        deep = with_value(valid, first, opening * DEEP)
        verdicts.check(f"{opening} x {DEEP}", world.send(operation, raw_body=deep))
    verdicts.assert_none(logs)


def query_cases(schema: dict[str, Any]) -> list[tuple[str, bool]]:
    """Raw query values (percent-encoded as a client sends them), each with whether a 2xx is
    right: only a free-text parameter may take numbers, or the U+FFFD that bytes which are no
    UTF-8 (a surrogate's) decode to, as any text; nothing may take a NUL."""
    free = is_free_text(schema)
    nul = [("a%00b", False), ("%00", False)]
    surrogates = [("a%ED%A0%80b", free), ("%ED%BF%BF", free)]
    numbers = [(quote(numeral), free) for numeral in OUT_OF_RANGE_NUMERALS]
    return nul + surrogates + numbers


@pytest.mark.parametrize("operation", QUERY_OPERATIONS, ids=ids(QUERY_OPERATIONS))
def test_nul_surrogates_and_huge_numbers_in_query_parameters_and_headers_are_4xx(
    operation: Operation, world: World, logs: CapturedLogs
) -> None:
    verdicts = Verdicts()
    for parameter in operation.parameters_in("query"):
        name, schema = parameter["name"], operation.resolve(parameter["schema"])
        # The operation's other required parameters, valid, so the answer is about this one.
        others = dict(VALID_QUERIES.get(operation.id, {}))
        others.pop(name, None)
        for raw, may_succeed in query_cases(schema):
            # An HTTP API hands over the raw query string, a REST API the values decoded.
            [(_, decoded)] = parse_qsl(f"{name}={raw}", errors="replace")
            raw_query = "&".join(
                [*(f"{k}={quote(v, safe='')}" for k, v in others.items()), f"{name}={raw}"]
            )
            for response in (
                world.send(operation, query=raw_query),
                world.send(operation, query={**others, name: decoded}, payload_version="1.0"),
            ):
                verdicts.check(f"{name}={raw}", response, may_succeed=may_succeed, names=name)
    for parameter in operation.parameters_in("header"):
        name = parameter["name"]
        for value in ("a\x00b", *OUT_OF_RANGE_NUMERALS):
            response = world.send(operation, headers={name: value})
            # A key is any string, a numeral too (which then meets the admin's empty cart).
            verdicts.check(f"{name}: {value!r}", response, may_succeed="\x00" not in value)
    verdicts.assert_none(logs)


@pytest.mark.parametrize("operation", PATH_OPERATIONS, ids=ids(PATH_OPERATIONS))
def test_nul_surrogates_and_huge_numbers_in_path_parameters_are_4xx(
    operation: Operation, world: World, logs: CapturedLogs
) -> None:
    verdicts = Verdicts()
    values = ["a%00b", "%00", "%ED%A0%80", *(quote(numeral) for numeral in OUT_OF_RANGE_NUMERALS)]
    for parameter in operation.parameters_in("path"):
        for value in values:
            path = world.path(operation, **{parameter["name"]: value})
            for version in ("2.0", "1.0"):
                response = world.send(operation, path=path, payload_version=version)
                verdicts.check(f"{version} {path}", response)
    verdicts.assert_none(logs)
