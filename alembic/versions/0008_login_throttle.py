"""Records that throttle logins and registrations: lock-outs per email, attempts per address

Revision ID: 0008_login_throttle
Revises: 0007_oidc_sign_in
Create Date: 2026-12-07 18:30:00

Two new tables, empty when created: their indexes are built in the same transaction, since no
request reads or writes them before this revision commits.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_login_throttle"
down_revision: str | None = "0007_oidc_sign_in"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "login_lockouts",
        sa.Column("email_digest", sa.LargeBinary(length=32), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("lockouts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint("failures >= 0", name=op.f("ck_login_lockouts_failures_not_negative")),
        sa.CheckConstraint("lockouts >= 0", name=op.f("ck_login_lockouts_lockouts_not_negative")),
        sa.PrimaryKeyConstraint("email_digest", name=op.f("pk_login_lockouts")),
    )
    op.create_index("ix_login_lockouts_updated_at", "login_lockouts", ["updated_at"], unique=False)
    op.create_table(
        "auth_attempts",
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("source_ip", sa.String(length=64), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "kind IN ('login_failure', 'registration')", name=op.f("ck_auth_attempts_kind_valid")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_auth_attempts")),
    )
    op.create_index(
        "ix_auth_attempts_kind_source_ip_created_at",
        "auth_attempts",
        ["kind", "source_ip", "created_at"],
        unique=False,
    )
    op.create_index("ix_auth_attempts_created_at", "auth_attempts", ["created_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_auth_attempts_created_at", table_name="auth_attempts")
    op.drop_index("ix_auth_attempts_kind_source_ip_created_at", table_name="auth_attempts")
    op.drop_table("auth_attempts")
    op.drop_index("ix_login_lockouts_updated_at", table_name="login_lockouts")
    op.drop_table("login_lockouts")
