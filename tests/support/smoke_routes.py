"""A smoke run of a checkout's functions against a database: every sample event of its events/
folder through its own handlers, then a whole purchase, each answer checked for a server error.

Standalone (the standard library and the checkout's own modules), so that it can run with any
release's code and interpreter; `tests.support.previous_release` copies it to the root of the
previous release's checkout and runs it there, against a database the newest migrations built:

    cd CHECKOUT && DATABASE_URL=... uv run python smoke_routes.py

Exits 1, listing them, when any answer was a 5xx (or a direct invocation raised).
"""

import importlib
import json
import os
import sys
import time
import traceback
import uuid
from pathlib import Path
from typing import Any

os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "true")
os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "ERROR")

CHECKOUT = Path.cwd()
# The Migrations function would change the schema under test: never invoked here.
SKIPPED_FUNCTIONS = {"migrations"}


class Context:
    function_name = "smoke"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:smoke"

    def __init__(self) -> None:
        self.aws_request_id = str(uuid.uuid4())

    def get_remaining_time_in_millis(self) -> int:
        return 15_000


def handler_of(function: str) -> Any:
    return importlib.import_module(f"functions.{function}.app").handler


def http_event(
    method: str, path: str, *, body: Any = None, token: str | None = None, query: str = ""
) -> dict[str, Any]:
    headers = {"content-type": "application/json"}
    if token:
        headers["authorization"] = f"Bearer {token}"
    return {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": query,
        "headers": headers,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "smoke",
            "domainName": "localhost",
            "domainPrefix": "localhost",
            "http": {
                "method": method,
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": "127.0.0.1",
                "userAgent": "smoke",
            },
            "requestId": str(uuid.uuid4()),
            "routeKey": "$default",
            "stage": "$default",
            "time": "07/Dec/2026:00:00:00 +0000",
            "timeEpoch": int(time.time() * 1000),
        },
        "body": None if body is None else json.dumps(body),
        "isBase64Encoded": False,
    }


class Smoke:
    def __init__(self) -> None:
        self.failures: list[str] = []
        self.notes: list[str] = []
        self.calls = 0

    def invoke(self, function: str, event: dict[str, Any], label: str) -> Any:
        self.calls += 1
        try:
            answer = handler_of(function)(event, Context())
        except Exception as error:
            # An operator action that refuses (a sample's email no account has) raises
            # ActionFailed from the release that made actions fail loudly on: an answer, no fault.
            if type(error).__name__ == "ActionFailed":
                self.notes.append(f"{label}: refused: {error}")
                return None
            self.failures.append(f"{label}: raised\n{traceback.format_exc()}")
            return None
        status = answer.get("statusCode") if isinstance(answer, dict) else None
        path = event.get("rawPath") or event.get("path") or ""
        if isinstance(status, int) and status >= 500:
            finding = f"{label}: {status} {answer.get('body')}"
            (self.notes if self.tolerated(path, answer) else self.failures).append(finding)
        return answer

    def http(self, function: str, method: str, path: str, **options: Any) -> Any:
        answer = self.invoke(function, http_event(method, path, **options), f"{method} {path}")
        body = answer.get("body") if isinstance(answer, dict) else None
        try:
            return answer["statusCode"], json.loads(body) if body else None
        except (TypeError, KeyError, ValueError):
            return None, None

    @staticmethod
    def tolerated(path: str, answer: dict[str, Any]) -> bool:
        # Releases before readiness accepted a schema past their head answered 503 NOT_READY on
        # the next release's schema; from that change on, shared/db/revision.py lists REVISIONS.
        revision_file = CHECKOUT / "shared" / "db" / "revision.py"
        knows_newer = revision_file.exists() and "REVISIONS" in revision_file.read_text()
        return path == "/health/ready" and not knows_newer and "NOT_READY" in answer["body"]


def sample_events(smoke: Smoke) -> None:
    for folder in sorted((CHECKOUT / "events").iterdir()):
        if not folder.is_dir() or folder.name in SKIPPED_FUNCTIONS:
            continue
        for path in sorted(folder.glob("*.json")):
            event = json.loads(path.read_text())
            smoke.invoke(folder.name, event, f"events/{folder.name}/{path.name}")


def purchase(smoke: Smoke) -> None:
    import asyncio

    import asyncpg

    email = f"smoke-{uuid.uuid4().hex[:8]}@example.org"
    password = "a smoke test passphrase"
    credentials = {"email": email, "password": password}
    smoke.http("users", "POST", "/auth/register", body={**credentials, "full_name": "Smoke"})

    async def make_admin() -> None:
        url = os.environ["DATABASE_URL"].replace("postgresql+asyncpg://", "postgresql://")
        connection = await asyncpg.connect(url)
        try:
            await connection.execute("UPDATE users SET role = 'admin' WHERE email = $1", email)
        finally:
            await connection.close()

    asyncio.run(make_admin())
    _, tokens = smoke.http("users", "POST", "/auth/login", body=credentials)
    token = (tokens or {}).get("access_token")
    smoke.http("users", "GET", "/users/me", token=token)
    smoke.http("users", "GET", "/users", token=token)
    refresh = {"refresh_token": (tokens or {}).get("refresh_token")}
    smoke.http("users", "POST", "/auth/refresh", body=refresh)
    book = {
        "isbn": "9780306406157",
        "title": "Smoke Signals",
        "author": "Ann Author",
        "description": "A book for the smoke run",
        "genre": "Fiction",
        "price": "12.50",
        "stock": 5,
    }
    _, created = smoke.http("books", "POST", "/books", body=book, token=token)
    book_id = (created or {}).get("id", str(uuid.uuid4()))
    smoke.http("books", "GET", f"/books/{book_id}")
    smoke.http("books", "GET", "/books", query="q=smoke&limit=5")
    smoke.http("books", "PATCH", f"/books/{book_id}", body={"stock": 6}, token=token)
    smoke.http("cart", "PUT", f"/cart/items/{book_id}", body={"quantity": 2}, token=token)
    smoke.http("cart", "GET", "/cart", token=token)
    _, order = smoke.http("orders", "POST", "/orders", token=token)
    order_id = (order or {}).get("id", str(uuid.uuid4()))
    smoke.http("orders", "GET", "/orders", token=token)
    smoke.http("orders", "GET", f"/orders/{order_id}", token=token)
    smoke.http("orders", "POST", f"/orders/{order_id}/cancel", token=token)
    smoke.http("wishlist", "PUT", f"/wishlist/{book_id}", token=token)
    smoke.http("wishlist", "GET", "/wishlist", token=token)
    smoke.http("prebooks", "GET", "/prebooks", token=token)
    smoke.http("health", "GET", "/health/ready")
    smoke.http("books", "DELETE", f"/books/{book_id}", token=token)


def main() -> int:
    smoke = Smoke()
    sample_events(smoke)
    purchase(smoke)
    print(f"smoke: {smoke.calls} invocations of {CHECKOUT}, {len(smoke.failures)} server errors")
    for note in smoke.notes:
        print(f"  known: {note}")
    for failure in smoke.failures:
        print(f"  {failure}")
    return 1 if smoke.failures else 0


if __name__ == "__main__":
    sys.exit(main())
