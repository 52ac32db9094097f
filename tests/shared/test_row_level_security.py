"""The database guards each user's rows itself: row-level security and the roles statements run as.

The suite connects as a superuser, which row-level security never binds (nor the owner of a table
without FORCE). These tests show that the functions' statements are bound all the same: each
transaction assumes a role made for its work, and a statement that forgets its user filter still
reaches the caller's rows only.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import delete, select, text, update

import functions.cart.repository as cart_repository
import functions.orders.reads as order_reads
from functions.cart.app import handler as cart_handler
from functions.orders.app import handler as orders_handler
from shared.db.access import ACCOUNTS, OPERATIONS, Access, DbRole, as_caller
from shared.db.compiled import CompiledStatement, reading
from shared.db.tables.books import books
from shared.db.tables.cart import cart_items
from shared.db.transaction import transaction
from tests.support.accounts import Account, make_account, make_book
from tests.support.databases import run, sql
from tests.support.lambda_client import LambdaClient
from tests.support.row_security import ROW_SECURED_TABLES

# The application role with no caller set.
NO_CALLER = Access(DbRole.APP)


@pytest.fixture
def client_for_cart(database_url: str) -> LambdaClient:
    return LambdaClient(cart_handler)


@pytest.fixture
def client_for_orders(database_url: str) -> LambdaClient:
    return LambdaClient(orders_handler)


def fill_cart(database_url: str, who: Account, *, lines: int) -> list[str]:
    books = [make_book(database_url, stock=50) for _ in range(lines)]
    for book_id in books:
        sql(
            database_url,
            "INSERT INTO cart_items (user_id, book_id, quantity) VALUES ($1, $2, 1)",
            uuid.UUID(who.id),
            uuid.UUID(book_id),
        )
    return books


def place_order(database_url: str, who: Account) -> str:
    order_id = uuid.uuid4()
    sql(
        database_url,
        "INSERT INTO orders (id, user_id, total, currency) VALUES ($1, $2, 10, 'USD')",
        order_id,
        uuid.UUID(who.id),
    )
    book_id = make_book(database_url)
    sql(
        database_url,
        "INSERT INTO order_items (order_id, book_id, line_number, title, unit_price, quantity, "
        "line_total) VALUES ($1, $2, 1, 'A book', 10, 1, 10)",
        order_id,
        uuid.UUID(book_id),
    )
    return str(order_id)


async def cart_owners(access: Access) -> list[str]:
    async with transaction(access) as session:
        rows = (await session.execute(select(cart_items.c.user_id))).scalars()
        return sorted(str(user_id) for user_id in rows)


async def as_role(access: Access, statement: str) -> list[Any]:
    async with transaction(access) as session:
        return list((await session.execute(text(statement))).all())


# --- the caller's rows only -----------------------------------------------------------------


def test_a_cart_read_without_its_user_filter_still_returns_only_the_callers_lines(
    client_for_cart: LambdaClient, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    ann, bob = make_account(database_url), make_account(database_url)
    fill_cart(database_url, ann, lines=2)
    fill_cart(database_url, bob, lines=3)
    every_line = CompiledStatement(
        select(
            cart_items.c.book_id,
            books.c.title,
            books.c.price.label("unit_price"),
            cart_items.c.quantity,
        ).join(books, books.c.id == cart_items.c.book_id)
    )

    async def forgetful_lines(reader: Any, *, user_id: uuid.UUID) -> Any:
        return await reader.fetch(every_line)  # the user filter, forgotten

    monkeypatch.setattr(cart_repository, "lines", forgetful_lines)

    assert client_for_cart.get("/cart", token=ann.token).json()["item_count"] == 2
    assert client_for_cart.get("/cart", token=bob.token).json()["item_count"] == 3


def test_an_order_list_without_its_owner_filter_still_returns_only_the_callers_orders(
    client_for_orders: LambdaClient, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    ann, bob = make_account(database_url), make_account(database_url)
    ann_order = place_order(database_url, ann)
    place_order(database_url, bob)
    # The admin's statements (every order) run for a customer: the owner filter, forgotten.
    forgetful = {(True, after): order_reads._PAGES[False, after] for after in (False, True)}
    monkeypatch.setattr(order_reads, "_PAGES", {**order_reads._PAGES, **forgetful})

    response = client_for_orders.get("/orders", token=ann.token)

    assert response.status_code == 200, response.body
    assert [order["id"] for order in response.json()["items"]] == [ann_order]


def test_emptying_a_cart_without_its_user_filter_leaves_every_other_cart_alone(
    client_for_cart: LambdaClient, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    ann, bob = make_account(database_url), make_account(database_url)
    fill_cart(database_url, ann, lines=2)
    fill_cart(database_url, bob, lines=2)

    async def forgetful_clear(session: Any, *, user_id: uuid.UUID) -> None:
        await (await session.connection()).execute(delete(cart_items))

    monkeypatch.setattr(cart_repository, "clear", forgetful_clear)

    assert client_for_cart.delete("/cart", token=ann.token).status_code == 204
    rows = sql(database_url, "SELECT user_id FROM cart_items")
    assert {str(row["user_id"]) for row in rows} == {bob.id}


def test_a_write_for_another_user_is_refused_by_the_database(database_url: str) -> None:
    ann, bob = make_account(database_url), make_account(database_url)
    book_id = make_book(database_url)
    bob_cart = fill_cart(database_url, bob, lines=1)

    async def write_into_bobs_cart() -> None:
        async with transaction(as_caller(uuid.UUID(ann.id))) as session:
            await session.execute(
                text("INSERT INTO cart_items (user_id, book_id, quantity) VALUES (:u, :b, 1)"),
                {"u": uuid.UUID(bob.id), "b": uuid.UUID(book_id)},
            )

    async def change_bobs_quantity() -> int:
        async with transaction(as_caller(uuid.UUID(ann.id))) as session:
            result = await session.execute(update(cart_items).values(quantity=99))
            return int(result.rowcount)  # type: ignore[attr-defined]

    with pytest.raises(Exception, match="row-level security"):
        run(write_into_bobs_cart())
    assert run(change_bobs_quantity()) == 0
    rows = sql(database_url, "SELECT book_id, quantity FROM cart_items")
    assert [(str(row["book_id"]), row["quantity"]) for row in rows] == [(bob_cart[0], 1)]


def test_the_suite_superuser_sees_every_row_but_the_same_login_in_a_function_transaction_does_not(
    database_url: str,
) -> None:
    ann, bob = make_account(database_url), make_account(database_url)
    fill_cart(database_url, ann, lines=1)
    fill_cart(database_url, bob, lines=1)

    assert sql(database_url, "SELECT rolsuper FROM pg_roles WHERE rolname = current_user")[0][0]
    assert len(sql(database_url, "SELECT * FROM cart_items")) == 2
    assert run(cart_owners(as_caller(uuid.UUID(ann.id)))) == [ann.id]
    assert run(as_role(as_caller(uuid.UUID(ann.id)), "SELECT current_user")) == [("bookstore_app",)]


def test_a_sessionless_read_runs_as_the_application_role_with_its_caller(
    database_url: str,
) -> None:
    user_id = uuid.uuid4()
    who = CompiledStatement(
        text(
            "SELECT current_user AS role, current_setting('app.user_id') AS caller, "
            "current_setting('transaction_read_only') AS read_only"
        )
    )

    async def read() -> Any:
        async with reading(as_caller(user_id)) as reader:
            return await reader.fetchrow(who)

    row = run(read())

    assert dict(row) == {"role": "bookstore_app", "caller": str(user_id), "read_only": "on"}


# --- fail closed ------------------------------------------------------------------------------


def test_a_statement_with_no_caller_sees_no_user_rows(database_url: str) -> None:
    ann = make_account(database_url)
    fill_cart(database_url, ann, lines=1)
    place_order(database_url, ann)

    for table in ROW_SECURED_TABLES:
        granted = sql(
            database_url,
            "SELECT has_table_privilege('bookstore_app', $1, 'SELECT') "
            "OR has_any_column_privilege('bookstore_app', $1, 'SELECT') AS granted",
            table,
        )[0]["granted"]
        column = {"users": "id", "order_items": "order_id"}.get(table, "user_id")
        if granted:
            assert run(as_role(NO_CALLER, f"SELECT {column} FROM {table}")) == [], table
        else:
            with pytest.raises(Exception, match="permission denied"):
                run(as_role(NO_CALLER, f"SELECT {column} FROM {table}"))


def test_the_caller_a_transaction_set_is_gone_once_it_ends(database_url: str) -> None:
    ann = make_account(database_url)
    fill_cart(database_url, ann, lines=1)

    assert run(cart_owners(as_caller(uuid.UUID(ann.id)))) == [ann.id]
    # The pool hands the same connection to the next transaction, which sets no caller.
    assert run(cart_owners(NO_CALLER)) == []


# --- admins and jobs ----------------------------------------------------------------------------


def test_the_operations_role_sees_every_users_rows(database_url: str) -> None:
    ann, bob = make_account(database_url), make_account(database_url)
    fill_cart(database_url, ann, lines=1)
    fill_cart(database_url, bob, lines=1)
    place_order(database_url, ann)
    place_order(database_url, bob)

    assert run(cart_owners(OPERATIONS)) == sorted([ann.id, bob.id])
    assert len(run(as_role(OPERATIONS, "SELECT * FROM orders"))) == 2
    assert len(run(as_role(OPERATIONS, "SELECT * FROM order_items"))) == 2


def test_an_admin_lists_every_users_orders_through_the_handler(
    client_for_orders: LambdaClient, database_url: str
) -> None:
    ann, bob = make_account(database_url), make_account(database_url)
    admin = make_account(database_url, role="admin")
    orders_placed = {place_order(database_url, ann), place_order(database_url, bob)}

    response = client_for_orders.get("/orders", token=admin.token)

    assert {order["id"] for order in response.json()["items"]} == orders_placed


def test_an_admin_reading_their_own_cart_sees_only_their_own(
    client_for_cart: LambdaClient, database_url: str
) -> None:
    admin, bob = make_account(database_url, role="admin"), make_account(database_url)
    fill_cart(database_url, bob, lines=2)

    assert client_for_cart.get("/cart", token=admin.token).json()["item_count"] == 0


# --- least privilege ----------------------------------------------------------------------------


def test_only_the_account_code_reads_password_hashes_and_refresh_tokens(
    database_url: str,
) -> None:
    account = make_account(database_url)
    sql(
        database_url,
        "INSERT INTO refresh_tokens (id, user_id, family_id, token_hash, expires_at) "
        "VALUES ($1, $2, $1, $3, now() + interval '1 day')",
        uuid.uuid4(),
        uuid.UUID(account.id),
        b"x" * 32,
    )
    statements = [
        "SELECT password_hash FROM users",
        "SELECT * FROM users",
        "SELECT * FROM refresh_tokens",
    ]

    for statement in statements:
        for access in (NO_CALLER, OPERATIONS):
            with pytest.raises(Exception, match="permission denied"):
                run(as_role(access, statement))
        assert len(run(as_role(ACCOUNTS, statement))) == 1, statement


def test_no_role_the_functions_run_as_can_change_the_schema(database_url: str) -> None:
    statements = [
        "CREATE TABLE intruder (id int)",
        "ALTER TABLE books ADD COLUMN intruder int",
        "DROP TABLE cart_items",
        "ALTER TABLE orders DISABLE ROW LEVEL SECURITY",
        "TRUNCATE orders",
    ]

    for role in DbRole:
        for statement in statements:
            with pytest.raises(Exception, match=r"permission denied|must be owner"):
                run(as_role(Access(role), statement))


def test_the_roles_log_in_as_nobody_own_nothing_and_bypass_nothing(database_url: str) -> None:
    rows = sql(
        database_url,
        "SELECT rolname, rolcanlogin, rolsuper, rolbypassrls, rolcreaterole, rolcreatedb, "
        "(SELECT count(*) FROM pg_class WHERE relowner = pg_roles.oid) AS owned "
        "FROM pg_roles WHERE rolname LIKE 'bookstore\\_%' ORDER BY rolname",
    )

    assert [tuple(row) for row in rows] == [
        (role, False, False, False, False, False, 0) for role in sorted(DbRole)
    ]


# --- every table of a user's rows, now and later --------------------------------------------------


def test_every_table_with_a_user_column_has_row_level_security_enabled_and_forced(
    database_url: str,
) -> None:
    rows = sql(
        database_url,
        "SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = 'public' AND c.relkind = 'r' AND (c.relname IN ('users', 'order_items') "
        "OR EXISTS (SELECT FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'user_id'))"
        " ORDER BY 1",
    )

    assert {row["relname"] for row in rows} == set(ROW_SECURED_TABLES)
    assert all(row["relrowsecurity"] and row["relforcerowsecurity"] for row in rows)
