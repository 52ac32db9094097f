"""Who a transaction acts for: the database role its statements run as, and the user it serves.

Every transaction the functions open assumes one of three roles (revision 0010 makes them; what
each may do is in docs/database-roles.md) and carries its caller, both with `set_config(...,
true)`: they last until the transaction ends, so they are right behind a transaction-mode pooler
(PgBouncer, RDS Proxy), and a connection back in the pool keeps neither. Row-level security keeps
the application role to the caller's rows: a statement with no caller sees none.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import StrEnum

from shared.auth.principal import Principal


class DbRole(StrEnum):
    # A customer's requests and the catalog: the caller's own rows, nobody else's.
    APP = "bookstore_app"
    # The Users function's sign-in and account code: accounts, password hashes, refresh tokens.
    AUTH = "bookstore_auth"
    # Admin routes, scheduled jobs and operator actions: every user's business rows.
    OPS = "bookstore_ops"


@dataclass(frozen=True, slots=True)
class Access:
    # None: the credential the function connects with, for the health checks alone.
    role: DbRole | None
    user_id: uuid.UUID | None = None

    def settings(self) -> dict[str, str]:
        """The values `ASSUME` binds."""
        return {
            "role": "none" if self.role is None else DbRole(self.role).value,
            "user_id": "" if self.user_id is None else str(uuid.UUID(str(self.user_id))),
        }

    def begin_statement(self) -> str:
        """BEGIN and both settings in one simple-protocol query: one round trip, no parameters.
        What is spliced in is an enum's value (or `none`) and a UUID's canonical text."""
        settings = self.settings()
        return (
            f"BEGIN READ ONLY; SELECT set_config('role', '{settings['role']}', true), "
            f"set_config('app.user_id', '{settings['user_id']}', true)"
        )


# The first statement of every session transaction (`shared.db.transaction`).
ASSUME = "SELECT set_config('role', :role, true), set_config('app.user_id', :user_id, true)"


def as_caller(user_id: uuid.UUID) -> Access:
    """A signed-in user's own rows."""
    return Access(DbRole.APP, user_id)


def as_caller_or_admin(principal: Principal) -> Access:
    """For a route an admin uses on anyone's rows and a customer on their own."""
    return OPERATIONS if principal.is_admin else as_caller(principal.user_id)


# The catalog: no user's rows.
PUBLIC = Access(DbRole.APP)
# The health checks read the schema's revision, also on a database the migrations have not yet
# given the roles to: as the connecting credential, touching nothing but `alembic_version`.
SCHEMA_CHECK = Access(None)
# Admin routes, jobs and operator actions.
OPERATIONS = Access(DbRole.OPS)
# The Users function's account code with no caller: registration, login, token refresh, purges.
ACCOUNTS = Access(DbRole.AUTH)
