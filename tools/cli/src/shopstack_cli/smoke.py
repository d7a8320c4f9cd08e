"""`shopstack smoke`: is a deployment healthy enough to take orders? The pipeline's
health-validation stage, runnable by hand against any environment.

It uses a dedicated probe SKU, so it never touches real stock: the probe product is created
if missing, given one unit, ordered, cancelled, and left at zero stock.
"""

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp

PROBE_SKU = "shopstack_smoke_probe"
PROBE_PRICE = 1.00
SERVICES = ("product", "inventory", "order")


class CheckFailedError(Exception):
    """A check failed; the message says which and why."""


@dataclass
class Report:
    passed: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed


class Shop:
    def __init__(self, session: aiohttp.ClientSession, base_url: str) -> None:
        self._session = session
        self._base = base_url.rstrip("/")

    async def call(
        self, method: str, path: str, body: object = None, **headers: str
    ) -> tuple[int, Any]:
        try:
            async with self._session.request(
                method, self._base + path, json=body, headers=headers
            ) as response:
                return response.status, await response.json(content_type=None)
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise CheckFailedError(f"{method} {path}: {type(exc).__name__} {exc}") from exc

    async def expect(
        self, status: int, method: str, path: str, body: object = None, **headers: str
    ) -> Any:
        answered, payload = await self.call(method, path, body, **headers)
        if answered != status:
            detail = payload.get("detail") if isinstance(payload, dict) else payload
            raise CheckFailedError(f"{method} {path}: expected {status}, got {answered} ({detail})")
        return payload

    async def stock(self) -> int:
        levels = await self.expect(200, "GET", f"/api/inventory?skuCode={PROBE_SKU}")
        return int(levels[0]["quantity"])


async def _ready(shop: Shop, service: str) -> str:
    await shop.expect(200, "GET", f"/health/{service}")
    return f"{service} is ready"


async def _gateway_ready(shop: Shop) -> str:
    await shop.expect(200, "GET", "/actuator/health/readiness")
    return "gateway is ready"


async def _order_round_trip(shop: Shop) -> str:
    status, _ = await shop.call(
        "POST",
        "/api/product/create",
        {
            "name": "Smoke probe",
            "description": "Used by `shopstack smoke`; never in stock.",
            "price": PROBE_PRICE,
            "skuCode": PROBE_SKU,
        },
    )
    if status not in (201, 409):  # 409: it exists from an earlier run
        raise CheckFailedError(f"creating the probe product answered {status}")
    await shop.expect(200, "PUT", f"/api/inventory/{PROBE_SKU}", {"quantity": 1})
    try:
        order = await shop.expect(
            201,
            "POST",
            "/api/order/create",
            {
                "orderLineItemsDtoList": [
                    {"skuCode": PROBE_SKU, "price": PROBE_PRICE, "quantity": 1}
                ]
            },
            **{"Idempotency-Key": str(uuid.uuid4())},
        )
        if order["status"] != "CONFIRMED" or await shop.stock() != 0:
            raise CheckFailedError(f"the order did not take its stock: {order['status']}")
        cancelled = await shop.expect(200, "POST", f"/api/order/{order['orderNumber']}/cancel")
        if cancelled["status"] != "CANCELLED" or await shop.stock() != 1:
            raise CheckFailedError("cancelling did not return the stock")
    finally:
        await shop.call("PUT", f"/api/inventory/{PROBE_SKU}", {"quantity": 0})
    return "an order was placed, took its stock, was cancelled and gave it back"


async def _prometheus_targets_up(session: aiohttp.ClientSession, prometheus_url: str) -> str:
    url = prometheus_url.rstrip("/") + "/api/v1/targets?state=active"
    try:
        async with session.get(url) as response:
            targets = (await response.json())["data"]["activeTargets"]
    except (aiohttp.ClientError, TimeoutError, KeyError) as exc:
        raise CheckFailedError(
            f"Prometheus at {prometheus_url} did not list its targets: {exc}"
        ) from exc
    down = [t["scrapeUrl"] for t in targets if t["health"] != "up"]
    if not targets or down:
        raise CheckFailedError(f"Prometheus targets not up: {', '.join(down) or 'none listed'}")
    return f"Prometheus scrapes {len(targets)} targets, all up"


async def run_smoke(
    base_url: str, prometheus_url: str | None = None, *, timeout_seconds: float = 10
) -> Report:
    """Run every check against the gateway at `base_url`; never raises for a failed check."""
    report = Report()
    timeout = aiohttp.ClientTimeout(total=timeout_seconds)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        shop = Shop(session, base_url)
        checks: list[tuple[str, Callable[[], Awaitable[str]]]] = [
            ("gateway", lambda: _gateway_ready(shop)),
            *[(name, lambda name=name: _ready(shop, name)) for name in SERVICES],
            ("order round trip", lambda: _order_round_trip(shop)),
        ]
        if prometheus_url:
            checks.append(("prometheus", lambda: _prometheus_targets_up(session, prometheus_url)))
        for name, check in checks:
            try:
                report.passed.append(await check())
            except CheckFailedError as failure:
                report.failed.append(f"{name}: {failure}")
                if name == "gateway":
                    break  # nothing else can be reached
    return report
