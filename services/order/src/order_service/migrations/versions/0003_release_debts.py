"""Cancelled orders owing their stock back are found by the recovery loop from an index.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A cancel records CANCELLED with must_release before it releases the stock; the
    # recovery loop looks for those whose release did not complete, oldest first.
    op.create_index(
        "ix_orders_status_must_release_created_at",
        "orders",
        ["status", "must_release", "created_at"],
    )


def downgrade() -> None:
    op.drop_index("ix_orders_status_must_release_created_at", "orders")
