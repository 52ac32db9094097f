"""Row-level security on every table of a user's rows, and roles the functions' statements run as

Revision ID: 0010_row_level_security
Revises: 0009_search_postings
Create Date: 2026-12-07 22:30:00

Three roles that own nothing and log in as nobody (docs/database-roles.md):
- bookstore_app: a signed-in customer's requests and the catalog. Sees the caller's rows only.
- bookstore_auth: the Users function's sign-in and account code. Every account, password hashes
  and refresh tokens included; none of the orders, carts or pre-orders.
- bookstore_ops: admin routes, scheduled jobs and operator actions. Every user's business rows,
  through policies of its own; never a password hash or a token.

The deploying credential (the one that runs this) is granted all three, so each function can
assume one per transaction (`SET LOCAL ROLE`) with a single RDS-managed secret; a separate login
for the functions is granted the same three (docs/database-roles.md shows how).

Every table holding a user's rows has row-level security enabled and forced, so the owner is
bound as well. A database that was already serving keeps one more policy, `previous_release`,
for the deploying credential: the release before this one connects with it and runs as it, and
serves while this revision is applied and again if the deployment rolls back. The release after
this one drops it (docs/migrations.md, "Pending contract steps").
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0010_row_level_security"
down_revision: str | None = "0009_search_postings"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APP, AUTH, OPS = "bookstore_app", "bookstore_auth", "bookstore_ops"
ROLES = (APP, AUTH, OPS)

# The caller the transaction carries: NULL when none was set, or when a transaction that set one
# has ended on this connection (the setting then reads ''). NULL equals nothing: no rows.
CALLER = "NULLIF(current_setting('app.user_id', true), '')::uuid"

# A policy for a role binds only statements running as it (`SET ROLE`), never a member that
# inherits it: the deploying credential is a member of all three, and must stay bound by FORCE.
ASSUMED = "current_user = '{role}'"

# The columns of an account anyone but the sign-in code may read: not its password hash.
ACCOUNT_COLUMNS = "id, created_at, updated_at, email, full_name, has_password, role, is_active"

# (privileges, table, roles). Column lists narrow a privilege to those columns.
GRANTS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("SELECT", "alembic_version", ROLES),
    # The catalog: everyone reads it; a checkout takes stock; admins and jobs change it (their
    # changes index the book's words through triggers that run as them).
    ("SELECT", "books", ROLES),
    ("UPDATE (stock, updated_at)", "books", (APP,)),
    ("INSERT, UPDATE, DELETE", "books", (OPS,)),
    ("SELECT", "search_words", (APP, OPS)),
    ("SELECT", "search_postings", (APP, OPS)),
    ("INSERT, UPDATE, DELETE", "search_words", (OPS,)),
    ("INSERT, UPDATE, DELETE", "search_postings", (OPS,)),
    # A customer's own rows (the policies below keep them to the caller's), and every user's for
    # admins and jobs.
    ("SELECT, INSERT, UPDATE, DELETE", "cart_items", (APP, OPS)),
    ("SELECT, INSERT, UPDATE, DELETE", "wishlist_items", (APP, OPS)),
    ("SELECT, INSERT, UPDATE, DELETE", "orders", (APP, OPS)),
    ("SELECT, INSERT, UPDATE, DELETE", "order_items", (APP, OPS)),
    ("SELECT, INSERT, UPDATE, DELETE", "prebooks", (APP, OPS)),
    ("SELECT, INSERT, UPDATE, DELETE", "idempotency_keys", (APP, OPS)),
    # A business transaction writes its events; publishing and draining them is the jobs' work.
    ("INSERT", "outbox_events", (APP,)),
    ("SELECT, INSERT, UPDATE, DELETE", "outbox_events", (OPS,)),
    # Accounts: the caller's own (without its hash), every one for admins (who change roles),
    # everything for the sign-in code.
    (f"SELECT ({ACCOUNT_COLUMNS})", "users", (APP, OPS)),
    ("UPDATE (role, updated_at)", "users", (OPS,)),
    ("SELECT, INSERT, UPDATE, DELETE", "users", (AUTH,)),
    ("SELECT", "user_identities", (APP,)),
    ("SELECT, INSERT, UPDATE, DELETE", "user_identities", (AUTH,)),
    ("SELECT, INSERT, UPDATE, DELETE", "refresh_tokens", (AUTH,)),
    ("SELECT, INSERT, UPDATE, DELETE", "oidc_authorizations", (AUTH,)),
    ("SELECT, INSERT, UPDATE, DELETE", "oidc_login_codes", (AUTH,)),
    ("SELECT, INSERT, UPDATE, DELETE", "login_lockouts", (AUTH,)),
    ("SELECT, INSERT, UPDATE, DELETE", "auth_attempts", (AUTH,)),
)

# Whose row it is, for each table of a user's rows.
OWNERSHIP = {
    "cart_items": f"user_id = {CALLER}",
    "wishlist_items": f"user_id = {CALLER}",
    "orders": f"user_id = {CALLER}",
    "order_items": f"EXISTS (SELECT FROM orders WHERE orders.id = order_id AND orders.user_id = {CALLER})",
    "prebooks": f"user_id = {CALLER}",
    "idempotency_keys": f"user_id = {CALLER}",
    "users": f"id = {CALLER}",
    "user_identities": f"user_id = {CALLER}",
    "refresh_tokens": f"user_id = {CALLER}",
    "oidc_login_codes": f"user_id = {CALLER}",
}
# Who reads across users, table by table: the roles with an all-rows policy.
ACROSS_USERS = {
    "cart_items": (OPS,),
    "wishlist_items": (OPS,),
    "orders": (OPS,),
    "order_items": (OPS,),
    "prebooks": (OPS,),
    "idempotency_keys": (OPS,),
    "users": (OPS, AUTH),
    "user_identities": (AUTH,),
    "refresh_tokens": (AUTH,),
    "oidc_login_codes": (AUTH,),
}
# The roles bound to the caller's rows, table by table (each table's grants say what they may do).
CALLER_ROLES = {
    "cart_items": (APP,),
    "wishlist_items": (APP,),
    "orders": (APP,),
    "order_items": (APP,),
    "prebooks": (APP,),
    "idempotency_keys": (APP,),
    "users": (APP,),
    "user_identities": (APP,),
    "refresh_tokens": (),
    "oidc_login_codes": (),
}

# Roles belong to the cluster, not to this database: another database (a second stack, a test
# copy) may have made them already, possibly at this very moment.
CREATE_ROLE = """
DO $$ BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}') THEN
        CREATE ROLE {role} NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
    END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END $$
