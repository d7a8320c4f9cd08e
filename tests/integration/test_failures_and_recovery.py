"""Outages and crashes: no stock stays taken without a confirmed order, and back again."""

import asyncio
import inspect
import time
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import aiohttp
import pytest

from order_service.adapters.sql import SqlOrderRepository
from order_service.domain import Order, OrderLine, OrderStatus, fingerprint
from order_service.service import utc_now
from shopkit.sql import create_engine

from .platform import Shop, running_platform

# Small enough for a test, in the proportions of the defaults.
FAST_FAILING = {
    "call_timeout_seconds": 1.0,
    "call_connect_timeout_seconds": 0.3,
    "breaker_threshold": 3,
    "breaker_reset_seconds": 1.0,
    "recovery_min_age_seconds": 1.0,
    "recovery_interval_seconds": 0.2,
}


@pytest.fixture
async def shop_of_its_own(databases: Callable[[str], str]) -> AsyncIterator[Shop]:
    with running_platform(databases, **FAST_FAILING) as platform:
        async with aiohttp.ClientSession() as session:
            yield Shop(platform, session)


async def eventually(check: Callable[[], Any], within_seconds: float = 20) -> None:
    """Wait until `check()` (a value or an awaitable) is true."""
    deadline = time.monotonic() + within_seconds
    while not (await result if inspect.isawaitable(result := check()) else result):
        assert time.monotonic() < deadline, "condition not reached in time"
        await asyncio.sleep(0.1)


async def assert_consistent(shop: Shop, sku: str, initial: int) -> None:
    """Every CONFIRMED order holds a reservation, nothing else does, and stock adds up."""
    confirmed = 0
    for order in await shop.all_orders():
        reservation = await shop.reservation(order["orderNumber"])
        held = reservation is not None and reservation["status"] == "RESERVED"
        assert held == (order["status"] == "CONFIRMED"), (order, reservation)
        if held:
            confirmed += order["items"][0]["quantity"]
    assert await shop.stock(sku) == {sku: initial - confirmed}


async def test_an_inventory_outage_mid_load_answers_503_and_leaves_stock_consistent(
    shop_of_its_own: Shop,
) -> None:
    shop = shop_of_its_own
    sku = await shop.new_product(stock=1000)
    answers: list[tuple[int, dict[str, Any]]] = []
    stop = asyncio.Event()

    async def buyer() -> None:
        while not stop.is_set():
            answers.append(await shop.order([(sku, 1)]))

    buyers = [asyncio.create_task(buyer()) for _ in range(4)]
    await eventually(lambda: len(answers) >= 20)
    await asyncio.to_thread(shop.platform.stop, "inventory")
    during_outage = len(answers)
    await eventually(lambda: len(answers) >= during_outage + 20)
    outage_answers = answers[during_outage + 4 :]  # requests in flight when it stopped excluded
    await asyncio.to_thread(shop.platform.start, "inventory")
    await eventually(lambda: answers[-1][0] == 201)
    stop.set()
    await asyncio.gather(*buyers)

    assert {status for status, _ in answers} <= {201, 503}
    assert {status for status, _ in outage_answers} == {503}
    for _, problem in outage_answers:
        assert problem["type"].endswith("service-unavailable")

    async def a_new_order_is_placed() -> bool:
        async with shop.http.post(
            shop.url("order", "/api/order/create"),
            json={"orderLineItemsDtoList": [{"skuCode": sku, "price": 10, "quantity": 1}]},
        ) as response:
            return response.status == 201

    # Orders succeed again without restarting the order service: within one breaker reset
    # (5 s), since the failures of requests in flight at the restart may have opened it again.
    await eventually(a_new_order_is_placed, within_seconds=10)
    await eventually(lambda: _no_pending(shop))
    await assert_consistent(shop, sku, initial=1000)


async def test_an_unreachable_inventory_is_answered_503_with_retry_after(
    shop_of_its_own: Shop,
) -> None:
    shop = shop_of_its_own
    sku = await shop.new_product(stock=5)
    await asyncio.to_thread(shop.platform.stop, "inventory")

    body = {"orderLineItemsDtoList": [{"skuCode": sku, "price": 10, "quantity": 1}]}
    async with shop.http.post(shop.url("order", "/api/order/create"), json=body) as response:
        assert response.status == 503
        assert response.headers["Retry-After"].isdigit()
        assert response.content_type == "application/problem+json"
    async with shop.http.get(shop.url("order", "/actuator/health/readiness")) as response:
        assert response.status == 200, "a dead inventory must not take the order service out"

    await asyncio.to_thread(shop.platform.start, "inventory")
    await eventually(lambda: _no_pending(shop))
    await assert_consistent(shop, sku, initial=5)


async def test_an_unreachable_catalog_is_answered_503_and_nothing_is_stored(
    shop_of_its_own: Shop,
) -> None:
    shop = shop_of_its_own
    sku = await shop.new_product(stock=5)
    await asyncio.to_thread(shop.platform.stop, "product")

    status, problem = await shop.order([(sku, 1)])

    assert status == 503
    assert "product" in problem["detail"]
    assert await shop.all_orders() == []
    assert await shop.stock(sku) == {sku: 5}


async def test_a_crash_between_reservation_and_confirmation_is_settled_after_restart(
    shop_of_its_own: Shop,
) -> None:
    shop = shop_of_its_own
    sku = await shop.new_product(stock=10)
    await asyncio.to_thread(shop.platform.stop, "order")
    reserved = await _crashed_order(shop, sku, quantity=3, reserve=True)
    never_reserved = await _crashed_order(shop, sku, quantity=2, reserve=False)

    await asyncio.to_thread(shop.platform.start, "order")
    await eventually(lambda: _no_pending(shop))

    assert (await shop.get_order(reserved, by=shop.admin))["status"] == "CONFIRMED"
    assert (await shop.get_order(never_reserved, by=shop.admin))["status"] == "FAILED"
    late = {"orderNumber": never_reserved, "items": [{"skuCode": sku, "quantity": 2}]}
    async with shop.http.post(
        shop.url("inventory", "/api/inventory/reservations"), json=late, headers=shop.auditor
    ) as r:
        assert r.status == 409, (
            "a reservation arriving after recovery failed the order takes nothing"
        )
    await assert_consistent(shop, sku, initial=10)


async def _crashed_order(shop: Shop, sku: str, quantity: int, *, reserve: bool) -> str:
    """Leave the state an order process killed mid-saga leaves: a PENDING order, its
    reservation made or not."""
    lines = (OrderLine(sku, quantity, Decimal("10.00")),)
    order = Order(
        order_number=str(uuid.uuid4()),
        status=OrderStatus.PENDING,
        lines=lines,
        created_at=utc_now() - timedelta(minutes=1),
        fingerprint=fingerprint(lines),
    )
    engine = create_engine(shop.platform.databases["order"])
    try:
        await SqlOrderRepository(engine).add(order)
    finally:
        await engine.dispose()
    if reserve:
        body = {
            "orderNumber": order.order_number,
            "items": [{"skuCode": sku, "quantity": quantity}],
        }
        async with shop.http.post(
            shop.url("inventory", "/api/inventory/reservations"), json=body, headers=shop.auditor
        ) as response:
            assert response.status == 201
    return order.order_number


async def _no_pending(shop: Shop) -> bool:
    return all(order["status"] != "PENDING" for order in await shop.all_orders())
