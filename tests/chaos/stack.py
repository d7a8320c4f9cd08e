"""The platform the chaos suite breaks: identity, product, inventory and order as the real
`python -m` processes (testkit.processes), every one on its own database of a private
`mariadbd`, the order service reaching inventory through a TCP proxy that can be cut or
slowed down."""

import json
import secrets
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from testkit.private_mariadb import PrivateMariaDB
from testkit.processes import IDENTITY, ServiceProcesses
from testkit.tcp_proxy import TcpProxy

SERVICES = (IDENTITY, "product", "inventory", "order")
ADMIN_CLIENT = "smoke"
"""The client whose token sets the catalog and the stock up: it has the admin role."""
CALL_TIMEOUT_SECONDS = 1.0
RECOVERY_MIN_AGE_SECONDS = 5.0
RECOVERY_INTERVAL_SECONDS = 0.5
# The order service's defaults in their proportions, shortened so that a fault and its
# recovery fit in seconds. The minimum age stays above one order's worst case (reserve and
# release, each timeout x attempts), as config.py asks. Prices are remembered for a second,
# not 30: a catalog outage of seconds must reach the orders to be tested at all.
ORDER_SETTINGS = {
    "ORDER_PRICE_CACHE_SECONDS": "1.0",
    "ORDER_CALL_TIMEOUT_SECONDS": str(CALL_TIMEOUT_SECONDS),
    "ORDER_CALL_CONNECT_TIMEOUT_SECONDS": "0.3",
    "ORDER_CALL_ATTEMPTS": "2",
    "ORDER_BREAKER_THRESHOLD": "3",
    "ORDER_BREAKER_RESET_SECONDS": "1.0",
    "ORDER_RECOVERY_MIN_AGE_SECONDS": str(RECOVERY_MIN_AGE_SECONDS),
    "ORDER_RECOVERY_INTERVAL_SECONDS": str(RECOVERY_INTERVAL_SECONDS),
}
START_TIMEOUT = 60.0


def _admin_call(url: str, method: str, body: object, token: str) -> None:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        method=method,
        headers={"content-type": "application/json", "authorization": f"Bearer {token}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            response.read()
    except urllib.error.HTTPError as error:
        raise AssertionError(f"{method} {url}: {error.code} {error.read()!r}") from None


class ChaosStack:
    """The four services, their private database server and the proxy in front of inventory;
    also what stock each SKU was given, so that stock taken can be checked against orders."""

    def __init__(self, workdir: Path, database: PrivateMariaDB) -> None:
        self.database = database
        self.databases = {name: database.database_url(f"chaos_{name}") for name in SERVICES}
        self.services = ServiceProcesses(
            SERVICES,
            log_of=lambda name: workdir / f"{name}.log",
            databases=self.databases,
            env={"LOG_LEVEL": "INFO"},
            secrets_dir=workdir / "secrets",
        )
        self.inventory_proxy = TcpProxy("127.0.0.1", self.services.ports["inventory"])
        self.services.env_of["order"] = ORDER_SETTINGS | {
            "ORDER_INVENTORY_URL": f"http://127.0.0.1:{self.inventory_proxy.port}"
        }
        self.initial_stock: dict[str, int] = {}
        self._admin_token: str | None = None

    def start(self) -> None:
        """The proxy, identity first (the others verify its tokens), then the rest."""
        self.inventory_proxy.restore()
        self.services.start(IDENTITY)
        self.services.wait_ready(IDENTITY, timeout=START_TIMEOUT)
        rest = [name for name in SERVICES if name != IDENTITY]
        self.services.start(*rest)
        self.services.wait_ready(*rest, timeout=START_TIMEOUT)
        self._admin_token = self.services.access_token(ADMIN_CLIENT)

    @property
    def order_url(self) -> str:
        return self.services.urls["order"]

    def kill(self, name: str) -> None:
        """kill -9 one service."""
        self.services.kill(name)

    def restart(self, name: str) -> None:
        """Start a killed service again on its port, and wait until it is ready."""
        self.services.start(name)
        self.services.wait_ready(name, timeout=START_TIMEOUT)

    def new_products(self, count: int, stock: int) -> list[str]:
        """`count` new SKUs in the catalog at 10.00, each with `stock` units."""
        assert self._admin_token is not None, "start() first"
        urls = self.services.urls
        skus = [f"chaos-{secrets.token_hex(4)}" for _ in range(count)]
        for sku in skus:
            product: dict[str, Any] = {"name": sku, "price": 10.0, "skuCode": sku}
            _admin_call(f"{urls['product']}/api/product/create", "POST", product, self._admin_token)
            _admin_call(
                f"{urls['inventory']}/api/inventory/{sku}",
                "PUT",
                {"quantity": stock},
                self._admin_token,
            )
            self.initial_stock[sku] = stock
        return skus

    def close(self) -> None:
        self.services.close()
        self.inventory_proxy.close()
