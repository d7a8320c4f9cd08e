"""Order service settings: ``ORDER_*`` environment variables (and ``HOST``/``PORT``)."""

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from shopkit.http_client import ClientPolicy
from shopkit.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="ORDER_")

    port: int = 8082
    # sqlite+aiosqlite://… (embedded default) or mysql+asyncmy://… (production).
    database_url: str = "sqlite+aiosqlite:///.data/order.db"
    migrate_on_start: bool = True
    product_url: str = "http://127.0.0.1:8080"
    inventory_url: str = "http://127.0.0.1:8081"

    call_connect_timeout_seconds: float = Field(default=0.5, gt=0)
    call_timeout_seconds: float = Field(default=2.0, gt=0)
    call_attempts: int = Field(default=2, ge=1)
    breaker_threshold: int = Field(default=5, ge=1)
    breaker_reset_seconds: float = Field(default=5.0, gt=0)
    # Catalog prices are remembered this long per SKU, sparing most orders a call to the
    # catalog. An order at a price the catalog changed within that window is still
    # accepted; a refusal is always checked against the catalog itself. 0: ask every time.
    price_cache_seconds: float = Field(default=30.0, ge=0)

    # A PENDING order older than this was abandoned by a crash: the recovery loop settles it.
    # Keep it well above one order's worst-case call time (timeout x attempts).
    recovery_min_age_seconds: float = Field(default=30.0, ge=0)
    recovery_interval_seconds: float = Field(default=10.0, gt=0)
    # How long a retry with the same Idempotency-Key waits for the first request to finish.
    idempotency_wait_seconds: float = Field(default=5.0, ge=0)

    def client_policy(self) -> ClientPolicy:
        return ClientPolicy(
            connect_timeout=self.call_connect_timeout_seconds,
            total_timeout=self.call_timeout_seconds,
            attempts=self.call_attempts,
            breaker_threshold=self.breaker_threshold,
            breaker_reset_seconds=self.breaker_reset_seconds,
        )
