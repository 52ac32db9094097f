"""Test databases: one migrated template per run, one copy of it per pytest process, emptied
between tests (or copied again when a test changed its schema).

A run may go through a pooler (PgBouncer in transaction mode, `.ci/run`'s second pass):
`TEST_DATABASE_URL` is then the pooler's and `TEST_DATABASE_UPSTREAM_URL` the server behind it.
Tests, handlers and migrations use the pooler; creating, emptying and dropping databases is done
on the server itself, as are the few checks of what the server sees (`direct_url`).
"""

from __future__ import annotations

import itertools
import os
from dataclasses import dataclass
from typing import Any

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from bookstore import embedded_postgres
from bookstore.dsn import asyncpg_dsn
from shared.db.engine import dispose_engine
from shared.runtime.handler import run_on_process_loop
from shared.settings import get_settings
from tests.support.pgbouncer import admin_console

# On the process loop, the one the handlers and the engine use.
run = run_on_process_loop

UPSTREAM_URL_VARIABLE = "TEST_DATABASE_UPSTREAM_URL"

_counter = itertools.count()


def unique_name(prefix: str) -> str:
    return f"{prefix}_{os.getpid()}_{next(_counter)}"


def through_pooler() -> bool:
    """Whether this run's `TEST_DATABASE_URL` is a pooler in front of the server."""
    return bool(os.environ.get(UPSTREAM_URL_VARIABLE))


def direct_url(url: str) -> str:
    """`url` (its user, password and database) on the server itself rather than through this
    run's pooler: for what only the server knows or does (its sessions, CREATE DATABASE)."""
    upstream = os.environ.get(UPSTREAM_URL_VARIABLE)
    if not upstream:
        return url
    server = make_url(upstream)
    direct = make_url(url).set(host=server.host, port=server.port, query=server.query)
    return direct.render_as_string(hide_password=False)


def _via_pooler(url: str) -> bool:
    return direct_url(url) != make_url(url).render_as_string(hide_password=False)


async def connect(url: str, database: str | None = None) -> asyncpg.Connection:
    """A plain asyncpg connection to the database of `url` (or to `database` of its server).

    Without statement caches: behind a transaction-mode pooler a statement prepared on one server
    connection is missing on the next, and a connection here runs too few statements for a cache
    to pay off anyway.
    """
    return await asyncpg.connect(asyncpg_dsn(url, database), statement_cache_size=0)


async def execute(server_url: str, *statements: str, database: str = "postgres") -> None:
    connection = await connect(server_url, database)
    try:
        for statement in statements:
            await connection.execute(statement)
    finally:
        await connection.close()


async def fetch(
    url: str, query: str, *args: Any, database: str | None = None
) -> list[asyncpg.Record]:
    """Rows of `query` on the database of `url` (or on `database` of the same server)."""
    connection = await connect(url, database)
    try:
        rows: list[asyncpg.Record] = await connection.fetch(query, *args)
        return rows
    finally:
        await connection.close()


def create_database(server_url: str, name: str, template: str | None = None) -> None:
    statements = [f'CREATE DATABASE "{name}"']
    if template:
        # CREATE DATABASE refuses a template anyone is connected to, and a pooler keeps its server
        # connections to the template open after the migrations ran through it.
        statements = [
            f"SELECT pg_terminate_backend(pid, {_PATIENCE_MS}) FROM pg_stat_activity"
            f" WHERE datname = '{template}'",
            f'CREATE DATABASE "{name}" TEMPLATE "{template}"',
        ]
    run(execute(direct_url(server_url), *statements))


