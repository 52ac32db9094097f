"""A client generated from the whole API's OpenAPI document, as a client team would make it
(openapi-python-client), makes a purchase through the real Lambda handlers."""

from __future__ import annotations

import importlib
import importlib.util
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

from functions.health.app import handler as health_handler
from tests.books.helpers import HOBBIT
from tests.support.accounts import Account
from tests.support.api_gateway import ApiGatewayWsgiApp
from tests.support.handlers import HANDLERS
from tests.support.lambda_client import LambdaClient

PACKAGE = "bookstore_client"
# No formatting of the generated code (its post hooks run ruff): nobody reads it here.
GENERATOR_CONFIG = f"package_name_override: {PACKAGE}\npost_hooks: []\n"
BASE_URL = "http://api.bookstore.test"


def import_package(name: str, directory: Path) -> ModuleType:
    """The package in `directory`, importable by `name` with its submodules, without a path
    entry."""
    spec = importlib.util.spec_from_file_location(
        name, directory / "__init__.py", submodule_search_locations=[str(directory)]
    )
    assert spec is not None
    assert spec.loader is not None
    package = importlib.util.module_from_spec(spec)
    sys.modules[name] = package
    spec.loader.exec_module(package)
    return package


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    """The client, generated once for the module from the document `GET /openapi.json` serves."""
    directory = tmp_path_factory.mktemp("generated")
    document = directory / "openapi.json"
    document.write_text(LambdaClient(health_handler).get("/openapi.json").body, encoding="utf-8")
    config = directory / "config.yaml"
    config.write_text(GENERATOR_CONFIG)
    # `--fail-on-warning`: a part of the document the generator cannot express fails the test.
    result = subprocess.run(
        [
            *(sys.executable, "-m", "openapi_python_client", "generate", "--meta", "none"),
            *("--path", str(document), "--config", str(config), "--fail-on-warning"),
            *("--output-path", str(directory / PACKAGE)),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    yield import_package(PACKAGE, directory / PACKAGE)
    for name in [name for name in sys.modules if name.partition(".")[0] == PACKAGE]:
        del sys.modules[name]


class Api:
    """The generated client's operations and models, reached as a client team would import them
    (`from bookstore_client.api.orders import place_order`), all of them through the real
    handlers."""

    def __init__(self, package: ModuleType) -> None:
        self.package = package
        self.models = importlib.import_module(f"{PACKAGE}.models")
        self._httpx_args = {"transport": httpx.WSGITransport(app=ApiGatewayWsgiApp(HANDLERS))}

    def operation(self, tag: str, operation_id: str) -> Any:
        return importlib.import_module(f"{PACKAGE}.api.{tag}.{operation_id}")

    def anonymous(self) -> Any:
        # An answer the document does not declare raises instead of parsing to None.
        return self.package.Client(
            base_url=BASE_URL, raise_on_unexpected_status=True, httpx_args=self._httpx_args
        )

    def as_user(self, token: str) -> Any:
        return self.package.AuthenticatedClient(
            base_url=BASE_URL,
            token=token,
            raise_on_unexpected_status=True,
            httpx_args=self._httpx_args,
        )


@pytest.fixture
def api(generated: ModuleType, database_url: str) -> Api:
    return Api(generated)


def test_a_generated_client_registers_logs_in_fills_a_cart_and_places_an_order(
    api: Api, admin: Account
) -> None:
    models = api.models
    created = api.operation("books", "create_book").sync_detailed(
        client=api.as_user(admin.token), body=models.BookCreate.from_dict(HOBBIT)
    )
    assert created.status_code == 201
    book_id = created.parsed.id

    registered = api.operation("users", "register").sync_detailed(
        client=api.anonymous(),
        body=models.UserRegister(
            email="reader@example.org", password="correct horse battery", full_name="Reader"
        ),
    )
    assert registered.status_code == 201
    assert registered.parsed.email == "reader@example.org"
    tokens = api.operation("users", "login").sync(
        client=api.anonymous(),
        body=models.UserLogin(email="reader@example.org", password="correct horse battery"),
    )
    assert isinstance(tokens, models.TokenPair)
    reader = api.as_user(tokens.access_token)

    page = api.operation("books", "list_books").sync(client=api.anonymous(), available=True)
    assert [book.id for book in page.items] == [book_id]
    cart = api.operation("cart", "set_cart_item").sync(
        book_id, client=reader, body=models.CartItemSet(quantity=2)
    )
    assert isinstance(cart, models.CartPublic)
    assert cart.item_count == 2

    key = str(uuid.uuid4())
    placed = api.operation("orders", "place_order").sync_detailed(
        client=reader, idempotency_key=key
    )
    replayed = api.operation("orders", "place_order").sync_detailed(
        client=reader, idempotency_key=key
    )
    assert placed.status_code == 201
    assert isinstance(placed.parsed, models.OrderPublic)
    assert replayed.headers["idempotency-replayed"] == "true"
    assert replayed.parsed.id == placed.parsed.id

    order = api.operation("orders", "get_order").sync(placed.parsed.id, client=reader)
    assert isinstance(order, models.OrderPublic)
    assert (order.id, order.total) == (placed.parsed.id, "25.00")
    assert [(item.book_id, item.quantity) for item in order.items] == [(book_id, 2)]


def test_a_generated_client_reads_an_error_s_code_from_the_error_body(
    api: Api, customer: Account
) -> None:
    missing = api.operation("orders", "get_order").sync_detailed(
        uuid.uuid4(), client=api.as_user(customer.token)
    )

    assert missing.status_code == 404
    assert isinstance(missing.parsed, api.models.ErrorBody)
    assert missing.parsed.code == "ORDER_NOT_FOUND"
