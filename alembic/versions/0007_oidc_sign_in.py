"""Sign-in with OpenID Connect providers: identities, code-flow state, accounts without a password

Revision ID: 0007_oidc_sign_in
Revises: 0006_search_words
Create Date: 2026-12-07 19:00:00.000000

Expand only: three new tables, and `users.has_password` with a constant default (a catalog change).
An account made through a provider keeps a `password_hash` (of a random secret), so the previous
release's login refuses it as it refuses any wrong password.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_oidc_sign_in"
down_revision: str | None = "0006_search_words"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "user_identities",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("provider", sa.String(length=64), nullable=False),
        sa.Column("issuer", sa.String(length=255), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_user_identities_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_identities")),
    )
    # A new, empty table: its indexes are built with it, under no one's feet.
    op.create_index(
        "uq_user_identities_issuer_subject",
        "user_identities",
        ["issuer", "subject"],
        unique=True,
    )
    op.create_index("ix_user_identities_user_id", "user_identities", ["user_id"])
    op.create_table(
        "oidc_authorizations",
        sa.Column("state_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("provider", sa.String(length=64), nullable=False),
        sa.Column("nonce", sa.String(length=128), nullable=False),
        sa.Column("code_verifier", sa.String(length=128), nullable=False),
        sa.Column("redirect_uri", sa.Text(), nullable=False),
        sa.Column("client_state", sa.String(length=512), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("state_hash", name=op.f("pk_oidc_authorizations")),
    )
    op.create_table(
        "oidc_login_codes",
        sa.Column("code_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("provider", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_oidc_login_codes_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("code_hash", name=op.f("pk_oidc_login_codes")),
    )
    op.add_column(
        "users",
        sa.Column("has_password", sa.Boolean(), server_default=sa.true(), nullable=False),
    )


def downgrade() -> None:
    # Accounts made through a provider stay, with a password nobody knows: their owners reset it.
    op.drop_column("users", "has_password")
    op.drop_table("oidc_login_codes")
    op.drop_table("oidc_authorizations")
    op.drop_index("ix_user_identities_user_id", table_name="user_identities")
    op.drop_index("uq_user_identities_issuer_subject", table_name="user_identities")
    op.drop_table("user_identities")
