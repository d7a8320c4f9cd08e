"""Inventory service settings, read from ``INVENTORY_*`` environment variables."""

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from shopkit.settings import DatabaseServiceSettings


class Settings(DatabaseServiceSettings):
    model_config = SettingsConfigDict(env_prefix="INVENTORY_")

    port: int = 8081
    # sqlite+aiosqlite://… (embedded default) or mysql+asyncmy://… (production).
    # Its password inline, or in the file INVENTORY_DB_PASSWORD_FILE names (a mounted Secret).
    database_url: str = Field(default="sqlite+aiosqlite:///.data/inventory.db", repr=False)
    # Off when a separate step (`python -m inventory_service migrate`) owns the schema.
    migrate_on_start: bool = True
    demo_data: bool = False
    # A SKU with fewer units counts in inventory_low_stock_skus (the LowStock alert).
    low_stock_threshold: int = Field(default=5, ge=1)
