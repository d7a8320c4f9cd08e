"""The three services on real HTTP, each with its own database, for platform tests."""

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
from testkit.live_server import serve_in_thread
from testkit.network import free_port


@dataclass
class Platform:
    """Base URLs of the running services, and switches to stop and start them."""

    urls: dict[str, str]
    databases: dict[str, str]
    order_settings: dict[str, Any]
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
        if service == "product":
            return product_main.create_app(product_config.Settings(database_url=url))
        if service == "inventory":
            return inventory_main.create_app(inventory_config.Settings(database_url=url))
        return order_main.create_app(
            order_config.Settings(
                database_url=url,
                product_url=self.urls["product"],
                inventory_url=self.urls["inventory"],
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
    """Start product, inventory and order on loopback ports; stop them all at the end."""
    services = ("product", "inventory", "order")
    platform = Platform(
        urls={name: f"http://127.0.0.1:{free_port()}" for name in services},
        databases={name: database_for(name) for name in services},
        order_settings=order_settings,
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


class Shop:
    """A client of the platform that speaks in shop terms, over HTTP."""

    def __init__(self, platform: Platform, session: aiohttp.ClientSession) -> None:
        self.platform = platform
        self.http = session

    def url(self, service: str, path: str) -> str:
        return self.platform.urls[service] + path

    async def new_product(self, stock: int, price: str = "10.00") -> str:
        sku = f"sku-{secrets.token_hex(5)}"
        body = {"name": sku, "price": float(price), "skuCode": sku}
        async with self.http.post(self.url("product", "/api/product/create"), json=body) as r:
            assert r.status == 201, await r.text()
        await self.set_stock(sku, stock)
        return sku

    async def set_stock(self, sku: str, quantity: int) -> None:
        url = self.url("inventory", f"/api/inventory/{sku}")
        async with self.http.put(url, json={"quantity": quantity}) as r:
            assert r.status == 200, await r.text()

    async def stock(self, *skus: str) -> dict[str, int]:
        url = self.url("inventory", "/api/inventory")
        async with self.http.get(url, params={"skuCode": ",".join(skus)}) as r:
            return {level["skuCode"]: level["quantity"] for level in await r.json()}

    async def order(
        self, lines: list[tuple[str, int]], price: str = "10.00", key: str | None = None
    ) -> tuple[int, dict[str, Any]]:
        body = {
            "orderLineItemsDtoList": [
                {"skuCode": sku, "price": float(Decimal(price)), "quantity": quantity}
                for sku, quantity in lines
            ]
        }
        headers = {"Idempotency-Key": key} if key else {}
        async with self.http.post(
            self.url("order", "/api/order/create"), json=body, headers=headers
        ) as r:
            return r.status, await r.json(content_type=None)

    async def get_order(self, order_number: str) -> dict[str, Any]:
        async with self.http.get(self.url("order", f"/api/order/{order_number}")) as r:
            assert r.status == 200, await r.text()
            order: dict[str, Any] = await r.json()
            return order

    async def all_orders(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        for page in range(10_000):
            url = self.url("order", f"/api/order?page={page}&size=100")
            async with self.http.get(url) as r:
                batch = await r.json()
            found += batch
            if len(batch) < 100:
                return found
        raise AssertionError("too many orders")

    async def reservation(self, order_number: str) -> dict[str, Any] | None:
        url = self.url("inventory", f"/api/inventory/reservations/{order_number}")
        async with self.http.get(url) as r:
            if r.status == 404:
                return None
            reservation: dict[str, Any] = await r.json()
            return reservation

    async def cancel(self, order_number: str) -> tuple[int, dict[str, Any]]:
        url = self.url("order", f"/api/order/{order_number}/cancel")
        async with self.http.post(url) as r:
            return r.status, await r.json(content_type=None)
