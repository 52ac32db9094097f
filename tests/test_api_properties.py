"""Property-based tests of every function's OpenAPI document against its real Lambda handler.

schemathesis generates requests from each document (its explicit examples, boundary cases, and
fuzzed ones, valid and invalid), sends them through the handler as API Gateway events, as an admin
and as a customer, and checks every answer: no server error, status code, content type, headers and
body as documented, valid data accepted, invalid data refused, auth not ignored. `--api-examples=N`
makes the run deeper (tests/support/api_examples.py).
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
import schemathesis
from fastapi import APIRouter
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from schemathesis.config import SchemathesisConfig
from schemathesis.generation.case import Case
from schemathesis.schemas import APIOperation, BaseSchema

from functions.books.app import handler as books_handler
from functions.books.isbn import isbn10_check_digit, isbn13_check_digit
from functions.books.router import router as books_router
from functions.cart.router import router as cart_router
from functions.health.router import router as health_router
from functions.orders.router import router as orders_router
from functions.prebooks.router import router as prebooks_router
from functions.users.app import handler as users_handler
from functions.users.oidc.router import oidc_router
from functions.users.router import auth_router, users_router
from functions.wishlist.router import router as wishlist_router
from shared.auth.dependencies import admin_principal
from tests.import_allowlist import handler_modules
from tests.support.api_examples import DEFAULT_EXAMPLES, examples_per_operation
from tests.support.api_seed import CALLERS, Caller, seed, with_seeded_examples
from tests.support.handlers import HANDLERS
from tests.support.lambda_client import LambdaClient
from tests.support.lambda_wsgi import LambdaWsgiApp

ApiCase = Case[APIOperation[Any, Any, Any, Any]]


DEEP = examples_per_operation() > DEFAULT_EXAMPLES


def config(*, boundaries: bool) -> SchemathesisConfig:
    """`boundaries`: run the coverage phase (every parameter at and past its limits, of the wrong
    type, missing). By default only the admin's run has it, since an admin passes every auth
    check and so reaches every validation; a deeper run gives it to the customer too."""
    return SchemathesisConfig.from_dict(
        {
            # The same cases on every run; a deeper run goes further, not elsewhere.
            "seed": 20_240_601,
            # "none": Hypothesis keeps no example database (a .hypothesis folder) between runs.
            "generation": {
                "max-examples": examples_per_operation(),
                "database": "none",
                # No undeclared query parameters or headers: the API ignores them (API.md refuses
                # only unknown body fields, which the documents declare with
                # `additionalProperties: false`), so they make no invalid request.
                "allow-extra-parameters": False,
                # No NUL in strings: the API refuses it in any text, whatever the field
                # (`shared.http.input_guard`: PostgreSQL cannot store one), a rule of the whole API that
                # no field's schema repeats.
                "allow-x00": False,
            },
            "phases": {
                "coverage": {"enabled": boundaries or DEEP}
                # Every path answers an undocumented method the same way (Starlette's 405): two
                # methods show it within the default run's time; a deeper run sends them all.
                | ({} if DEEP else {"unexpected-methods": ["options", "trace"]})
            },
        }
    )


@st.composite
def isbns(draw: st.DrawFn) -> str:
    """Valid ISBN-13s and ISBN-10s, with or without hyphens and spaces: the `isbn` format of the
    Books document, whose check digit no pattern can state."""
    if draw(st.booleans()):
        first = draw(st.sampled_from(["978", "979"])) + draw(
            st.text("0123456789", min_size=9, max_size=9)
        )
        digits = first + isbn13_check_digit(first)
    else:
        first = draw(st.text("0123456789", min_size=9, max_size=9))
        digits = first + isbn10_check_digit(first)
    separators = draw(
        st.lists(
            st.sampled_from(["", "", "-", " "]), min_size=len(digits) - 1, max_size=len(digits) - 1
        )
    )
    return digits[0] + "".join(
        separator + digit for separator, digit in zip(separators, digits[1:], strict=True)
    )


schemathesis.openapi.format("isbn", isbns())


def load_schemas(config: SchemathesisConfig) -> dict[str, BaseSchema]:
    """Each function's own OpenAPI document, as its handler serves it, with the seeded ids."""
    schemas: dict[str, BaseSchema] = {}
    for name, handler in HANDLERS.items():
        document: dict[str, Any] = LambdaClient(handler).get(f"/{name}/openapi.json").json()
        schema = schemathesis.openapi.from_dict(with_seeded_examples(document), config=config)
        schema.app = LambdaWsgiApp(handler)
        schemas[name] = schema
    return schemas


