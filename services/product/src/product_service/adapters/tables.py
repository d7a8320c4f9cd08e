"""The catalog's SQL tables, and the migrations that make them."""

from pathlib import Path

from sqlalchemy import BigInteger, Column, MetaData, String, Table

from shopkit.sql import sku_column_type

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
VERSION_TABLE = "alembic_version_product"

metadata = MetaData()

products = Table(
    "products",
    metadata,
    Column("id", String(24), primary_key=True),
    Column("sku_code", sku_column_type(), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("description", String(2000), nullable=False),
    Column("price_minor", BigInteger, nullable=False),
)
