"""The roles a deployment connects with: a login of the functions' own, an owner that is not a
superuser, and an existing database moving to row-level security (docs/database-roles.md)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy.engine import make_url

from bookstore.template import load_template
from functions.books.app import handler as books_handler
from functions.cart.app import handler as cart_handler
from functions.health.app import handler as health_handler
from functions.migrations import runner
from functions.orders.app import handler as orders_handler
from functions.users.app import handler as users_handler
from shared.db.revision import REVISIONS
from tests.support.accounts import make_account, make_book
from tests.support.databases import execute, fetch, point_settings_at, run, sql
from tests.support.lambda_client import LambdaClient
from tests.support.row_security import ROW_SECURED_TABLES


def as_user(database_url: str, user: str) -> str:
    return make_url(database_url).set(username=user, password=None).render_as_string(False)


def run_sql(database_url: str, *statements: str) -> None:
    """On the test's own database (roles belong to the server, privileges to a database)."""
    run(execute(database_url, *statements, database=make_url(database_url).database or ""))


def drop_login(database_url: str, name: str) -> None:
    run_sql(
        database_url,
        f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '{name}'",
        f"REASSIGN OWNED BY {name} TO CURRENT_USER",
        f"DROP OWNED BY {name}",
        f"DROP ROLE {name}",
    )


