"""Order service settings: ``ORDER_*`` environment variables (and ``HOST``/``PORT``)."""

from datetime import timedelta
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from shopkit.auth import read_secret
from shopkit.http_client import ClientPolicy
from shopkit.settings import DatabaseServiceSettings


class Settings(DatabaseServiceSettings):
    model_config = SettingsConfigDict(env_prefix="ORDER_")

    port: int = 8082
    # sqlite+aiosqlite://… (embedded default) or mysql+asyncmy://… (production).
    # Its password inline, or in the file ORDER_DB_PASSWORD_FILE names (a mounted Secret).
    database_url: str = Field(default="sqlite+aiosqlite:///.data/order.db", repr=False)
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
    # How long a key stands for its order; past it, the same key places a new order.
    idempotency_key_ttl_hours: float = Field(default=24.0, gt=0)

    # This service's own token (client credentials), sent on its calls to product and
    # inventory. The secret has no default: the identity service generates it.
    client_id: str = Field(default="order-service", min_length=1)
    client_secret: SecretStr | None = None
    client_secret_file: Path | None = None
    # None: {AUTH_ISSUER}/token, the identity service's; Keycloak and Entra ID name theirs.
    token_url: str | None = None

    @property
    def idempotency_key_ttl(self) -> timedelta:
        return timedelta(hours=self.idempotency_key_ttl_hours)

    @property
    def token_endpoint(self) -> str:
        return self.token_url or f"{self.auth.issuer.rstrip('/')}/token"

    def read_client_secret(self) -> str:
        """ORDER_CLIENT_SECRET, or the content of ORDER_CLIENT_SECRET_FILE: exactly one."""
        value = self.client_secret.get_secret_value() if self.client_secret else None
        try:
            return read_secret(value, self.client_secret_file)
        except (OSError, ValueError) as exc:
            raise ValueError(
                f"ORDER_CLIENT_SECRET or ORDER_CLIENT_SECRET_FILE is needed: {exc}"
            ) from None

    def client_policy(self) -> ClientPolicy:
        return ClientPolicy(
            connect_timeout=self.call_connect_timeout_seconds,
            total_timeout=self.call_timeout_seconds,
            attempts=self.call_attempts,
            breaker_threshold=self.breaker_threshold,
            breaker_reset_seconds=self.breaker_reset_seconds,
        )
