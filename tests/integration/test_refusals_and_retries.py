"""Two answers the resilience review found wrong, on the real services over HTTP: lines of
one SKU merged past the reservation contract's limit, and the retry after a 503."""

import asyncio
from collections.abc import AsyncIterator, Callable

import aiohttp
import pytest

from shopkit.reservations import MAX_LINE_QUANTITY

from .platform import Shop, running_platform

# Quick to give up on an unreachable inventory; recovery far slower than the retry, so a
# 201 on the retry cannot have waited for recovery to free the key.
GIVES_UP_FAST = {
    "call_timeout_seconds": 1.0,
    "call_connect_timeout_seconds": 0.3,
    "recovery_min_age_seconds": 600.0,
}


@pytest.fixture
async def shop_of_its_own(databases: Callable[[str], str]) -> AsyncIterator[Shop]:
    with running_platform(databases, **GIVES_UP_FAST) as platform:
        async with aiohttp.ClientSession() as session:
            yield Shop(platform, session)


async def test_two_lines_of_one_sku_over_the_limit_together_are_a_422_and_reserve_nothing(
    shop: Shop,
) -> None:
    sku = await shop.new_product(stock=3 * MAX_LINE_QUANTITY)

    answers = [
        await shop.order([(sku, MAX_LINE_QUANTITY), (sku, MAX_LINE_QUANTITY)]) for _ in range(3)
    ]

    assert [status for status, _ in answers] == [422] * 3
    assert {problem["type"] for _, problem in answers} == {
        "urn:shopstack:problem:quantity-over-limit"
    }
    assert await shop.stock(sku) == {sku: 3 * MAX_LINE_QUANTITY}
    assert [o for o in await shop.all_orders() if o["items"][0]["skuCode"] == sku] == []


async def test_the_retry_with_the_same_key_after_a_503_places_the_order_at_once(
    shop_of_its_own: Shop,
) -> None:
    shop = shop_of_its_own
    sku = await shop.new_product(stock=5)
    await asyncio.to_thread(shop.platform.stop, "inventory")
    failed, _ = await shop.order([(sku, 1)], key="retry-me")
    await asyncio.to_thread(shop.platform.start, "inventory")

    retried, order = await shop.order([(sku, 1)], key="retry-me")

    assert failed == 503
    assert retried == 201, order
    assert order["status"] == "CONFIRMED"
    assert await shop.stock(sku) == {sku: 4}
