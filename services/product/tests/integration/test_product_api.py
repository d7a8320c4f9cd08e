"""The product API over real HTTP, on every store: the contract and every bad input.

Reads are anonymous, as the shop's are; writes send an admin's token (who may call what is
test_access_control.py's subject).
"""

import re
import secrets
from typing import Any

import aiohttp
import pytest

from testkit.http import assert_problem


def new_sku() -> str:
    return f"sku-{secrets.token_hex(6)}"


async def all_products(http: aiohttp.ClientSession) -> list[dict[str, Any]]:
    async with http.get("/api/product/allProducts", params={"size": 1000}) as response:
        assert response.status == 200
        products: list[dict[str, Any]] = await response.json()
        return products


async def create(admin: aiohttp.ClientSession, **fields: Any) -> dict[str, Any]:
    body = {"name": "Mug", "description": "Stoneware", "price": 12.5, "skuCode": new_sku()}
    async with admin.post("/api/product/create", json=body | fields) as response:
        assert response.status == 201, await response.text()
        created: dict[str, Any] = await response.json()
        return created


async def test_a_created_product_is_answered_in_the_reference_shape(
    http: aiohttp.ClientSession, admin: aiohttp.ClientSession
) -> None:
    sku = new_sku()
    created = await create(admin, skuCode=sku, price=19.99)

    assert set(created) == {"id", "name", "description", "price", "skuCode"}
    assert created["price"] == 19.99
    assert created["skuCode"] == sku
    assert created in await all_products(http)


async def test_a_product_is_read_by_id(
    http: aiohttp.ClientSession, admin: aiohttp.ClientSession
) -> None:
    created = await create(admin)

    async with http.get(f"/api/product/{created['id']}") as response:
        assert response.status == 200
        assert await response.json() == created


async def test_an_unknown_product_id_is_a_404_problem(http: aiohttp.ClientSession) -> None:
    async with http.get(f"/api/product/{'0' * 24}") as response:
        body = await assert_problem(response, 404)
    assert body["type"].endswith("product-not-found")
    assert body == {
        "type": "urn:shopstack:problem:product-not-found",
        "title": "Product not found",
        "status": 404,
        "detail": f"no product with id {'0' * 24!r}",
        "instance": f"/api/product/{'0' * 24}",
    }


async def test_products_are_looked_up_by_sku_in_request_order(
    http: aiohttp.ClientSession, admin: aiohttp.ClientSession
) -> None:
    first, second = await create(admin), await create(admin)
    query = f"skuCode={second['skuCode']}&skuCode=unknown-sku,{first['skuCode']}"

    async with http.get(f"/api/product?{query}") as response:
        assert response.status == 200
        assert await response.json() == [second, first]


async def test_the_catalog_pages_by_page_and_size(
    http: aiohttp.ClientSession, admin: aiohttp.ClientSession
) -> None:
    for _ in range(3):
        await create(admin)
    everything = await all_products(http)

    async with http.get("/api/product/allProducts", params={"page": 1, "size": 2}) as response:
        assert await response.json() == everything[2:4]


@pytest.mark.parametrize("query", ["page=-1", "size=0", "size=1001", "page=x", "size=2.5"], ids=str)
async def test_bad_paging_is_a_422_problem(http: aiohttp.ClientSession, query: str) -> None:
    async with http.get(f"/api/product/allProducts?{query}") as response:
        await assert_problem(response, 422, fields={query.split("=")[0]})


@pytest.mark.parametrize(
    ("changes", "bad_field"),
    [
        ({"price": -1}, "price"),
        ({"price": 0}, "price"),
        ({"price": 19.999}, "price"),
        ({"price": "19.99"}, "price"),
        ({"price": True}, "price"),
        ({"price": None}, "price"),
        ({"price": 12345678901.5}, "price"),
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"name": 123}, "name"),
        ({"description": "x" * 2001}, "description"),
        ({"skuCode": "has space"}, "skuCode"),
        ({"skuCode": "x" * 65}, "skuCode"),
        ({"skuCode": ""}, "skuCode"),
        ({"skuCode": ["a"]}, "skuCode"),
    ],
    ids=str,
)
async def test_an_invalid_field_is_a_422_problem_naming_it_and_nothing_is_stored(
    http: aiohttp.ClientSession,
    admin: aiohttp.ClientSession,
    changes: dict[str, Any],
    bad_field: str,
) -> None:
    before = await all_products(http)
    body = {"name": "Mug", "description": "", "price": 12.5, "skuCode": new_sku()} | changes

    async with admin.post("/api/product/create", json=body) as response:
        await assert_problem(response, 422, fields={bad_field})

    assert await all_products(http) == before


@pytest.mark.parametrize("missing", ["name", "price"])
async def test_a_missing_field_is_a_422_problem_and_nothing_is_stored(
    http: aiohttp.ClientSession, admin: aiohttp.ClientSession, missing: str
) -> None:
    before = await all_products(http)
    body = {"name": "Mug", "price": 12.5, "skuCode": new_sku()}
    del body[missing]

    async with admin.post("/api/product/create", json=body) as response:
        await assert_problem(response, 422, fields={missing})

    assert await all_products(http) == before


