"""The three services on real HTTP, each with its own database, all trusting one test token
issuer that also gives the order service its own token (client credentials)."""

import secrets
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import aiohttp

import inventory_service.config as inventory_config
import inventory_service.main as inventory_main
import order_service.config as order_config
import order_service.main as order_main
import product_service.config as product_config
import product_service.main as product_main
from order_service.bootstrap import RESERVATION_SCOPE
from shopkit.auth import AuthSettings
from testkit.issuer import TestIssuer
from testkit.live_server import serve_in_thread
from testkit.network import free_port

ORDER_CLIENT_ID = "order-service"
TOKEN_LIFETIME_SECONDS = 3600
"""Long enough for any test; the attack tests make their own expired tokens."""

Headers = dict[str, str]
"""Who calls: the headers a caller sends (none for an anonymous guest)."""
GUEST: Headers = {}


@dataclass
class Platform:
    """Base URLs of the running services, the issuer they trust, and switches to stop and
    start them."""

    urls: dict[str, str]
    databases: dict[str, str]
    order_settings: dict[str, Any]
    issuer: TestIssuer
    order_client_secret: str
    _servers: dict[str, ExitStack] = field(default_factory=dict)

    def stop(self, service: str) -> None:
        self._servers.pop(service).close()

    def start(self, service: str) -> None:
        port = int(self.urls[service].rsplit(":", 1)[1])
        stack = ExitStack()
        stack.enter_context(serve_in_thread(self._app(service), port=port))
        self._servers[service] = stack

    def _app(self, service: str) -> Any:
        url = self.databases[service]
        auth = AuthSettings(issuer=self.issuer.url)
        if service == "product":
            return product_main.create_app(product_config.Settings(database_url=url, auth=auth))
        if service == "inventory":
            return inventory_main.create_app(inventory_config.Settings(database_url=url, auth=auth))
        return order_main.create_app(
            order_config.Settings(
                database_url=url,
                product_url=self.urls["product"],
                inventory_url=self.urls["inventory"],
                auth=auth,
                client_id=ORDER_CLIENT_ID,
                client_secret=self.order_client_secret,
                **self.order_settings,
            )
        )

    def close(self) -> None:
        for service in list(self._servers):
            self.stop(service)


@contextmanager
def running_platform(
    database_for: Callable[[str], str], **order_settings: Any
) -> Iterator[Platform]:
    """Start a token issuer, then product, inventory and order on loopback ports; stop them
    all at the end."""
    services = ("product", "inventory", "order")
    with TestIssuer().serving() as issuer:
        platform = Platform(
            urls={name: f"http://127.0.0.1:{free_port()}" for name in services},
            databases={name: database_for(name) for name in services},
            order_settings=order_settings,
            issuer=issuer,
            order_client_secret=issuer.register_client(ORDER_CLIENT_ID, scopes=[RESERVATION_SCOPE]),
        )
        try:
            for name in services:
                platform.start(name)
            yield platform
        finally:
            platform.close()


def database_factory(
    backend: str, tmp_dir: Path, mariadb: Callable[[str], str] | None
) -> Callable[[str], str]:
    if backend == "sqlite":
        return lambda name: f"sqlite+aiosqlite:///{tmp_dir}/{name}-{secrets.token_hex(3)}.db"
    assert mariadb is not None
    return mariadb


def bearer(token: str) -> Headers:
    return {"Authorization": f"Bearer {token}"}


