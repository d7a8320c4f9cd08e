"""`shopstack smoke`: is a deployment healthy enough to take orders, and closed to anyone
without a token? The pipeline's health-validation stage, runnable by hand against any
environment.

It uses a dedicated probe SKU, so it never touches real stock: the probe product is created
if missing, given one unit, ordered, cancelled, and left at zero stock. Those writes carry
the smoke client's own token (client credentials; the identity service gives it the admin
role); the order is placed as a guest and read and cancelled with its guest secret, as the
storefront does.
"""

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from shopstack_cli.tokens import ClientCredentials, TokenError, access_token

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
        self,
        method: str,
        path: str,
        body: object = None,
        *,
        token: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, Any]:
        sent = dict(headers or {})
        if token is not None:
            sent["Authorization"] = f"Bearer {token}"
        try:
            async with self._session.request(
                method, self._base + path, json=body, headers=sent
            ) as response:
                return response.status, await response.json(content_type=None)
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            raise CheckFailedError(f"{method} {path}: {type(exc).__name__} {exc}") from exc

    async def expect(
        self,
        status: int,
        method: str,
        path: str,
        body: object = None,
        *,
        token: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Any:
        answered, payload = await self.call(method, path, body, token=token, headers=headers)
        if answered != status:
            detail = payload.get("detail") if isinstance(payload, dict) else payload
            raise CheckFailedError(f"{method} {path}: expected {status}, got {answered} ({detail})")
        return payload

    async def stock(self) -> int:
        levels = await self.expect(200, "GET", f"/api/inventory?skuCode={PROBE_SKU}")
        return int(levels[0]["quantity"])


@dataclass
class Token:
    """The smoke client's token, once the identity check got it."""

    value: str | None = None

    def required(self) -> str:
        if self.value is None:
            raise CheckFailedError("no access token (see the identity check)")
        return self.value


async def _ready(shop: Shop, service: str) -> str:
    await shop.expect(200, "GET", f"/health/{service}")
    return f"{service} is ready"


async def _gateway_ready(shop: Shop) -> str:
    await shop.expect(200, "GET", "/actuator/health/readiness")
    return "gateway is ready"


async def _token_issued(
    session: aiohttp.ClientSession, credentials: ClientCredentials | None, token: Token
) -> str:
    if credentials is None:
        raise CheckFailedError(
            "no client secret: set SHOPSTACK_CLIENT_SECRET or pass --client-secret-file"
        )
    try:
        token.value = await access_token(session, credentials)
    except TokenError as exc:
        raise CheckFailedError(str(exc)) from None
    return f"the issuer {credentials.issuer_url} gave client {credentials.client_id} a token"


async def _anonymous_refused(shop: Shop) -> str:
    # Zero, the probe's resting level: a deployment that wrongly accepted it loses nothing.
    await shop.expect(401, "PUT", f"/api/inventory/{PROBE_SKU}", {"quantity": 0})
    await shop.expect(401, "POST", "/api/product/create", _probe_product())
    await shop.expect(401, "GET", "/api/order")
    return "without a token, setting stock, creating products and listing orders answer 401"


def _probe_product() -> dict[str, Any]:
    return {
        "name": "Smoke probe",
        "description": "Used by `shopstack smoke`; never in stock.",
        "price": PROBE_PRICE,
        "skuCode": PROBE_SKU,
    }


async def _order_round_trip(shop: Shop, token: Token) -> str:
    admin = token.required()
    status, _ = await shop.call("POST", "/api/product/create", _probe_product(), token=admin)
    if status not in (201, 409):  # 409: it exists from an earlier run
        raise CheckFailedError(f"creating the probe product answered {status}")
    await shop.expect(200, "PUT", f"/api/inventory/{PROBE_SKU}", {"quantity": 1}, token=admin)
    try:
        await _guest_order_takes_and_returns_the_stock(shop)
    finally:
        await shop.call("PUT", f"/api/inventory/{PROBE_SKU}", {"quantity": 0}, token=admin)
    return "a guest order was placed, took its stock, was cancelled and gave it back"


async def _guest_order_takes_and_returns_the_stock(shop: Shop) -> None:
    order = await shop.expect(
        201,
        "POST",
        "/api/order/create",
        {"orderLineItemsDtoList": [{"skuCode": PROBE_SKU, "price": PROBE_PRICE, "quantity": 1}]},
        headers={"Idempotency-Key": str(uuid.uuid4())},
    )
    if order["status"] != "CONFIRMED" or await shop.stock() != 0:
        raise CheckFailedError(f"the order did not take its stock: {order['status']}")
    secret = order.get("guestSecret")
    if not isinstance(secret, str) or not secret:
        raise CheckFailedError("the guest order answered no guestSecret")
    path = f"/api/order/{order['orderNumber']}"
    await shop.expect(401, "GET", path)
    await shop.expect(200, "GET", path, headers={"Order-Secret": secret})
    cancelled = await shop.expect(200, "POST", f"{path}/cancel", headers={"Order-Secret": secret})
    if cancelled["status"] != "CANCELLED" or await shop.stock() != 1:
        raise CheckFailedError("cancelling did not return the stock")


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
    base_url: str,
    credentials: ClientCredentials | None,
    prometheus_url: str | None = None,
    *,
    timeout_seconds: float = 10,
) -> Report:
    """Run every check against the gateway at `base_url`, writing with the token of
    `credentials`; never raises for a failed check."""
    report = Report()
    timeout = aiohttp.ClientTimeout(total=timeout_seconds)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        shop = Shop(session, base_url)
        token = Token()
        checks: list[tuple[str, Callable[[], Awaitable[str]]]] = [
            ("gateway", lambda: _gateway_ready(shop)),
            *[(name, lambda name=name: _ready(shop, name)) for name in SERVICES],
            ("identity", lambda: _token_issued(session, credentials, token)),
            ("access control", lambda: _anonymous_refused(shop)),
            ("order round trip", lambda: _order_round_trip(shop, token)),
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
