"""Accounts and their refresh tokens."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Index,
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