@pytest.fixture
def application_login(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A login made as docs/database-roles.md says, which the functions then connect with."""
    name = f"api_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    run_sql(
        database_url,
        f"CREATE ROLE {name} LOGIN NOINHERIT",
        f"GRANT bookstore_app, bookstore_auth, bookstore_ops TO {name}",
        f"ALTER ROLE {name} SET role = 'bookstore_app'",
    )
    point_settings_at(as_user(database_url, name), monkeypatch)
    yield name
    point_settings_at(database_url, monkeypatch)
    drop_login(database_url, name)


def test_every_function_serves_through_a_login_of_its_own_that_owns_and_inherits_nothing(
    application_login: str, database_url: str
) -> None:
    users, cart, orders = (
        LambdaClient(users_handler),
        LambdaClient(cart_handler),
        LambdaClient(orders_handler),
    )
    book_id = make_book(database_url, price="7.50", stock=3)
    admin = make_account(database_url, role="admin")
    credentials = {"email": "login-of-its-own@example.org", "password": "a long passphrase 42"}

    registered = users.post("/auth/register", json_body={**credentials, "full_name": "Ann"})
    token = users.post("/auth/login", json_body=credentials).json()["access_token"]
    put = cart.put(f"/cart/items/{book_id}", json_body={"quantity": 2}, token=token)
    placed = orders.post("/orders", token=token, headers={"Idempotency-Key": "first"})
    mine = orders.get("/orders", token=token)
    everyone = users.get("/users", token=admin.token)
    catalog = LambdaClient(books_handler).get("/books", query={"q": "book"})
    ready = LambdaClient(health_handler).get("/health/ready")

    assert registered.status_code == 201, registered.body
    assert put.status_code == 200, put.body
    assert placed.status_code == 201, placed.body
    assert [order["total"] for order in mine.json()["items"]] == ["15.00"]
    assert everyone.status_code == 200, everyone.body
    assert catalog.status_code == 200, catalog.body
    assert catalog.json()["items"], catalog.body
    assert ready.status_code == 200, ready.body
    # Outside the functions' transactions the login is the application role with no caller.
    login = as_user(database_url, application_login)
    assert run(fetch(login, "SELECT current_user AS role"))[0]["role"] == "bookstore_app"
    assert run(fetch(login, "SELECT * FROM cart_items")) == []


@pytest.fixture
def table_owner(database_url: str) -> Iterator[str]:
    """A login that owns `cart_items` and is no superuser, as an RDS master user is."""
    name = f"owner_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    run_sql(database_url, f"CREATE ROLE {name} LOGIN", f"ALTER TABLE cart_items OWNER TO {name}")
    yield name
    drop_login(database_url, name)


def test_the_owner_of_a_table_is_bound_by_its_forced_row_level_security(
    database_url: str, table_owner: str
) -> None:
    customer = make_account(database_url)
    book_id = make_book(database_url)
    sql(
        database_url,
        "INSERT INTO cart_items (user_id, book_id, quantity) VALUES ($1, $2, 1)",
        uuid.UUID(customer.id),
        uuid.UUID(book_id),
    )
    owner_url = as_user(database_url, table_owner)

    forced = run(fetch(owner_url, "SELECT count(*) AS n FROM cart_items"))[0]["n"]
    run_sql(owner_url, "ALTER TABLE cart_items NO FORCE ROW LEVEL SECURITY")
    unforced = run(fetch(owner_url, "SELECT count(*) AS n FROM cart_items"))[0]["n"]

    assert (forced, unforced) == (0, 1)


def test_an_upgrade_of_a_serving_database_keeps_the_previous_release_working_through_the_deploy(
    empty_database_url: str,
) -> None:
    runner.run("upgrade", REVISIONS[REVISIONS.index("0010_row_level_security") - 1])
    runner.run("upgrade")

    rows = sql(
        empty_database_url,
        "SELECT tablename, roles FROM pg_policies WHERE policyname = 'previous_release'",
    )

    assert {row["tablename"] for row in rows} == set(ROW_SECURED_TABLES)
    assert {tuple(row["roles"]) for row in rows} == {("postgres",)}


def test_an_empty_database_migrated_at_once_has_no_policy_for_a_previous_release(
    empty_database_url: str,
) -> None:
    runner.run("upgrade")

    rows = sql(
        empty_database_url, "SELECT 1 FROM pg_policies WHERE policyname = 'previous_release'"
    )

    assert rows == []


def resolve(node: Any, conditions: dict[str, bool], parameters: dict[str, str]) -> Any:
    """A template fragment as CloudFormation would deploy it with these conditions."""
    if isinstance(node, dict) and "Fn::If" in node:
        name, when_true, when_false = node["Fn::If"]
        return resolve(when_true if conditions[name] else when_false, conditions, parameters)
    if isinstance(node, dict) and set(node) == {"Ref"}:
        return parameters.get(node["Ref"], node["Ref"])
    if isinstance(node, dict):
        return {key: resolve(value, conditions, parameters) for key, value in node.items()}
    if isinstance(node, list):
        return [resolve(item, conditions, parameters) for item in node]
    return node


@pytest.mark.parametrize("application_secret", [True, False], ids=["own-login", "one-secret"])
def test_each_function_reads_the_secret_its_statements_need_and_migrations_the_owners(
    application_secret: bool,
) -> None:
    template = load_template()
    conditions = dict.fromkeys(template["Conditions"], False)
    conditions |= {"UseSecret": True, "UseApplicationSecret": application_secret}
    parameters = {"DatabaseSecretArn": "owner-secret", "ApplicationDatabaseSecretArn": "api-secret"}
    default = template["Globals"]["Function"]["Environment"]["Variables"]["DATABASE_SECRET_ARN"]

    for name, resource in template["Resources"].items():
        if resource["Type"] != "AWS::Serverless::Function":
            continue
        properties = resource["Properties"]
        variables = properties.get("Environment", {}).get("Variables", {})
        reads = resolve(variables.get("DATABASE_SECRET_ARN", default), conditions, parameters)
        allowed = [
            policy["AWSSecretsManagerGetSecretValuePolicy"]["SecretArn"]
            for policy in resolve(properties.get("Policies", []), conditions, parameters)
            if isinstance(policy, dict) and "AWSSecretsManagerGetSecretValuePolicy" in policy
        ]
        owner = name == "MigrationsFunction" or not application_secret
        expected = "owner-secret" if owner else "api-secret"
        assert (name, reads, allowed) == (name, expected, [expected])


@pytest.fixture
def master_user_database(empty_database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """An empty database owned by a login that is no superuser but may create roles, as an RDS
    master user is; the process migrates it as that login. The roles exist already (another
    test's database made them): the master user holds them as their creator would, with ADMIN
    OPTION, which PostgreSQL 16 and later require to grant them."""
    name = f"master_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    database = make_url(empty_database_url).database
    run(
        execute(
            empty_database_url,
            f"CREATE ROLE {name} LOGIN CREATEROLE",
            f"GRANT bookstore_app, bookstore_auth, bookstore_ops TO {name} WITH ADMIN OPTION",
            f'ALTER DATABASE "{database}" OWNER TO {name}',
        )
    )
    point_settings_at(as_user(empty_database_url, name), monkeypatch)
    yield name
    point_settings_at(empty_database_url, monkeypatch)
    run(execute(empty_database_url, f'ALTER DATABASE "{database}" OWNER TO CURRENT_USER'))
    drop_login(empty_database_url, name)


def test_a_master_user_migrates_and_the_release_before_keeps_its_rows_until_the_contract_step(
    empty_database_url: str, master_user_database: str
) -> None:
    as_master = as_user(empty_database_url, master_user_database)
    runner.run("upgrade", REVISIONS[REVISIONS.index("0010_row_level_security") - 1])
    customer = make_account(as_master)
    book_id = make_book(as_master)
    # What the release before does on every request: its statements, as the master user.
    old_release_cart = "SELECT count(*) AS n FROM cart_items"
    sql(
        as_master,
        "INSERT INTO cart_items (user_id, book_id, quantity) VALUES ($1, $2, 1)",
        uuid.UUID(customer.id),
        uuid.UUID(book_id),
    )

    runner.run("upgrade")
    during_the_deploy = sql(as_master, old_release_cart)[0]["n"]
    run_sql(
        as_master,
        *(f"DROP POLICY previous_release ON {table}" for table in ROW_SECURED_TABLES),
    )
    after_the_contract_step = sql(as_master, old_release_cart)[0]["n"]

    assert (during_the_deploy, after_the_contract_step) == (1, 0)
