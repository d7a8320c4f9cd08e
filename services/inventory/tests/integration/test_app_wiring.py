"""The app serves whatever its bootstrap wires: here in-memory fakes, and no database."""

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aiohttp
import pytest

from inventory_service.bootstrap import InventoryDependencies
from inventory_service.config import Settings
from inventory_service.main import create_app
from shopkit.auth import AuthSettings
from shopkit.metrics import ServiceMetrics
from shopkit.wiring import Wired
from testkit.http import assert_problem
from testkit.live_server import serve_in_thread

from ..conftest import FakeStockRepository, RecordingOutcomes


@pytest.fixture
async def http_to_fakes(
    dependencies: InventoryDependencies, auth_settings: AuthSettings
) -> AsyncIterator[aiohttp.ClientSession]:
    """A client of the inventory app wired with the `dependencies` fakes."""

    @asynccontextmanager
    async def wire_fakes(metrics: ServiceMetrics) -> AsyncIterator[Wired[InventoryDependencies]]:
        yield Wired(dependencies)

    app = create_app(Settings(auth=auth_settings), bootstrap=wire_fakes)
    with serve_in_thread(app) as base_url:
        async with aiohttp.ClientSession(base_url=base_url) as session:
            yield session


async def test_stock_is_read_from_the_wired_store(
    http_to_fakes: aiohttp.ClientSession, stock: FakeStockRepository
) -> None:
    stock.levels["mug"] = 4

    async with http_to_fakes.get("/api/inventory", params={"skuCode": "mug"}) as response:
        assert await response.json() == [{"skuCode": "mug", "isInStock": True, "quantity": 4}]


async def test_reservations_are_taken_from_the_wired_store_and_told_to_the_wired_outcomes(
    http_to_fakes: aiohttp.ClientSession,
    stock: FakeStockRepository,
    outcomes: RecordingOutcomes,
    order_service_headers: dict[str, str],
) -> None:
    stock.levels["mug"] = 1
    taken, short = str(uuid.uuid4()), str(uuid.uuid4())

    async with http_to_fakes.post(
        "/api/inventory/reservations",
        json={"orderNumber": taken, "items": [{"skuCode": "mug", "quantity": 1}]},
        headers=order_service_headers,
    ) as response:
        assert response.status == 201
    async with http_to_fakes.post(
        "/api/inventory/reservations",
        json={"orderNumber": short, "items": [{"skuCode": "mug", "quantity": 1}]},
        headers=order_service_headers,
    ) as response:
        problem = await assert_problem(response, 409)

    assert problem["shortages"] == [{"skuCode": "mug", "requested": 1, "available": 0}]
    assert stock.levels == {"mug": 0}
    assert [(r.order_number, r.status) for r in outcomes.reservations_answered] == [
        (taken, "RESERVED"),
        (short, "REJECTED"),
    ]


async def test_an_app_wired_without_health_checks_is_up(
    http_to_fakes: aiohttp.ClientSession,
) -> None:
    async with http_to_fakes.get("/actuator/health") as response:
        assert (response.status, await response.json()) == (200, {"status": "UP", "components": {}})
