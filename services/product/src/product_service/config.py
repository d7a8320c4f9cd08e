"""Product service settings, read from ``PRODUCT_*`` environment variables."""

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from shopkit.settings import DatabaseServiceSettings


class Settings(DatabaseServiceSettings):
    model_config = SettingsConfigDict(env_prefix="PRODUCT_")

    port: int = 8080
    # mongodb://… selects MongoDB; sqlite+aiosqlite://… or mysql+asyncmy://… the SQL store.
    # Its password inline, or in the file PRODUCT_DB_PASSWORD_FILE names (a mounted Secret).
    database_url: str = Field(default="sqlite+aiosqlite:///.data/product.db", repr=False)
    # Off when a separate step (`python -m product_service migrate`) owns the schema, or
    # MongoDB's indexes.
    migrate_on_start: bool = True
    demo_data: bool = False
    # Catalog pages are remembered this long (0: never). A product added here is listed at
    # once; by another replica within this many seconds.
    catalog_cache_seconds: float = Field(default=1.0, ge=0)
