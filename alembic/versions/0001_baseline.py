"""Baseline: the empty schema every later revision builds on.

Revision ID: 0001_baseline
Revises:
Create Date: 2026-11-22
"""

from collections.abc import Sequence

revision: str = "0001_baseline"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
