"""Database faults, injected into a PostgreSQL of the tests' own, reach clients as 503s with
`Retry-After` (or not at all), never as 500s, hangs or lost requests."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from functions.books.app import handler as books_handler
from functions.cart.app import handler as cart_handler
from functions.health.app import handler as health_handler
from functions.migrations import runner
from functions.orders.app import handler as orders_handler
from functions.prebooks.app import handler as prebooks_handler
from functions.users.app import handler as users_handler
from functions.wishlist.app import handler as wishlist_handler
from shared.auth.roles import Role
from shared.db.ids import new_id
from shared.settings import get_settings
from tests.support.accounts import make_account, make_book
from tests.support.databases import fetch, point_settings_at, run
from tests.support.disposable_postgres import DisposablePostgres
from tests.support.lambda_client import LambdaClient, LambdaResponse
from tests.support.logs import captured_logs
from tests.support.races import OpenTransaction

pytestmark = pytest.mark.usefixtures("faulty_database")

# As template.yaml configures every HTTP function (a test there keeps the two in step).
FUNCTION_TIMEOUT_SECONDS = 15
health = LambdaClient(health_handler, timeout_seconds=FUNCTION_TIMEOUT_SECONDS)
books = LambdaClient(books_handler, timeout_seconds=FUNCTION_TIMEOUT_SECONDS)
users = LambdaClient(users_handler, timeout_seconds=FUNCTION_TIMEOUT_SECONDS)
PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="module")
def _migrated(_disposable_postgres_server: DisposablePostgres) -> str:
    server = _disposable_postgres_server
    server.sql("DROP DATABASE IF EXISTS bookstore", "CREATE DATABASE bookstore")
    with pytest.MonkeyPatch.context() as monkeypatch:
        point_settings_at(server.url("bookstore"), monkeypatch)
        runner.run("upgrade")
    get_settings.cache_clear()
    return server.url("bookstore")


@pytest.fixture
def faulty_database(
    disposable_postgres: DisposablePostgres, _migrated: str, monkeypatch: pytest.MonkeyPatch
) -> DisposablePostgres:
    """The process uses the disposable server's migrated database, emptied of users and books."""
    disposable_postgres.sql("TRUNCATE users, books CASCADE", database="bookstore")
    point_settings_at(_migrated, monkeypatch)
    return disposable_postgres


def register(email: str) -> int:
    return users.post(
        "/auth/register", json_body={"email": email, "password": PASSWORD, "full_name": "Ada"}
    ).status_code


def user_count(server: DisposablePostgres) -> int:
    rows = run(fetch(server.admin_url("bookstore"), "SELECT count(*) AS n FROM users"))
    return int(rows[0]["n"])


def backend_pids(server: DisposablePostgres) -> list[int]:
    rows = run(
        fetch(
            server.admin_url(),
            "SELECT pid FROM pg_stat_activity WHERE datname = 'bookstore' "
            "AND application_name = 'bookstore'",
        )
    )
    return [row["pid"] for row in rows]


REFUSALS = {
    "wrong password": "it refused the login (password)",
    "missing database": "the database does not exist",
    "pg_hba rejection": "it refused the login",
    "no connection slot": "it has no connection slot free",
}


def refuse_logins(server: DisposablePostgres, how: str, monkeypatch: pytest.MonkeyPatch) -> None:
    if how == "wrong password":
        server.sql("ALTER ROLE postgres PASSWORD 'the-real-one'")
        server.set_hba("local all all trust\nhost all all 127.0.0.1/32 scram-sha-256\n")
        url = server.url("bookstore", password="a-rotated-one")
    elif how == "missing database":
        url = server.url("no_such_database")
    elif how == "pg_hba rejection":
        server.set_hba("local all all trust\nhost all all 127.0.0.1/32 reject\n")
        url = server.url("bookstore")
    else:
        server.sql("DROP ROLE IF EXISTS capped", "CREATE ROLE capped LOGIN CONNECTION LIMIT 0")
        url = server.url("bookstore", user="capped")
    point_settings_at(url, monkeypatch)


