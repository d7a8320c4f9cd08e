"""The reservation API over real HTTP, on SQLite and the real MariaDB.

Reservations are made, read and released with the order service's own token, stock is set
with an admin's and checked anonymously (who may call what is test_access_control.py's
subject).
"""

import secrets
import uuid
from typing import Any

import aiohttp
import orjson
import pytest
from prometheus_client.parser import text_string_to_metric_families

from testkit.http import assert_problem


async def stocked_sku(admin: aiohttp.ClientSession, quantity: int) -> str:
    sku = f"sku-{secrets.token_hex(6)}"
    async with admin.put(f"/api/inventory/{sku}", json={"quantity": quantity}) as response:
        assert response.status == 200
    return sku


async def quantity_of(http: aiohttp.ClientSession, sku: str) -> int:
    async with http.get("/api/inventory", params={"skuCode": sku}) as response:
        level: int = (await response.json())[0]["quantity"]
        return level


async def reserve(order_service: aiohttp.ClientSession, body: object) -> tuple[int, dict[str, Any]]:
    async with order_service.post("/api/inventory/reservations", json=body) as response:
        return response.status, await response.json(content_type=None)


async def test_a_reservation_is_created_repeated_read_and_released(
    http: aiohttp.ClientSession, admin: aiohttp.ClientSession, order_service: aiohttp.ClientSession
) -> None:
    sku = await stocked_sku(admin, 5)
    order = str(uuid.uuid4())
    body = {"orderNumber": order, "items": [{"skuCode": sku, "quantity": 2}]}

    status, created = await reserve(order_service, body)
    repeat_status, repeated = await reserve(order_service, body)

    assert (status, repeat_status) == (201, 201)
    assert (
        created
        == repeated
        == {
            "orderNumber": order,
            "status": "RESERVED",
            "items": [{"skuCode": sku, "quantity": 2}],
            "shortages": [],
        }
    )
    assert await quantity_of(http, sku) == 3
    async with order_service.get(f"/api/inventory/reservations/{order}") as response:
        assert await response.json() == created
    for _ in range(2):
        async with order_service.delete(f"/api/inventory/reservations/{order}") as response:
            assert response.status == 200
            assert (await response.json())["status"] == "RELEASED"
    assert await quantity_of(http, sku) == 5


async def test_short_stock_is_a_409_problem_naming_each_short_sku(
    http: aiohttp.ClientSession, admin: aiohttp.ClientSession, order_service: aiohttp.ClientSession
) -> None:
    plenty, scarce = await stocked_sku(admin, 10), await stocked_sku(admin, 1)
    body = {
        "orderNumber": str(uuid.uuid4()),
        "items": [{"skuCode": plenty, "quantity": 2}, {"skuCode": scarce, "quantity": 3}],
    }

    async with order_service.post("/api/inventory/reservations", json=body) as response:
        problem = await assert_problem(response, 409)

    assert problem["type"].endswith("insufficient-stock")
    assert problem["shortages"] == [{"skuCode": scarce, "requested": 3, "available": 1}]
    assert (await quantity_of(http, plenty), await quantity_of(http, scarce)) == (10, 1)


async def test_short_stock_answers_the_order_and_its_shortages_in_this_exact_body(
    admin: aiohttp.ClientSession, order_service: aiohttp.ClientSession
) -> None:
    scarce = await stocked_sku(admin, 1)
    order = str(uuid.uuid4())
    body = {"orderNumber": order, "items": [{"skuCode": scarce, "quantity": 3}]}

    async with order_service.post("/api/inventory/reservations", json=body) as response:
        sent = await response.read()

    assert sent == orjson.dumps(
        {
            "type": "urn:shopstack:problem:insufficient-stock",
            "title": "Insufficient stock",
            "status": 409,
            "detail": f"Not enough stock for: {scarce}. Nothing was reserved.",
            "instance": "/api/inventory/reservations",
            "orderNumber": order,
            "shortages": [{"skuCode": scarce, "requested": 3, "available": 1}],
        }
    )