def drop_database(server_url: str, name: str) -> None:
    run(execute(direct_url(server_url), f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def point_settings_at(database_url: str | None, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the process use another database, as a fresh Lambda environment would."""
    run(dispose_engine())
    if database_url is None:
        monkeypatch.delenv("DATABASE_URL", raising=False)
    else:
        monkeypatch.setenv("DATABASE_URL", database_url)
    get_settings.cache_clear()


# Every schema a migration or a test may create objects in.
_USER_NAMESPACES = """
    SELECT oid, nspname FROM pg_namespace
    WHERE nspname NOT IN ('pg_catalog', 'information_schema')
      AND nspname !~ '^pg_(toast|temp_|toast_temp_)'
"""

# One line per schema object, by definition rather than by oid: a copy of the template, and a
# database that was emptied, answer the same. Any DDL a test runs changes some line.
_SCHEMA_FINGERPRINT = f"""
WITH namespaces AS ({_USER_NAMESPACES}),
relations AS (
    SELECT c.oid, n.nspname, c.relname, c.relkind, c.relpersistence, c.relrowsecurity,
           c.relforcerowsecurity, c.relacl, c.reloptions
    FROM pg_class c JOIN namespaces n ON n.oid = c.relnamespace
),
items(item) AS (
    SELECT format('schema %s %s', n.nspname, s.nspacl)
    FROM namespaces n JOIN pg_namespace s ON s.oid = n.oid
    UNION ALL
    SELECT format('relation %s.%s %s %s %s %s %s %s', nspname, relname, relkind, relpersistence,
                  relrowsecurity, relforcerowsecurity, relacl, reloptions)
    FROM relations
    UNION ALL
    SELECT format('column %s.%s %s %s %s %s %s %s %s %s', r.nspname, r.relname, a.attnum,
                  a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, a.attidentity,
                  a.attgenerated, a.attcollation, pg_get_expr(d.adbin, d.adrelid))
    FROM relations r
    JOIN pg_attribute a ON a.attrelid = r.oid AND a.attnum > 0
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    UNION ALL
    SELECT format('index %s %s', pg_get_indexdef(i.indexrelid), i.indisvalid)
    FROM pg_index i JOIN relations r ON r.oid = i.indexrelid
    UNION ALL
    SELECT format('constraint %s %s %s %s %s', c.conrelid::regclass, c.contypid::regtype,
                  c.conname, pg_get_constraintdef(c.oid), c.convalidated)
    FROM pg_constraint c JOIN namespaces n ON n.oid = c.connamespace
    UNION ALL
    SELECT format('trigger %s %s', pg_get_triggerdef(t.oid), t.tgenabled)
    FROM pg_trigger t JOIN relations r ON r.oid = t.tgrelid
    WHERE NOT t.tgisinternal
    UNION ALL
    SELECT format('rule %s', pg_get_ruledef(w.oid))
    FROM pg_rewrite w JOIN relations r ON r.oid = w.ev_class
    UNION ALL
    SELECT format('policy %s %s %s %s %s %s', p.polrelid::regclass, p.polname, p.polcmd,
                  p.polroles, pg_get_expr(p.polqual, p.polrelid),
                  pg_get_expr(p.polwithcheck, p.polrelid))
    FROM pg_policy p
    UNION ALL
    SELECT format('sequence %s %s %s %s %s %s %s %s', s.seqrelid::regclass, s.seqtypid::regtype,
                  s.seqstart, s.seqincrement, s.seqmin, s.seqmax, s.seqcache, s.seqcycle)
    FROM pg_sequence s JOIN relations r ON r.oid = s.seqrelid
    UNION ALL
    SELECT format('routine %s.%s(%s) %s %s %s', n.nspname, p.proname,
                  pg_get_function_identity_arguments(p.oid), p.prokind, p.prorettype::regtype,
                  md5(p.prosrc))
    FROM pg_proc p JOIN namespaces n ON n.oid = p.pronamespace
    UNION ALL
    SELECT format('type %s.%s %s %s', n.nspname, t.typname, t.typtype, t.typbasetype::regtype)
    FROM pg_type t JOIN namespaces n ON n.oid = t.typnamespace
    UNION ALL
    SELECT format('label %s %s %s', e.enumtypid::regtype, e.enumsortorder, e.enumlabel)
    FROM pg_enum e
    UNION ALL
    SELECT format('extension %s %s %s', extname, extversion, extnamespace::regnamespace)
    FROM pg_extension
    UNION ALL
    SELECT format('setting %s %s', s.setrole, s.setconfig)
    FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase
    WHERE d.datname = current_database()
)
SELECT md5(string_agg(item, E'\\n' ORDER BY item COLLATE "C")) FROM items
"""

_TABLES = f"""
SELECT format('%I.%I', t.schemaname, t.tablename) AS name
FROM pg_tables t JOIN ({_USER_NAMESPACES}) n ON n.nspname = t.schemaname
WHERE (t.schemaname, t.tablename) <> ('public', 'alembic_version')
ORDER BY 1
"""

# What would make a DELETE do more, or less, than remove every row: a trigger that fires on delete
# (bit 8 of tgtype) or a rule, which a superuser's session can switch off (below), and row-level
# security, which it cannot.
_DELETE_HAS_SIDE_EFFECTS = f"""
SELECT EXISTS (
    SELECT FROM pg_class c JOIN ({_USER_NAMESPACES}) n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p') AND (
        EXISTS (SELECT FROM pg_trigger t
                WHERE t.tgrelid = c.oid AND NOT t.tgisinternal AND t.tgtype & 8 <> 0)
        OR EXISTS (SELECT FROM pg_rewrite r WHERE r.ev_class = c.oid)
    )
) AS triggers, EXISTS (
    SELECT FROM pg_class c JOIN ({_USER_NAMESPACES}) n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p') AND c.relrowsecurity
) AS row_security, (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS superuser
"""
# A session in the replica role fires no ordinary trigger or rule (the catalog's search triggers
# would index every deleted book again), and no foreign-key check either, which one DELETE of
# every table does not need.
_WITHOUT_TRIGGERS = "SET session_replication_role = replica; "

# Back to the start every sequence a test advanced (a rolled-back insert advances one too);
# `last_value` is null until the first nextval, as in the template.
_RESTART_USED_SEQUENCES = f"""
SELECT count(setval(format('%I.%I', s.schemaname, s.sequencename), s.start_value, false))
FROM pg_sequences s JOIN ({_USER_NAMESPACES}) n ON n.nspname = s.schemaname
WHERE s.last_value IS NOT NULL
"""

# How long a terminated session may take to exit, and the reset may wait for a lock, before it
# gives up and copies the template again (DROP ... WITH (FORCE) has no such wait).
_PATIENCE_MS = 5_000

# Client sessions only: an autovacuum worker holds no lock that a DELETE or a catalog read waits for.
_TERMINATE_OTHER_SESSIONS = f"""
SET lock_timeout = {_PATIENCE_MS};
SELECT pg_terminate_backend(pid, {_PATIENCE_MS}) FROM pg_stat_activity
WHERE datname = current_database() AND pid <> pg_backend_pid()
  AND backend_type = 'client backend';
"""


@dataclass(frozen=True)
class SchemaState:
    fingerprint: str
    revisions: tuple[str, ...]


async def schema_state(connection: asyncpg.Connection) -> SchemaState:
    """The schema's fingerprint and its Alembic revisions, as one comparable value."""
    fingerprint: str = await connection.fetchval(_SCHEMA_FINGERPRINT)
    has_versions = await connection.fetchval("SELECT to_regclass('public.alembic_version')")
    revisions: list[asyncpg.Record] = (
        await connection.fetch("SELECT version_num FROM public.alembic_version ORDER BY 1")
        if has_versions
        else []
    )
    return SchemaState(fingerprint, tuple(row["version_num"] for row in revisions))


def _emptying_statement(tables: list[str], side_effects: asyncpg.Record) -> str:
    """One statement that removes every row and restarts every used sequence.

    TRUNCATE replaces the files of each table and of each of its indexes: tens of milliseconds. A
    DELETE of the few rows a test wrote takes one. All the DELETEs are parts of one statement so
    that foreign keys, checked at its end, never see a child without its parent, in any order.
    """
    if not tables:
        return _RESTART_USED_SEQUENCES
    if side_effects["row_security"] or (side_effects["triggers"] and not side_effects["superuser"]):
        return f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE; {_RESTART_USED_SEQUENCES}"
    deletes = ", ".join(f"d{i} AS (DELETE FROM {table})" for i, table in enumerate(tables))
    prefix = _WITHOUT_TRIGGERS if side_effects["triggers"] else ""
    return f"{prefix}WITH {deletes} {_RESTART_USED_SEQUENCES}"


class SessionDatabase:
    """One copy of the migrated template for a whole pytest process, made like new before each test.

    Emptying it costs a few milliseconds where creating and dropping a copy costs a quarter of a
    second. A test that changed the schema (a downgrade, a table of its own) is detected by
    comparing the schema with the template's, and gets a new copy.
    """

    def __init__(self, server_url: str, template: str) -> None:
        self.server_url = server_url
        self.template = template
        self.name = unique_name("bookstore_test")
        self.url = embedded_postgres.database_url(server_url, self.name)
        create_database(server_url, self.name, template=template)
        self._pristine, self._emptying, seeded = run(self._inspect())
        # Emptying would lose rows the migrations themselves inserted: copy the template each
        # time instead, slower but still right.
        self._reusable = not seeded

    async def _inspect(self) -> tuple[SchemaState, str, bool]:
        connection = await connect(direct_url(self.url))
        try:
            # Valid for as long as the schema is the template's, which `_empty` checks each time.
            tables = [row["name"] for row in await connection.fetch(_TABLES)]
            side_effects = await connection.fetchrow(_DELETE_HAS_SIDE_EFFECTS)
            assert side_effects is not None
            seeded = False
            if tables:
                any_rows = " OR ".join(f"EXISTS (SELECT FROM {table})" for table in tables)
                seeded = await connection.fetchval(f"SELECT {any_rows}")
            return (
                await schema_state(connection),
                _emptying_statement(tables, side_effects),
                seeded,
            )
        finally:
            await connection.close()

    def reset(self) -> str:
        """Its URL, once no other session is connected and it holds what the template holds."""
        if through_pooler():
            # The pooler's clients are sessions too: ending only the server connections behind
            # them would leave a client of an earlier test free to write later.
            _close_pooler_clients(self.url)
        if not (self._reusable and run(self._empty())):
            drop_database(self.server_url, self.name)
            create_database(self.server_url, self.name, template=self.template)
        return self.url

    async def _empty(self) -> bool:
        """Empty it in place; False when only a new copy will do."""
        try:
            connection = await connect(direct_url(self.url))
        except asyncpg.InvalidCatalogNameError:
            return False  # a test dropped it
        try:
            # A test may have left a transaction open, or a process it spawned may still be
            # connected: either would hold locks the emptying needs, or write after it.
            await connection.execute(_TERMINATE_OTHER_SESSIONS)
            if await schema_state(connection) != self._pristine:
                return False
            await connection.execute(self._emptying)
            return True
        except asyncpg.LockNotAvailableError:
            return False  # a session that would not go away: DROP ... WITH (FORCE) will do it
        finally:
            await connection.close()

    def drop(self) -> None:
        drop_database(self.server_url, self.name)


def sql(database_url: str, statement: str, *args: Any) -> list[asyncpg.Record]:
    """Direct SQL on a test's database, to set up states no route creates and to look behind them."""
    return run(fetch(database_url, statement, *args))


def row_count(database_url: str, table: str) -> int:
    return int(sql(database_url, f"SELECT count(*) AS n FROM {table}")[0]["n"])


@dataclass(frozen=True)
class ClientSession:
    """A connection of the application, as the server (or the pooler) it is connected to sees it."""

    key: str  # the server's backend pid; behind the pooler, the client's address and port
    user: str


def bookstore_sessions(database_url: str) -> list[ClientSession]:
    """The connections the application (`application_name` bookstore) holds to the database of
    `database_url`: server sessions, or behind this run's pooler, the pooler's clients."""
    if _via_pooler(database_url):
        database = make_url(database_url).database
        return [
            ClientSession(f"{row['addr']}:{row['port']}", str(row["user"]))
            for row in admin_console(database_url, "SHOW CLIENTS")
            if row["database"] == database and row["application_name"] == "bookstore"
        ]
    rows = run(
        fetch(
            database_url,
            "SELECT pid, usename FROM pg_stat_activity WHERE datname = current_database()"
            " AND application_name = 'bookstore' AND pid <> pg_backend_pid()",
        )
    )
    return [ClientSession(str(row["pid"]), row["usename"]) for row in rows]


def drop_bookstore_sessions(database_url: str) -> None:
    """Close the application's connections to the database of `database_url`, as a server (or a
    proxy) closes one it timed out while its Lambda environment was frozen."""
    if _via_pooler(database_url):
        # The tests that call this hold no other connection to the database.
        _close_pooler_clients(database_url)
        return
    run(
        fetch(
            database_url,
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND application_name = 'bookstore'"
            " AND pid <> pg_backend_pid()",
        )
    )


def _close_pooler_clients(pooled_url: str) -> None:
    """Close every client the pooler has for the URL's database: PgBouncer closes one only
    together with all the others of its database (and pauses the database until RESUME)."""
    database = make_url(pooled_url).database
    admin_console(pooled_url, f'KILL "{database}"')
    admin_console(pooled_url, f'RESUME "{database}"')