def query_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def with_a_real_cursor(case: ApiCase, caller: Caller) -> None:
    """A cursor is only ever a `next_cursor` the server wrote, signed: the documented pattern
    admits forgeries, which are rightly refused. So a valid case gets a real cursor, from the
    first page of the same query, or none when that query has a single page."""
    if not case.query or "cursor" not in case.query:
        return
    if case.meta is None or not case.meta.generation.mode.is_positive:
        return
    app = case.operation.schema.app
    assert isinstance(app, LambdaWsgiApp)
    query = {name: query_text(value) for name, value in case.query.items() if name != "cursor"}
    first_page = LambdaClient(app.handler).get(
        case.formatted_path, query={**query, "limit": "1"}, token=caller.token
    )
    next_cursor = first_page.json().get("next_cursor") if first_page.status_code == 200 else None
    if next_cursor:
        case.query["cursor"] = next_cursor
    else:
        del case.query["cursor"]


def with_prices_in_order(case: ApiCase) -> None:
    """`max_price` must not be below `min_price` (422, documented on `max_price`): a rule between
    two query parameters, which JSON Schema cannot state. So a valid case gets them in order."""
    if not case.query or case.meta is None or not case.meta.generation.mode.is_positive:
        return
    low, high = case.query.get("min_price"), case.query.get("max_price")
    if isinstance(low, str) and isinstance(high, str) and Decimal(low) > Decimal(high):
        case.query["min_price"], case.query["max_price"] = high, low


def with_the_current_password(case: ApiCase) -> None:
    """A new password needs the current one when the account has one (every caller here has): a
    rule on the account, not on the body, which JSON Schema cannot state. So a valid case that
    sets a password also sends a current one (right or wrong: 200 or 401, both documented)."""
    if case.meta is None or not case.meta.generation.mode.is_positive:
        return
    if isinstance(case.body, dict) and "password" in case.body:
        case.body.setdefault("current_password", "not the password")


def call_and_validate(case: ApiCase, caller: Caller) -> None:
    with_a_real_cursor(case, caller)
    if case.operation.path == "/books":
        with_prices_in_order(case)
    if (case.operation.method.lower(), case.operation.path) == ("patch", "/users/me"):
        with_the_current_password(case)
    case.call_and_validate(headers={"Authorization": f"Bearer {caller.token}"})


@pytest.fixture
def seeded(database_url: str) -> None:
    seed(database_url)


PROPERTY_SETTINGS = settings(
    # One database per operation, shared by its examples: what one example writes (a book
    # deleted, a cart emptied) is where the next one starts, as on a live deployment.
    suppress_health_check=[HealthCheck.function_scoped_fixture],
    # Not `explain`: it re-runs a failing example under a tracer, which greenlet (SQLAlchemy's
    # async bridge) does not reliably survive; the failure report needs nothing from it.
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],
)


# The caller is a parameter, not a constant, for the test ids too: pytest names each item after its
# function, schema, operation and caller (`...[books][GET /books][admin]`) only when it has one.
@schemathesis.pytest.parametrize(**load_schemas(config(boundaries=True)))
@pytest.mark.parametrize("caller", [CALLERS["admin"]], ids=["admin"])
@PROPERTY_SETTINGS
def test_every_operation_answers_an_admin_as_its_document_says(
    case: ApiCase, caller: Caller, seeded: None
) -> None:
    call_and_validate(case, caller)


@schemathesis.pytest.parametrize(**load_schemas(config(boundaries=False)))
@pytest.mark.parametrize("caller", [CALLERS["customer"]], ids=["customer"])
@PROPERTY_SETTINGS
def test_every_operation_answers_a_customer_as_its_document_says(
    case: ApiCase, caller: Caller, seeded: None
) -> None:
    call_and_validate(case, caller)


ROUTERS: dict[str, list[APIRouter]] = {
    "health": [health_router],
    "users": [auth_router, oidc_router, users_router],
    "books": [books_router],
    "cart": [cart_router],
    "orders": [orders_router],
    "wishlist": [wishlist_router],
    "prebooks": [prebooks_router],
}
# API.md: `GET /health` and `GET /auth/jwks.json` answer without touching the database; every other
# route may find it down.
DATABASE_FREE = {("get", "/health"), ("get", "/auth/jwks.json")}
ERROR_BODY_REF = "#/components/schemas/ErrorBody"


