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
    # None: no role assumed, the connection's own (`CATALOG`).
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


# The catalog and the health checks: no caller, no transaction, the connection's own role. That is
# `bookstore_app` for a login of the functions' own (its default role, docs/database-roles.md), or
# the tables' owner with a single secret, whom forced row-level security shows no user's row. A
# read that needs no caller saves the transaction's two round trips on the hottest path
# (bench/RESULTS.md, warm GET /books/{id}).
CATALOG = Access(None)
# Admin routes, jobs and operator actions.
OPERATIONS = Access(DbRole.OPS)
# The Users function's account code with no caller: registration, login, token refresh, purges.
ACCOUNTS = Access(DbRole.AUTH)
