"""Create the orders tables.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SKU = sa.String(64).with_variant(
    mysql.VARCHAR(64, charset="ascii", collation="ascii_bin"), "mysql", "mariadb"
)
KEY = sa.String(255).with_variant(
    mysql.VARCHAR(255, charset="ascii", collation="ascii_bin"), "mysql", "mariadb"
)
TIMESTAMP = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")


def upgrade() -> None:
    op.create_table(
        "orders",
        sa.Column("order_number", sa.String(36), primary_key=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.Column("idempotency_key", KEY),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("must_release", sa.Boolean, nullable=False),
        sa.Column("shortages", sa.Text),
        sa.UniqueConstraint("idempotency_key", name="uq_orders_idempotency_key"),
        mysql_charset="utf8mb4",
    )
    # Newest-first listing, and the recovery loop's scan of old PENDING orders.
    op.create_index("ix_orders_created_at", "orders", ["created_at"])
    op.create_index("ix_orders_status_created_at", "orders", ["status", "created_at"])
    op.create_table(
        "order_lines",
        sa.Column(
            "order_number",
            sa.String(36),
            sa.ForeignKey("orders.order_number", name="fk_order_lines_order"),
            primary_key=True,
        ),
        sa.Column("sku_code", SKU, primary_key=True),
        sa.Column("quantity", sa.Integer, nullable=False),
        sa.Column("unit_price_minor", sa.BigInteger, nullable=False),
        sa.CheckConstraint("quantity > 0", name="ck_order_lines_quantity_positive"),
        sa.CheckConstraint("unit_price_minor > 0", name="ck_order_lines_price_positive"),
        mysql_charset="utf8mb4",
    )


def downgrade() -> None:
    op.drop_table("order_lines")
    op.drop_table("orders")
