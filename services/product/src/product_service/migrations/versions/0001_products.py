"""Create the products table.

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


def upgrade() -> None:
    op.create_table(
        "products",
        sa.Column("id", sa.String(24), primary_key=True),
        sa.Column("sku_code", SKU, nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("description", sa.String(2000), nullable=False),
        sa.Column("price_minor", sa.BigInteger, nullable=False),
        sa.UniqueConstraint("sku_code", name="uq_products_sku_code"),
        sa.CheckConstraint("price_minor > 0", name="ck_products_price_positive"),
        mysql_charset="utf8mb4",
        mysql_collate="utf8mb4_unicode_ci",
    )


def downgrade() -> None:
    op.drop_table("products")
