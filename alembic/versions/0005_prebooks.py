"""Wishlists and prebooks

Revision ID: 0005_prebooks
Revises: 0004_orders
Create Date: 2026-11-22 23:28:47.712770
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_prebooks"
down_revision: str | None = "0004_orders"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "wishlist_items",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("book_id", sa.Uuid(), nullable=False),
        sa.Column(
            "added_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["book_id"], ["books.id"], name=op.f("fk_wishlist_items_book_id_books")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_wishlist_items_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "book_id", name=op.f("pk_wishlist_items")),
    )
    op.create_index(
        "ix_wishlist_items_user_id_added_at",
        "wishlist_items",
        ["user_id", sa.literal_column("added_at DESC"), sa.literal_column("book_id DESC")],
        unique=False,
    )
    op.create_table(
        "prebooks",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("book_id", sa.Uuid(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), server_default="pending", nullable=False),
        sa.Column("order_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "(status = 'fulfilled') = (order_id IS NOT NULL)",
            name=op.f("ck_prebooks_order_iff_fulfilled"),
        ),
        sa.CheckConstraint(
            "status IN ('pending', 'fulfilled', 'cancelled')", name=op.f("ck_prebooks_status_valid")
        ),
        sa.CheckConstraint("quantity BETWEEN 1 AND 10", name=op.f("ck_prebooks_quantity_in_range")),
        sa.ForeignKeyConstraint(["book_id"], ["books.id"], name=op.f("fk_prebooks_book_id_books")),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_prebooks_order_id_orders")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_prebooks_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_prebooks")),
    )
    op.create_index(
        "ix_prebooks_book_id_id_pending",
        "prebooks",
        ["book_id", "id"],
        unique=False,
        postgresql_where=sa.text("status = 'pending'"),
    )
    op.create_index(
        "ix_prebooks_user_id_id",
        "prebooks",
        ["user_id", sa.literal_column("id DESC")],
        unique=False,
    )
    op.create_index(
        "uq_prebooks_user_id_book_id_pending",
        "prebooks",
        ["user_id", "book_id"],
        unique=True,
        postgresql_where=sa.text("status = 'pending'"),
    )


def downgrade() -> None:
    op.drop_index(
        "uq_prebooks_user_id_book_id_pending",
        table_name="prebooks",
        postgresql_where=sa.text("status = 'pending'"),
    )
    op.drop_index("ix_prebooks_user_id_id", table_name="prebooks")
    op.drop_index(
        "ix_prebooks_book_id_id_pending",
        table_name="prebooks",
        postgresql_where=sa.text("status = 'pending'"),
    )
    op.drop_table("prebooks")
    op.drop_index("ix_wishlist_items_user_id_added_at", table_name="wishlist_items")
    op.drop_table("wishlist_items")
