"""Sign-in with OpenID Connect providers: the accounts' provider identities, and the short-lived
state of the authorization code flow."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, ForeignKey, Index, LargeBinary, String, Table, Text, Uuid

from shared.db.tables.metadata import id_column, metadata, moment_column

# An account signs in with a provider as (issuer, subject): the provider's own id for the person,
# never the email, which a provider may let its users change.
user_identities = Table(
    "user_identities",
    metadata,
    id_column(),
    Column("user_id", Uuid, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("provider", String(64), nullable=False),
    Column("issuer", String(255), nullable=False),
    Column("subject", String(255), nullable=False),
    moment_column("created_at"),
)
Index(
    "uq_user_identities_issuer_subject",
    user_identities.c.issuer,
    user_identities.c.subject,
    unique=True,
)
Index("ix_user_identities_user_id", user_identities.c.user_id)

# A code flow between the redirect to the provider and its callback, found by the SHA-256 of its
# `state` (what travels through the browser) and deleted when used.
oidc_authorizations = Table(
    "oidc_authorizations",
    metadata,
    Column("state_hash", LargeBinary(32), primary_key=True),
    Column("provider", String(64), nullable=False),
    Column("nonce", String(128), nullable=False),
    Column("code_verifier", String(128), nullable=False),
    Column("redirect_uri", Text, nullable=False),
    Column("client_state", String(512)),
    Column("expires_at", DateTime(timezone=True), nullable=False),
)

# The one-time code the callback hands the client, found by its SHA-256, exchanged once for a
# token pair by POST /auth/oidc/{provider}/token.
oidc_login_codes = Table(
    "oidc_login_codes",
    metadata,
    Column("code_hash", LargeBinary(32), primary_key=True),
    Column("provider", String(64), nullable=False),
    Column("user_id", Uuid, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
)