@pytest.mark.parametrize("how", list(REFUSALS))
def test_a_database_refusing_the_login_is_503_on_every_route_with_a_log_line_saying_why(
    faulty_database: DisposablePostgres, how: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    refuse_logins(faulty_database, how, monkeypatch)

    with captured_logs() as logs:
        database = health.get("/health/db")
        ready = health.get("/health/ready")
        listing = books.get("/books")
        registration = users.post(
            "/auth/register",
            json_body={"email": "ada@example.com", "password": PASSWORD, "full_name": "Ada"},
        )

    reason = REFUSALS[how]
    assert (database.status_code, database.json()["code"]) == (503, "DB_UNAVAILABLE")
    assert (ready.status_code, ready.json()["code"]) == (503, "NOT_READY")
    assert ready.json()["detail"] == f"The database is unavailable: {reason}"
    assert (listing.status_code, listing.json()["code"]) == (503, "SERVICE_UNAVAILABLE")
    assert (registration.status_code, registration.json()["code"]) == (503, "SERVICE_UNAVAILABLE")
    for response in (database, ready, listing, registration):
        assert response.headers["retry-after"] == "5"
    reasons = [
        line.get("reason") for line in logs.lines if line["message"] == "database unavailable"
    ]
    assert reasons == [reason] * 4
    for secret in ("the-real-one", "a-rotated-one"):
        assert secret not in logs.text


def test_a_read_only_database_refuses_writes_with_503_keeps_serving_reads_and_writes_lose_nothing(
    faulty_database: DisposablePostgres,
) -> None:
    assert register("before@example.com") == 201
    faulty_database.set_read_only(True)

    refused = users.post(
        "/auth/register",
        json_body={"email": "during@example.com", "password": PASSWORD, "full_name": "Ada"},
    )
    listing = books.get("/books")

    assert (refused.status_code, refused.json()["code"]) == (503, "SERVICE_UNAVAILABLE")
    assert refused.headers["retry-after"] == "5"
    assert listing.status_code == 200
    assert user_count(faulty_database) == 1
    faulty_database.set_read_only(False)
    assert register("after@example.com") == 201


def test_a_connection_the_server_terminated_between_two_requests_is_replaced_invisibly(
    faulty_database: DisposablePostgres,
) -> None:
    assert register("ada@example.com") == 201
    [first] = backend_pids(faulty_database)
    faulty_database.sql(f"SELECT pg_terminate_backend({first})")
    time.sleep(0.1)

    login = users.post("/auth/login", json_body={"email": "ada@example.com", "password": PASSWORD})

    assert login.status_code == 200
    assert backend_pids(faulty_database) not in ([], [first])


def test_the_first_request_after_a_database_restart_succeeds_in_the_same_warm_process(
    faulty_database: DisposablePostgres,
) -> None:
    assert register("ada@example.com") == 201
    faulty_database.stop()
    faulty_database.start()

    login = users.post("/auth/login", json_body={"email": "ada@example.com", "password": PASSWORD})

    assert login.status_code == 200


def test_a_stopped_database_is_503_and_the_same_warm_process_recovers_when_it_is_back(
    faulty_database: DisposablePostgres,
) -> None:
    assert register("ada@example.com") == 201
    faulty_database.stop()

    while_down = users.post(
        "/auth/register",
        json_body={"email": "lost@example.com", "password": PASSWORD, "full_name": "Ada"},
    )
    faulty_database.start()
    back = users.post("/auth/login", json_body={"email": "ada@example.com", "password": PASSWORD})

    assert (while_down.status_code, while_down.json()["code"]) == (503, "SERVICE_UNAVAILABLE")
    assert back.status_code == 200
    assert user_count(faulty_database) == 1


def test_a_frozen_database_gets_our_own_503_well_before_the_function_timeout(
    faulty_database: DisposablePostgres, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The environment sat idle long enough for its connection to be pinged before use.
    monkeypatch.setenv("DB_IDLE_REVALIDATE_SECONDS", "0")
    get_settings.cache_clear()
    assert health.get("/health/db").status_code == 200
    faulty_database.freeze()

    started = time.monotonic()
    response = health.get("/health/db")
    elapsed = time.monotonic() - started

    faulty_database.thaw()
    settings = get_settings()
    assert (response.status_code, response.json()["code"]) == (503, "DB_UNAVAILABLE")
    assert response.headers["x-request-id"]
    # The idle ping's and the connect's own timeouts, not Lambda's (which API Gateway would
    # answer with a bare 503 of its own).
    assert elapsed < FUNCTION_TIMEOUT_SECONDS - settings.invocation_reserve_seconds
    assert health.get("/health/db").status_code == 200


@dataclass(frozen=True)
class Scene:
    """What a write needs: an account, a book in stock, an upcoming book, a unique email."""

    token: str
    book: str
    upcoming: str
    email: str


@dataclass(frozen=True)
class Write:
    """One write of a function's, the table it adds a row to, and a read of the same function's."""

    client: LambdaClient
    method: str
    path: Callable[[Scene], str]
    body: Callable[[Scene], dict[str, object] | None]
    table: str
    read_path: str
    status: int = 201
    role: Role = "customer"
    needs_cart_line: bool = False

    def send(self, scene: Scene) -> LambdaResponse:
        return self.client.request(
            self.method, self.path(scene), json_body=self.body(scene), token=scene.token
        )


cart = LambdaClient(cart_handler, timeout_seconds=FUNCTION_TIMEOUT_SECONDS)
orders = LambdaClient(orders_handler, timeout_seconds=FUNCTION_TIMEOUT_SECONDS)
wishlist = LambdaClient(wishlist_handler, timeout_seconds=FUNCTION_TIMEOUT_SECONDS)
prebooks = LambdaClient(prebooks_handler, timeout_seconds=FUNCTION_TIMEOUT_SECONDS)

WRITES = {
    "users": Write(
        users,
        "POST",
        lambda _: "/auth/register",
        lambda scene: {"email": scene.email, "password": PASSWORD, "full_name": "Ada"},
        "users",
        "/users/me",
    ),
    "books": Write(
        books,
        "POST",
        lambda _: "/books",
        lambda scene: {
            "isbn": "9780306406157",
            "title": "A new book",
            "author": "Ann Author",
            "genre": "Fiction",
            "price": "9.99",
        },
        "books",
        "/books",
        role="admin",
    ),
    "cart": Write(
        cart,
        "PUT",
        lambda scene: f"/cart/items/{scene.book}",
        lambda _: {"quantity": 1},
        "cart_items",
        "/cart",
        status=200,
    ),
    "orders": Write(
        orders,
        "POST",
        lambda _: "/orders",
        lambda _: None,
        "orders",
        "/orders",
        needs_cart_line=True,
    ),
    "wishlist": Write(
        wishlist,
        "PUT",
        lambda scene: f"/wishlist/{scene.book}",
        lambda _: None,
        "wishlist_items",
        "/wishlist",
    ),
    "prebooks": Write(
        prebooks,
        "POST",
        lambda _: "/prebooks",
        lambda scene: {"book_id": scene.upcoming, "quantity": 1},
        "prebooks",
        "/prebooks",
    ),
}


def set_scene(server: DisposablePostgres, write: Write) -> Scene:
    url = server.url("bookstore")
    account = make_account(url, write.role)
    scene = Scene(
        token=account.token,
        book=make_book(url, stock=50),
        upcoming=make_book(url, release_date=date.today() + timedelta(days=30)),
        email=f"{new_id().hex}@example.com",
    )
    if write.needs_cart_line:
        line = cart.put(f"/cart/items/{scene.book}", json_body={"quantity": 1}, token=scene.token)
        assert line.status_code == 200
    return scene


def rows_in(server: DisposablePostgres, table: str) -> int:
    query = f"SELECT count(*) AS n FROM {table}"
    return int(run(fetch(server.admin_url("bookstore"), query))[0]["n"])


def warm(write: Write, scene: Scene) -> None:
    """The function has served a request, so its environment holds a pooled connection."""
    assert write.client.get(write.read_path, token=scene.token).status_code == 200


@pytest.mark.parametrize("function", list(WRITES))
def test_every_function_serves_its_next_write_after_the_server_terminated_every_connection(
    faulty_database: DisposablePostgres, function: str
) -> None:
    write = WRITES[function]
    scene = set_scene(faulty_database, write)
    warm(write, scene)
    faulty_database.sql(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = 'bookstore'"
    )
    time.sleep(0.1)

    response = write.send(scene)

    assert response.status_code == write.status, response.body


@pytest.mark.parametrize("function", list(WRITES))
def test_every_function_answers_503_while_the_database_is_down_writes_nothing_and_recovers(
    faulty_database: DisposablePostgres, function: str
) -> None:
    write = WRITES[function]
    scene = set_scene(faulty_database, write)
    warm(write, scene)
    rows_before = rows_in(faulty_database, write.table)
    faulty_database.stop()

    started = time.monotonic()
    while_down = write.send(scene)
    elapsed = time.monotonic() - started
    faulty_database.start()

    assert (while_down.status_code, while_down.json()["code"]) == (503, "SERVICE_UNAVAILABLE")
    assert while_down.headers["retry-after"] == "5"
    assert elapsed < get_settings().db_connect_timeout
    assert rows_in(faulty_database, write.table) == rows_before
    assert write.send(scene).status_code == write.status


def test_an_order_blocked_by_another_sessions_lock_on_its_book_is_503_and_the_next_one_succeeds(
    faulty_database: DisposablePostgres, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DB_COMMAND_TIMEOUT", "1")
    get_settings.cache_clear()
    write = WRITES["orders"]
    scene = set_scene(faulty_database, write)
    holder = OpenTransaction(faulty_database.admin_url("bookstore"))
    holder.execute("SELECT 1 FROM books WHERE id = $1 FOR UPDATE", uuid.UUID(scene.book))

    blocked = write.send(scene)
    holder.rollback()
    after = write.send(scene)

    assert (blocked.status_code, blocked.json()["code"]) == (503, "SERVICE_UNAVAILABLE")
    assert after.status_code == 201
    assert rows_in(faulty_database, "orders") == 1


def test_the_sessionless_book_read_answers_503_when_down_and_recovers_like_every_other_route(
    faulty_database: DisposablePostgres,
) -> None:
    book = make_book(faulty_database.url("bookstore"))
    assert books.get(f"/books/{book}").status_code == 200
    faulty_database.sql(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = 'bookstore'"
    )
    time.sleep(0.1)
    after_termination = books.get(f"/books/{book}")
    faulty_database.stop()

    while_down = books.get(f"/books/{book}")
    faulty_database.start()
    back = books.get(f"/books/{book}")

    assert after_termination.status_code == 200
    assert (while_down.status_code, while_down.json()["code"]) == (503, "SERVICE_UNAVAILABLE")
    assert while_down.headers["retry-after"] == "5"
    assert back.status_code == 200