async def create_without_sku(admin: aiohttp.ClientSession, name: str) -> dict[str, Any]:
    body = {"name": name, "description": "Stoneware", "price": 12.5}
    async with admin.post("/api/product/create", json=body) as response:
        assert response.status == 201, await response.text()
        created: dict[str, Any] = await response.json()
        return created


async def test_a_product_created_without_a_sku_gets_one_derived_from_its_name(
    http: aiohttp.ClientSession, admin: aiohttp.ClientSession
) -> None:
    token = secrets.token_hex(4)

    created = await create_without_sku(admin, f"Café Mug (Red) {token}!")

    assert set(created) == {"id", "name", "description", "price", "skuCode"}
    assert created["skuCode"] == f"cafe_mug_red_{token}"
    assert created["name"] == f"Café Mug (Red) {token}!"
    assert created in await all_products(http)


async def test_a_second_product_with_the_same_name_gets_a_different_suffixed_sku(
    http: aiohttp.ClientSession, admin: aiohttp.ClientSession
) -> None:
    name = f"Travel Mug {secrets.token_hex(4)}"
    first = await create_without_sku(admin, name)

    second = await create_without_sku(admin, name)

    assert second["skuCode"] != first["skuCode"]
    assert re.fullmatch(re.escape(first["skuCode"]) + "_[0-9a-f]{4}", second["skuCode"])
    catalog = await all_products(http)
    assert first in catalog
    assert second in catalog


async def test_a_product_created_without_a_sku_is_found_by_the_derived_one(
    http: aiohttp.ClientSession, admin: aiohttp.ClientSession
) -> None:
    name = f"Espresso Cup {secrets.token_hex(4)}"
    first, second = await create_without_sku(admin, name), await create_without_sku(admin, name)

    for created in (first, second):
        async with http.get("/api/product", params={"skuCode": created["skuCode"]}) as response:
            assert response.status == 200
            assert await response.json() == [created]


@pytest.mark.parametrize(
    "raw",
    [
        '{"name": "Mug", "price": 1',
        "not json at all",
        '{"name": "Mug", "price": NaN, "skuCode": "nan-sku"}',
        '{"name": "Mug", "price": Infinity, "skuCode": "inf-sku"}',
    ],
    ids=["truncated", "text", "nan", "infinity"],
)
async def test_malformed_json_is_a_400_problem_and_nothing_is_stored(
    http: aiohttp.ClientSession, admin: aiohttp.ClientSession, raw: str
) -> None:
    before = await all_products(http)

    async with admin.post(
        "/api/product/create", data=raw, headers={"content-type": "application/json"}
    ) as response:
        body = await assert_problem(response, 400)
    assert body["type"].endswith("malformed-json")

    assert await all_products(http) == before


async def test_a_price_more_precise_than_a_float_can_hold_is_still_refused(
    http: aiohttp.ClientSession, admin: aiohttp.ClientSession
) -> None:
    before = await all_products(http)
    raw = f'{{"name": "Mug", "price": 19.990000000000000001, "skuCode": "{new_sku()}"}}'

    async with admin.post(
        "/api/product/create", data=raw, headers={"content-type": "application/json"}
    ) as response:
        await assert_problem(response, 422, fields={"price"})

    assert await all_products(http) == before


@pytest.mark.parametrize("body", [[], "a string", 42], ids=str)
async def test_a_body_that_is_not_an_object_is_a_422_problem(
    admin: aiohttp.ClientSession, body: object
) -> None:
    async with admin.post("/api/product/create", json=body) as response:
        await assert_problem(response, 422)


async def test_a_duplicate_sku_is_a_409_problem_and_the_first_product_is_kept(
    http: aiohttp.ClientSession, admin: aiohttp.ClientSession
) -> None:
    first = await create(admin, price=10)

    async with admin.post(
        "/api/product/create",
        json={"name": "Other", "price": 99, "skuCode": first["skuCode"]},
    ) as response:
        body = await assert_problem(response, 409)
    assert body["skuCode"] == first["skuCode"]
    assert body == {
        "type": "urn:shopstack:problem:duplicate-sku",
        "title": "Duplicate SKU",
        "status": 409,
        "detail": f"a product with skuCode {first['skuCode']!r} already exists",
        "instance": "/api/product/create",
        "skuCode": first["skuCode"],
    }

    matching = [p for p in await all_products(http) if p["skuCode"] == first["skuCode"]]
    assert matching == [first]


async def test_an_unknown_route_is_a_404_problem(http: aiohttp.ClientSession) -> None:
    async with http.get("/api/nothing/here") as response:
        await assert_problem(response, 404)


async def test_a_wrong_method_is_a_405_problem(http: aiohttp.ClientSession) -> None:
    async with http.delete("/api/product/create") as response:
        await assert_problem(response, 405)


@pytest.mark.parametrize(
    "query",
    ["", "skuCode=", "skuCode=bad%20sku", "skuCode=" + ",".join(f"s{i}" for i in range(101))],
    ids=["none", "empty", "invalid", "too-many"],
)
async def test_a_bad_sku_lookup_is_a_422_problem(http: aiohttp.ClientSession, query: str) -> None:
    async with http.get(f"/api/product?{query}") as response:
        await assert_problem(response, 422, fields={"skuCode"})
