"""The composition root, over real HTTP: the store it opens, and what it leaves out of readiness."""

from collections.abc import AsyncIterator

import aiohttp
import pytest

from order_service.config import Settings
from order_service.main import create_app
from testkit.live_server import serve_in_thread
from testkit.network import free_port


@pytest.fixture
async def alone(order_database_url: str) -> AsyncIterator[aiohttp.ClientSession]:
    """The order service on its own store, with product and inventory not running."""
    nobody = f"http://127.0.0.1:{free_port()}"
    settings = Settings(
        database_url=order_database_url,
        product_url=nobody,
        inventory_url=nobody,
        call_attempts=1,
    )
    with serve_in_thread(create_app(settings)) as base_url:
        async with aiohttp.ClientSession(base_url=base_url) as session:
            yield session


async def test_the_store_is_migrated_on_start_and_is_all_readiness_waits_for(
    alone: aiohttp.ClientSession,
) -> None:
    async with alone.get("/actuator/health/readiness") as response:
        assert response.status == 200
        assert await response.json() == {"status": "UP", "components": {"db": {"status": "UP"}}}
    async with alone.get("/api/order") as response:
        assert response.status == 200
        assert await response.json() == []


async def test_an_order_while_the_catalog_is_down_is_a_503_and_stores_nothing(
    alone: aiohttp.ClientSession,
) -> None:
    body = {"orderLineItemsListDto": [{"skuCode": "mug", "quantity": 1}]}

    async with alone.post("/api/order/create", json=body) as response:
        problem = await response.json(content_type=None)
        assert response.status == 503
        assert response.headers["Retry-After"] == "2"
    assert problem["detail"] == "product is unavailable; nothing was ordered. Try again."
    async with alone.get("/api/order") as response:
        assert await response.json() == []


async def test_the_order_outcomes_are_exposed_as_metrics(alone: aiohttp.ClientSession) -> None:
    async with alone.get("/actuator/prometheus") as response:
        exposition = await response.text()

    for outcome in ("confirmed", "rejected", "failed", "cancelled"):
        assert f'orders_placed_total{{outcome="{outcome}"}} 0.0' in exposition
        assert f'orders_recovered_total{{outcome="{outcome}"}} 0.0' in exposition
    assert "order_value_total 0.0" in exposition