class Shop:
    """A client of the platform that speaks in shop terms, over HTTP.

    It sets the catalog and the stock up as an admin, orders as one customer of its own (a
    fresh subject per Shop) unless told `by` whom, and looks at reservations with a service
    token of the inventory's scope, as only another service may.
    """

    def __init__(self, platform: Platform, session: aiohttp.ClientSession) -> None:
        self.platform = platform
        self.http = session
        self.admin = self.user("shop-admin", "admin")
        self.customer = self.user(f"customer-{secrets.token_hex(4)}")
        self.auditor = bearer(
            platform.issuer.mint_service(
                "platform-auditor",
                scopes=[RESERVATION_SCOPE],
                expires_in=TOKEN_LIFETIME_SECONDS,
            )
        )

    def user(self, subject: str, *roles: str) -> Headers:
        """The headers of a signed-in user."""
        token = self.platform.issuer.mint(subject, roles=roles, expires_in=TOKEN_LIFETIME_SECONDS)
        return bearer(token)

    def url(self, service: str, path: str) -> str:
        return self.platform.urls[service] + path

    async def new_product(self, stock: int, price: str = "10.00") -> str:
        sku = f"sku-{secrets.token_hex(5)}"
        body = {"name": sku, "price": float(price), "skuCode": sku}
        async with self.http.post(
            self.url("product", "/api/product/create"), json=body, headers=self.admin
        ) as r:
            assert r.status == 201, await r.text()
        await self.set_stock(sku, stock)
        return sku

    async def set_stock(self, sku: str, quantity: int) -> None:
        url = self.url("inventory", f"/api/inventory/{sku}")
        async with self.http.put(url, json={"quantity": quantity}, headers=self.admin) as r:
            assert r.status == 200, await r.text()

    async def stock(self, *skus: str) -> dict[str, int]:
        url = self.url("inventory", "/api/inventory")
        async with self.http.get(url, params={"skuCode": ",".join(skus)}) as r:
            assert r.status == 200, await r.text()
            return {level["skuCode"]: level["quantity"] for level in await r.json()}

    async def order(
        self,
        lines: list[tuple[str, int]],
        price: str = "10.00",
        key: str | None = None,
        by: Headers | None = None,
    ) -> tuple[int, dict[str, Any]]:
        body = {
            "orderLineItemsDtoList": [
                {"skuCode": sku, "price": float(Decimal(price)), "quantity": quantity}
                for sku, quantity in lines
            ]
        }
        headers = self._as(by) | ({"Idempotency-Key": key} if key else {})
        async with self.http.post(
            self.url("order", "/api/order/create"), json=body, headers=headers
        ) as r:
            return r.status, await r.json(content_type=None)

    async def read_order(
        self, order_number: str, by: Headers | None = None
    ) -> tuple[int, dict[str, Any]]:
        url = self.url("order", f"/api/order/{order_number}")
        async with self.http.get(url, headers=self._as(by)) as r:
            return r.status, await r.json(content_type=None)

    async def get_order(self, order_number: str, by: Headers | None = None) -> dict[str, Any]:
        status, order = await self.read_order(order_number, by)
        assert status == 200, order
        return order

    async def list_orders(
        self, by: Headers | None = None, page: int = 0, size: int = 100
    ) -> tuple[int, Any]:
        url = self.url("order", f"/api/order?page={page}&size={size}")
        async with self.http.get(url, headers=self._as(by)) as r:
            return r.status, await r.json(content_type=None)

    async def all_orders(self, by: Headers | None = None) -> list[dict[str, Any]]:
        """Every order `by` may list: all of them for the admin, by default."""
        found: list[dict[str, Any]] = []
        for page in range(10_000):
            status, batch = await self.list_orders(self.admin if by is None else by, page)
            assert status == 200, batch
            found += batch
            if len(batch) < 100:
                return found
        raise AssertionError("too many orders")

    async def reservation(self, order_number: str) -> dict[str, Any] | None:
        url = self.url("inventory", f"/api/inventory/reservations/{order_number}")
        async with self.http.get(url, headers=self.auditor) as r:
            if r.status == 404:
                return None
            assert r.status == 200, await r.text()
            reservation: dict[str, Any] = await r.json()
            return reservation

    async def cancel(
        self, order_number: str, by: Headers | None = None
    ) -> tuple[int, dict[str, Any]]:
        url = self.url("order", f"/api/order/{order_number}/cancel")
        async with self.http.post(url, headers=self._as(by)) as r:
            return r.status, await r.json(content_type=None)

    def _as(self, by: Headers | None) -> Headers:
        return dict(self.customer if by is None else by)
