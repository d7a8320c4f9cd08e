"""Gateway settings, read from ``GATEWAY_*`` environment variables."""

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from shopkit.actuator import ManagementPort
from shopkit.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="GATEWAY_")

    port: int = 8000
    # Metrics, info and the API documents: never on the public port (Spring Boot's
    # management.server.port). Loopback unless a scraper elsewhere must reach it.
    management_host: str = "127.0.0.1"
    management_port: int = Field(default=9000, ge=1, le=65535)
    # In Kubernetes these are the Services' names, e.g. http://product:8080.
    product_url: str = "http://127.0.0.1:8080"
    inventory_url: str = "http://127.0.0.1:8081"
    order_url: str = "http://127.0.0.1:8082"
    upstream_timeout_seconds: float = Field(default=5.0, gt=0)
    # The largest request body forwarded; an order of 100 lines is about 8 KiB.
    max_body_bytes: int = Field(default=64 * 1024, ge=1)

    def upstreams(self) -> dict[str, str]:
        return {
            "product": self.product_url,
            "inventory": self.inventory_url,
            "order": self.order_url,
        }

    def management(self) -> ManagementPort:
        return ManagementPort(self.management_host, self.management_port)
