"""The inventory tables, as the migrations create them, and where those migrations live."""

from pathlib import Path

from sqlalchemy import (
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
)

from shopkit.sql import sku_column_type

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
VERSION_TABLE = "alembic_version_inventory"

metadata = MetaData()
SkuColumnType = sku_column_type()
inventory = Table(
    "inventory",
    metadata,
    Column("sku_code", SkuColumnType, primary_key=True),
    Column("quantity", Integer, nullable=False),
    CheckConstraint("quantity >= 0", name="ck_inventory_quantity_not_negative"),
)
reservations = Table(
    "reservations",
    metadata,
    Column("order_number", String(36), primary_key=True),
    Column("status", String(16), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("released_at", DateTime),
)
reservation_lines = Table(
    "reservation_lines",
    metadata,
    Column("order_number", ForeignKey("reservations.order_number"), primary_key=True),
    Column("sku_code", SkuColumnType, primary_key=True),
    Column("quantity", Integer, nullable=False),
    # Only for a rejected reservation: what was in stock when it was refused.
    Column("available", Integer),
)
