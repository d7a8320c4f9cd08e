"""Create the reservations tables.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SKU = sa.String(64).with_variant(
    mysql.VARCHAR(64, charset="ascii", collation="ascii_bin"), "mysql", "mariadb"
)


def upgrade() -> None:
    op.create_table(
        "reservations",
        sa.Column("order_number", sa.String(36), primary_key=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("released_at", sa.DateTime),
        mysql_charset="utf8mb4",
    )
    op.create_table(
        "reservation_lines",
        sa.Column(
            "order_number",
            sa.String(36),
            sa.ForeignKey("reservations.order_number", name="fk_reservation_lines_reservation"),
            primary_key=True,
        ),
        sa.Column("sku_code", SKU, primary_key=True),
        sa.Column("quantity", sa.Integer, nullable=False),
        sa.Column("available", sa.Integer),
        sa.CheckConstraint("quantity > 0", name="ck_reservation_lines_quantity_positive"),
        mysql_charset="utf8mb4",
    )


def downgrade() -> None:
    op.drop_table("reservation_lines")
    op.drop_table("reservations")