"""
# So the deploying credential may assume each role. A superuser needs no membership. On
# PostgreSQL 16 and later the role's creator holds it with ADMIN OPTION only (it may grant it, not
# assume it): the grant to itself adds what `SET LOCAL ROLE` needs.
JOIN_ROLE = """
DO $$ BEGIN
    IF NOT pg_has_role(current_user, '{role}', 'USAGE') THEN
        GRANT {role} TO CURRENT_USER;
    END IF;
EXCEPTION WHEN unique_violation THEN NULL;
END $$
"""


def _previous_release_serves() -> bool:
    """Whether this upgrade started from a database a release was already serving (alembic/env.py
    passes where the run started; an empty database has no release before this one)."""
    return op.get_context().opts.get("starting_revision") is not None


def upgrade() -> None:
    for role in ROLES:
        op.execute(CREATE_ROLE.format(role=role))
        op.execute(JOIN_ROLE.format(role=role))
    # The default of PostgreSQL 15 and later, made explicit for databases created before: only
    # the owner of the schema, who runs the migrations, creates objects in it.
    op.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
    for role in ROLES:
        op.execute(f"GRANT USAGE ON SCHEMA public TO {role}")
    for privileges, table, roles in GRANTS:
        op.execute(f"GRANT {privileges} ON {table} TO {', '.join(roles)}")
    keep_previous_release = _previous_release_serves()
    for table, owned in OWNERSHIP.items():
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
        for role in CALLER_ROLES[table]:
            rows = f"{ASSUMED.format(role=role)} AND {owned}"
            op.execute(
                f"CREATE POLICY {role}_own_rows ON {table} TO {role} "
                f"USING ({rows}) WITH CHECK ({rows})"
            )
        for role in ACROSS_USERS[table]:
            rows = ASSUMED.format(role=role)
            op.execute(
                f"CREATE POLICY {role}_every_row ON {table} TO {role} "
                f"USING ({rows}) WITH CHECK ({rows})"
            )
        if keep_previous_release:
            op.execute(
                f"CREATE POLICY previous_release ON {table} TO CURRENT_USER "
                "USING (true) WITH CHECK (true)"
            )


def downgrade() -> None:
    # The roles stay: other databases in the cluster may use them. This one grants them nothing.
    for table in OWNERSHIP:
        op.execute(f"DROP POLICY IF EXISTS previous_release ON {table}")
        for role in CALLER_ROLES[table]:
            op.execute(f"DROP POLICY {role}_own_rows ON {table}")
        for role in ACROSS_USERS[table]:
            op.execute(f"DROP POLICY {role}_every_row ON {table}")
        op.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
    tables = sorted({table for _, table, _ in GRANTS})
    for role in ROLES:
        op.execute(f"REVOKE ALL ON {', '.join(tables)} FROM {role}")
        op.execute(f"REVOKE USAGE ON SCHEMA public FROM {role}")
