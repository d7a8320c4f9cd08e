"""The order tables, as the migrations create them."""

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects import mysql

from shopkit.sql import sku_column_type

metadata = MetaData()
SkuColumnType = sku_column_type()
KeyColumnType = String(255).with_variant(
    mysql.VARCHAR(255, charset="ascii", collation="ascii_bin"), "mysql", "mariadb"
)
# Microseconds, so that "newest first" is stable under load.
Timestamp = DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")


def _exact_text(length: int) -> String:
    # Compared byte for byte, as subjects are; MySQL's default collation ignores case.
    return String(length).with_variant(
        mysql.VARCHAR(length, charset="utf8mb4", collation="utf8mb4_bin"), "mysql", "mariadb"
    )


orders = Table(
    "orders",
    metadata,
    Column("order_number", String(36), primary_key=True),
    Column("status", String(16), nullable=False),
    Column("created_at", Timestamp, nullable=False),
    Column("updated_at", Timestamp, nullable=False),
    Column("idempotency_key", KeyColumnType),
    Column("fingerprint", String(64), nullable=False),
    Column("must_release", Boolean, nullable=False),
    Column("shortages", Text),
    Column("owner_subject", _exact_text(255)),
    Column("guest_secret_digest", String(64)),
    Column("idempotency_scope", _exact_text(260), nullable=False),
    UniqueConstraint("idempotency_scope", "idempotency_key"),
)
order_lines = Table(
    "order_lines",
    metadata,
    Column("order_number", ForeignKey("orders.order_number"), primary_key=True),
    Column("sku_code", SkuColumnType, primary_key=True),
    Column("quantity", Integer, nullable=False),
    Column("unit_price_minor", BigInteger, nullable=False),
)