async def test_a_reservation_after_its_release_is_a_409_problem_and_takes_nothing(
    http: aiohttp.ClientSession, admin: aiohttp.ClientSession, order_service: aiohttp.ClientSession
) -> None:
    sku = await stocked_sku(admin, 5)
    order = str(uuid.uuid4())
    async with order_service.delete(f"/api/inventory/reservations/{order}") as response:
        assert response.status == 200

    async with order_service.post(
        "/api/inventory/reservations",
        json={"orderNumber": order, "items": [{"skuCode": sku, "quantity": 1}]},
    ) as response:
        await assert_problem(response, 409)
        sent = await response.read()

    assert sent == orjson.dumps(
        {
            "type": "urn:shopstack:problem:reservation-released",
            "title": "Reservation released",
            "status": 409,
            "detail": f"Order {order} was released; it can no longer take stock.",
            "instance": "/api/inventory/reservations",
            "orderNumber": order,
        }
    )
    assert await quantity_of(http, sku) == 5


async def test_an_unknown_reservation_is_a_404_problem(
    order_service: aiohttp.ClientSession,
) -> None:
    order = str(uuid.uuid4())
    async with order_service.get(f"/api/inventory/reservations/{order}") as response:
        problem = await assert_problem(response, 404)

    assert problem["type"] == "urn:shopstack:problem:reservation-not-found"
    assert problem["title"] == "Reservation not found"
    assert problem["detail"] == f"No reservation for order {order}."


async def reservation_counts(http: aiohttp.ClientSession) -> dict[str, float]:
    async with http.get("/actuator/prometheus") as response:
        exposition = await response.text()
    return {
        sample.labels["result"]: sample.value
        for family in text_string_to_metric_families(exposition)
        for sample in family.samples
        if sample.name == "inventory_reservations_total"
    }


async def test_every_reservation_and_release_request_is_counted_by_result_repeats_included(
    http: aiohttp.ClientSession, admin: aiohttp.ClientSession, order_service: aiohttp.ClientSession
) -> None:
    sku = await stocked_sku(admin, 5)
    taken, short, released = (str(uuid.uuid4()) for _ in range(3))
    before = await reservation_counts(http)

    for _ in range(2):
        await reserve(
            order_service, {"orderNumber": taken, "items": [{"skuCode": sku, "quantity": 2}]}
        )
        await reserve(
            order_service, {"orderNumber": short, "items": [{"skuCode": sku, "quantity": 9}]}
        )
        async with order_service.delete(f"/api/inventory/reservations/{released}"):
            pass
    for _ in range(3):
        await reserve(
            order_service, {"orderNumber": released, "items": [{"skuCode": sku, "quantity": 1}]}
        )

    after = await reservation_counts(http)
    assert {result: after[result] - before[result] for result in after} == {
        "reserved": 2,
        "rejected": 2,
        "released": 2,
        "refused_released": 3,
    }


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"orderNumber": "not-a-uuid"}, "orderNumber"),
        ({"items": []}, "items"),
        ({"items": [{"skuCode": "SKU", "quantity": 0}]}, "items[0].quantity"),
        ({"items": [{"skuCode": "SKU", "quantity": 1001}]}, "items[0].quantity"),
        ({"items": [{"skuCode": "SKU", "quantity": "1"}]}, "items[0].quantity"),
        ({"items": [{"skuCode": "bad sku", "quantity": 1}]}, "items[0].skuCode"),
    ],
    ids=str,
)
async def test_an_invalid_reservation_is_a_422_problem_and_takes_nothing(
    http: aiohttp.ClientSession,
    admin: aiohttp.ClientSession,
    order_service: aiohttp.ClientSession,
    change: dict[str, Any],
    field: str,
) -> None:
    sku = await stocked_sku(admin, 5)
    body = {"orderNumber": str(uuid.uuid4()), "items": [{"skuCode": sku, "quantity": 1}]}
    body |= {
        key: [item | {"skuCode": item["skuCode"].replace("SKU", sku)} for item in value]
        if key == "items"
        else value
        for key, value in change.items()
    }

    async with order_service.post("/api/inventory/reservations", json=body) as response:
        await assert_problem(response, 422, fields={field})

    assert await quantity_of(http, sku) == 5
