"""The inventory API over real HTTP, on SQLite and the real MariaDB.

Stock is checked anonymously, as the shop does; it is set with an admin's token (who may call
what is test_access_control.py's subject).
"""

import secrets
from typing import Any

import aiohttp
import pytest

from testkit.http import assert_problem


def new_sku() -> str:
    return f"sku-{secrets.token_hex(6)}"


async def set_stock(admin: aiohttp.ClientSession, sku: str, quantity: int) -> dict[str, Any]:
    async with admin.put(f"/api/inventory/{sku}", json={"quantity": quantity}) as response:
        assert response.status == 200, await response.text()
        body: dict[str, Any] = await response.json()
        return body


async def stock_of(http: aiohttp.ClientSession, *skus: str) -> list[dict[str, Any]]:
    async with http.get("/api/inventory", params=[("skuCode", s) for s in skus]) as response:
        assert response.status == 200
        levels: list[dict[str, Any]] = await response.json()
        return levels


async def test_stock_is_answered_per_sku_in_request_order(
    http: aiohttp.ClientSession, admin: aiohttp.ClientSession
) -> None:
    in_stock, sold_out, unknown = new_sku(), new_sku(), new_sku()
    await set_stock(admin, in_stock, 100)
    await set_stock(admin, sold_out, 0)

    assert await stock_of(http, sold_out, unknown, in_stock) == [
        {"skuCode": sold_out, "isInStock": False, "quantity": 0},
        {"skuCode": unknown, "isInStock": False, "quantity": 0},
        {"skuCode": in_stock, "isInStock": True, "quantity": 100},
    ]


async def test_the_comma_form_and_repeats_are_accepted_and_each_sku_answered_once(
    http: aiohttp.ClientSession, admin: aiohttp.ClientSession
) -> None:
    a, b = new_sku(), new_sku()
    await set_stock(admin, a, 1)

    async with http.get(f"/api/inventory?skuCode={a},{b}&skuCode={a}") as response:
        levels = await response.json()

    assert [level["skuCode"] for level in levels] == [a, b]


async def test_setting_stock_answers_the_new_level(
    http: aiohttp.ClientSession, admin: aiohttp.ClientSession
) -> None:
    sku = new_sku()
    await set_stock(admin, sku, 5)

    assert await set_stock(admin, sku, 0) == {"skuCode": sku, "isInStock": False, "quantity": 0}
    assert await stock_of(http, sku) == [{"skuCode": sku, "isInStock": False, "quantity": 0}]


@pytest.mark.parametrize(
    "body",
    [
        {"quantity": -1},
        {"quantity": 1.5},
        {"quantity": "5"},
        {"quantity": True},
        {"quantity": None},
        {"quantity": 1_000_000_001},
        {},
        [],
    ],
    ids=str,
)
async def test_an_invalid_quantity_is_a_422_problem_and_stock_is_unchanged(
    http: aiohttp.ClientSession, admin: aiohttp.ClientSession, body: object
) -> None:
    sku = new_sku()
    await set_stock(admin, sku, 7)

    async with admin.put(f"/api/inventory/{sku}", json=body) as response:
        await assert_problem(response, 422)

    assert (await stock_of(http, sku))[0]["quantity"] == 7


async def test_malformed_json_is_a_400_problem_and_stock_is_unchanged(
    http: aiohttp.ClientSession, admin: aiohttp.ClientSession
) -> None:
    sku = new_sku()
    await set_stock(admin, sku, 7)

    async with admin.put(
        f"/api/inventory/{sku}", data='{"quantity": ', headers={"content-type": "application/json"}
    ) as response:
        await assert_problem(response, 400)

    assert (await stock_of(http, sku))[0]["quantity"] == 7


async def test_an_invalid_sku_in_the_path_is_a_422_problem_and_nothing_is_stored(
    http: aiohttp.ClientSession, admin: aiohttp.ClientSession
) -> None:
    bad_sku = "x" * 65
    async with admin.put(f"/api/inventory/{bad_sku}", json={"quantity": 1}) as response:
        await assert_problem(response, 422, fields={"sku_code"})

    async with http.get("/api/inventory", params={"skuCode": "x" * 64}) as response:
        assert (await response.json())[0]["quantity"] == 0


@pytest.mark.parametrize(
    "query",
    [
        "",
        "skuCode=",
        "skuCode=,,",
        "skuCode=bad%20sku",
        "skuCode=" + ",".join(f"s{i}" for i in range(101)),
    ],
    ids=["none", "empty", "only-commas", "invalid", "too-many"],
)
async def test_a_bad_stock_query_is_a_422_problem(http: aiohttp.ClientSession, query: str) -> None:
    async with http.get(f"/api/inventory?{query}") as response:
        await assert_problem(response, 422, fields={"skuCode"})


async def test_an_unknown_route_is_a_404_problem(http: aiohttp.ClientSession) -> None:
    async with http.post("/api/inventory/nothing/here", json={}) as response:
        await assert_problem(response, 404)
