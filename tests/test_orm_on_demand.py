"""No HTTP function imports SQLAlchemy's ORM to start, nor to serve its first read.

The ORM and its asyncio extension cost about a tenth of a bare FastAPI cold start. Reads run
sessionless on Core (`shared.db.compiled`); the ORM comes in with the first request that opens a
session (`shared.db.request_session`), or with a module named by `shared.runtime.lazy`. Each function runs in a
fresh interpreter: its handler is imported, then answers the read its cold-start benchmark sends
(bench/cold_start.py) for a customer, against this test's migrated database. A deterministic
guard: it reports which ORM modules were loaded after each step, and no timing.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.import_allowlist import handler_modules
from tests.support.accounts import make_account, make_book

ROOT = Path(__file__).resolve().parents[1]
ORM_MODULES = ("sqlalchemy.orm", "sqlalchemy.ext.asyncio")

# Each function's handler module and the first read of its cold-start benchmark.
FIRST_READS = {
    "functions.health.app": "/health/db",
    "functions.users.app": "/users/me",
    "functions.books.app": "/books/{book}",
    "functions.cart.app": "/cart",
    "functions.orders.app": "/orders",
    "functions.wishlist.app": "/wishlist",
    "functions.prebooks.app": "/prebooks",
}

SCRIPT = """
import importlib, json, sys

module, method, path, token, orm = sys.argv[1:5] + [json.loads(sys.argv[5])]

def loaded():
    return [name for name in orm if name in sys.modules]

handler = importlib.import_module(module).handler
at_start = loaded()

from bookstore.events import http_api_event
from bookstore.lambda_context import LocalLambdaContext

path, _, query = path.partition("?")
event = http_api_event(method, path, query=query or None, headers={"authorization": f"Bearer {token}"})
response = handler(event, LocalLambdaContext())
print(json.dumps({"status": response["statusCode"], "at_start": at_start, "after": loaded()}))
"""


def serve_once(module: str, method: str, path: str, token: str) -> dict[str, object]:
    """The handler imported in a fresh interpreter, one request: its status, and which ORM
    modules were loaded after the import and after the request."""
    completed = subprocess.run(
        [sys.executable, "-c", SCRIPT, module, method, path, token, json.dumps(ORM_MODULES)],
        cwd=ROOT,
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    result: dict[str, object] = json.loads(completed.stdout.strip().splitlines()[-1])
    return result


def test_every_http_function_of_the_template_has_its_first_read_here() -> None:
    modules = {module for module in handler_modules() if module != "functions.migrations.app"}

    assert set(FIRST_READS) == modules


@pytest.mark.parametrize("module", sorted(FIRST_READS))
def test_an_http_function_starts_and_serves_its_first_read_without_the_orm(
    database_url: str, module: str
) -> None:
    account = make_account(database_url)
    path = FIRST_READS[module].format(book=make_book(database_url))

    result = serve_once(module, "GET", path, account.token)

    assert result == {"status": 200, "at_start": [], "after": []}


@pytest.mark.parametrize(
    "path", ["/books?q=hobit%20advent", "/books?min_price=1.00&sort=-price&limit=1"]
)
def test_a_catalog_search_and_a_filtered_page_are_served_without_the_orm(
    database_url: str, path: str
) -> None:
    make_book(database_url, title="The Hobbit, an adventure")
    make_book(database_url, title="Another adventure")

    result = serve_once("functions.books.app", "GET", path, make_account(database_url).token)

    assert result == {"status": 200, "at_start": [], "after": []}


def test_a_function_s_first_write_brings_the_orm_in_on_demand(database_url: str) -> None:
    result = serve_once("functions.cart.app", "DELETE", "/cart", make_account(database_url).token)

    assert result == {"status": 204, "at_start": [], "after": list(ORM_MODULES)}
