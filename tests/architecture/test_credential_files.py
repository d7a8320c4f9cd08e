"""Every service takes its database (the gateway its session store's) password from a mounted
file, through shopkit's one rule (shopkit.credentials), and never shows it in its settings."""

from pathlib import Path
from typing import NamedTuple

import pytest
from pydantic_settings import BaseSettings

from gateway.config import Settings as GatewaySettings
from identity_service.config import Settings as IdentitySettings
from inventory_service.config import Settings as InventorySettings
from order_service.config import Settings as OrderSettings
from product_service.config import Settings as ProductSettings


class Credentials(NamedTuple):
    settings: type[BaseSettings]
    url_variable: str
    file_variable: str
    url_field: str
    url: str
    """The URL as configured, its user as {user}."""
    user: str


def _database(settings: type[BaseSettings], prefix: str, url: str, user: str) -> Credentials:
    return Credentials(
        settings, f"{prefix}_DATABASE_URL", f"{prefix}_DB_PASSWORD_FILE", "database_url", url, user
    )


MYSQL = "mysql+asyncmy://{user}@mysql:3306/%s?charset=utf8mb4"
SERVICES = {
    "product": _database(
        ProductSettings,
        "PRODUCT",
        "mongodb://{user}@mongodb:27017/shopstack_product?authSource=shopstack_product",
        "product",
    ),
    "inventory": _database(InventorySettings, "INVENTORY", MYSQL % "inventory", "inventory"),
    "order": _database(OrderSettings, "ORDER", MYSQL % "order", "order"),
    "identity": _database(IdentitySettings, "IDENTITY", MYSQL % "identity", "identity"),
    "gateway": Credentials(
        GatewaySettings,
        "GATEWAY_SESSION_STORE_URL",
        "GATEWAY_SESSION_STORE_PASSWORD_FILE",
        "session_store_url",
        "redis://{user}@redis:6379/0",
        "",
    ),
}


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_the_password_comes_from_the_services_password_file_and_is_never_shown(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, service: str
) -> None:
    credentials = SERVICES[service]
    password = tmp_path / "password"
    password.write_text("from-the-secret\n")
    monkeypatch.setenv(credentials.url_variable, credentials.url.format(user=credentials.user))
    monkeypatch.setenv(credentials.file_variable, str(password))

    settings = credentials.settings()

    assert getattr(settings, credentials.url_field) == credentials.url.format(
        user=f"{credentials.user}:from-the-secret"
    )
    assert "from-the-secret" not in repr(settings)
