"""Accounts, their refresh tokens, and the records that throttle logins and registrations."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Uuid,
    func,
    true,
)

from shared.auth.roles import ROLES
from shared.db.tables.metadata import id_column, metadata, moment_column, timestamp_columns

# `email` is stored normalised (trimmed, lower case); `password_hash` is a PHC Argon2id string.
users = Table(
    "users",
    metadata,
    id_column(),
    *timestamp_columns(),
    Column("email", String(320), nullable=False),
    Column("full_name", String(100), nullable=False),
    Column("password_hash", String(255), nullable=False),
    # False for an account made by signing in with a provider, until its owner sets a password:
    # its `password_hash` is then the hash of a random secret nobody knows.
    Column("has_password", Boolean, default=True, server_default=true(), nullable=False),
    Column("role", String(16), default="customer", server_default="customer", nullable=False),
    Column("is_active", Boolean, default=True, server_default=true(), nullable=False),
    CheckConstraint(f"role IN {ROLES!r}", name="role_valid"),
)

# Unique regardless of case: "Ann@x.org" and "ann@X.org" are one account.
Index("uq_users_email_lower", func.lower(users.c.email), unique=True)

refresh_tokens = Table(
    "refresh_tokens",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("user_id", Uuid, ForeignKey("users.id", ondelete="CASCADE"), index=True, nullable=False),
    # Every token descended from one login shares a family; reuse of a revoked one revokes it all.
    Column("family_id", Uuid, index=True, nullable=False),
    # SHA-256 of the opaque token: a leaked table cannot be replayed. Unique, and how a token is found.
    Column("token_hash", LargeBinary(32), unique=True, nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True)),
    moment_column("created_at"),
)

# Consecutive failed logins per email tried, known or not (so a lock-out tells nothing about which
# emails have accounts), keyed by the SHA-256 of the normalised email: no address is stored in
# clear for someone else's guess. A successful login deletes the row.
login_lockouts = Table(
    "login_lockouts",
    metadata,
    Column("email_digest", LargeBinary(32), primary_key=True),
    Column("failures", Integer, nullable=False),
    # Lock-outs so far: each one doubles the next window.
    Column("lockouts", Integer, server_default="0", nullable=False),
    Column("locked_until", DateTime(timezone=True)),
    Column("updated_at", DateTime(timezone=True), server_default=func.now(), nullable=False),
    CheckConstraint("failures >= 0", name="failures_not_negative"),
    CheckConstraint("lockouts >= 0", name="lockouts_not_negative"),
)

AUTH_ATTEMPT_KINDS = ("login_failure", "registration")
# One row per failed login and per registration attempt, by API Gateway's source address: what
# the per-address limits count over their window.
auth_attempts = Table(
    "auth_attempts",
    metadata,
    id_column(),
    Column("kind", String(16), nullable=False),
    Column("source_ip", String(64), nullable=False),
    moment_column("created_at"),
    CheckConstraint(f"kind IN {AUTH_ATTEMPT_KINDS!r}", name="kind_valid"),
)
Index(
    "ix_auth_attempts_kind_source_ip_created_at",
    auth_attempts.c.kind,
    auth_attempts.c.source_ip,
    auth_attempts.c.created_at,
)
Index("ix_auth_attempts_created_at", auth_attempts.c.created_at)
Index("ix_login_lockouts_updated_at", login_lockouts.c.updated_at)