def depends_on(dependant: Dependant, call: Any) -> bool:
    return any(
        dependency.call is call or depends_on(dependency, call)
        for dependency in dependant.dependencies
    )


def errors_it_can_answer(
    method: str, path: str, operation: dict[str, Any], route: APIRoute
) -> dict[int, bool]:
    """Each error status the operation can answer, and whether it can answer it only in the
    situations that the operation's shape shows (True), or also for reasons of its own (False)."""
    inputs = bool(operation.get("parameters")) or "requestBody" in operation
    json_body = "application/json" in operation.get("requestBody", {}).get("content", {})
    statuses = {500: True, 422: inputs, 415: json_body, 503: (method, path) not in DATABASE_FREE}
    expected = {status: True for status, can in statuses.items() if can}
    if operation.get("security"):
        expected[401] = False
    if depends_on(route.dependant, admin_principal):
        expected[403] = True
    if any(parameter["in"] == "path" for parameter in operation.get("parameters", [])):
        expected[404] = False
    return expected


def test_the_suite_s_handler_table_holds_every_http_function_of_the_template() -> None:
    modules = {module for module in handler_modules() if module != "functions.migrations.app"}

    assert {f"functions.{name}.app" for name in HANDLERS} == modules


@pytest.mark.parametrize("name", sorted(HANDLERS))
def test_every_operation_documents_the_errors_it_can_answer_with_the_error_body(name: str) -> None:
    document = LambdaClient(HANDLERS[name]).get(f"/{name}/openapi.json").json()
    routes = {
        (method.lower(), route.path_format): route
        for router in ROUTERS[name]
        for route in router.routes
        if isinstance(route, APIRoute)
        for method in route.methods or ()
    }
    problems = []
    for path, path_item in document["paths"].items():
        for method, operation in path_item.items():
            label = f"{method.upper()} {path}"
            expected = errors_it_can_answer(method, path, operation, routes[method, path])
            documented = {int(status) for status in operation["responses"] if int(status) >= 400}
            problems += [
                f"{label} does not document {status}" for status in expected.keys() - documented
            ]
            # Statuses that only the operation's shape brings about must not be promised otherwise.
            shaped = {422, 415, 403, 503} - {status for status, only in expected.items() if only}
            problems += [
                f"{label} documents {status}, which it cannot answer"
                for status in documented & shaped
            ]
            for status in documented:
                content = operation["responses"][str(status)].get("content", {})
                schema = content.get("application/json", {}).get("schema", {})
                if schema.get("$ref") != ERROR_BODY_REF:
                    problems.append(f"{label} documents {status} without the error body")
    assert problems == []


def test_the_error_body_is_documented_as_api_md_describes_it() -> None:
    document = LambdaClient(books_handler).get("/books/openapi.json").json()
    error_body = document["components"]["schemas"]["ErrorBody"]

    assert set(error_body["properties"]) == {"detail", "code", "field"}
    assert set(error_body["required"]) == {"detail", "code"}
    assert error_body["properties"]["code"]["type"] == "string"
    # `field` is left out when no single field is at fault, never null.
    assert error_body["properties"]["field"]["type"] == "string"
    assert "anyOf" not in error_body["properties"]["field"]
    detail = error_body["properties"]["detail"]["anyOf"]
    assert {"type": "string"} in detail
    assert any(branch.get("type") == "array" for branch in detail)


@pytest.mark.parametrize(
    "sort", ["title", "-title", "price", "-price", "release_date", "-release_date"]
)
def test_every_cursor_the_server_writes_has_the_documented_shape(seeded: None, sort: str) -> None:
    books = LambdaClient(books_handler)
    users = LambdaClient(users_handler)
    admin = CALLERS["admin"].token
    parameters = books.get("/books/openapi.json").json()["paths"]["/books"]["get"]["parameters"]
    pattern = re.compile(next(p for p in parameters if p["name"] == "cursor")["schema"]["pattern"])

    cursors = [
        books.get("/books", query={"limit": "1", "sort": sort}).json()["next_cursor"],
        books.get("/books", query={"limit": "1", "q": "tolkien"}).json()["next_cursor"],
        users.get("/users", query={"limit": "1"}, token=admin).json()["next_cursor"],
    ]

    assert all(cursor is not None and pattern.fullmatch(cursor) for cursor in cursors), cursors
