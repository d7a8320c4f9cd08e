"""Orders have an owner or a guest secret, and Idempotency-Keys are scoped per principal.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GUEST_SCOPE = "guest"


def exact(length: int) -> sa.String:
    return sa.String(length).with_variant(
        mysql.VARCHAR(length, charset="utf8mb4", collation="utf8mb4_bin"), "mysql", "mariadb"
    )


@contextmanager
def orders_rebuilt() -> Iterator[None]:
    """SQLite changes a constraint by rebuilding the table, and may not drop `orders` while
    lines reference it (foreign keys are on, and cannot be switched off in a transaction):
    its lines step aside meanwhile. MySQL alters in place."""
    if op.get_bind().dialect.name != "sqlite":
        yield
        return
    op.execute("CREATE TEMPORARY TABLE order_lines_aside AS SELECT * FROM order_lines")
    op.execute("DELETE FROM order_lines")
    yield
    op.execute("INSERT INTO order_lines SELECT * FROM order_lines_aside")
    op.execute("DROP TABLE order_lines_aside")


def upgrade() -> None:
    op.add_column("orders", sa.Column("owner_subject", exact(255)))
    op.add_column("orders", sa.Column("guest_secret_digest", sa.String(64)))
    # The orders placed so far were anonymous: guest orders without a secret, which only an
    # admin reads. Their keys stay unique within the one guest scope.
    op.add_column(
        "orders",
        sa.Column("idempotency_scope", exact(260), nullable=False, server_default=GUEST_SCOPE),
    )
    with orders_rebuilt(), op.batch_alter_table("orders") as orders:
        orders.alter_column(
            "idempotency_scope",
            existing_type=exact(260),
            existing_nullable=False,
            server_default=None,
        )
        orders.drop_constraint("uq_orders_idempotency_key", type_="unique")
        orders.create_unique_constraint(
            "uq_orders_idempotency_scope_key", ["idempotency_scope", "idempotency_key"]
        )
    # A customer's orders, newest first.
    op.create_index(
        "ix_orders_owner_created_at", "orders", ["owner_subject", "created_at", "order_number"]
    )


def downgrade() -> None:
    op.drop_index("ix_orders_owner_created_at", "orders")
    # One key per order again: the customers' keys are let go, the guests' were unique.
    op.execute(
        f"UPDATE orders SET idempotency_key = NULL WHERE idempotency_scope <> '{GUEST_SCOPE}'"
    )
    with orders_rebuilt(), op.batch_alter_table("orders") as orders:
        orders.drop_constraint("uq_orders_idempotency_scope_key", type_="unique")
        orders.create_unique_constraint("uq_orders_idempotency_key", ["idempotency_key"])
        orders.drop_column("idempotency_scope")
        orders.drop_column("guest_secret_digest")
        orders.drop_column("owner_subject")
