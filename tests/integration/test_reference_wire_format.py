"""The reference system's order body, as its own frontend sends it, across the real services."""

import secrets
from typing import Any

import pytest

from testkit.http import assert_problem

from .platform import GUEST, Headers, Shop

DTO_LIST = "orderLineItemsDtoList"
LIST_DTO = "orderLineItemsListDto"


async def place(
    shop: Shop, body: dict[str, Any], key: str | None = None, by: Headers | None = None
) -> tuple[int, dict[str, Any]]:
    headers = (shop.customer if by is None else by) | ({"Idempotency-Key": key} if key else {})
    async with shop.http.post(
        shop.url("order", "/api/order/create"), json=body, headers=headers
    ) as response:
        return response.status, await response.json(content_type=None)


@pytest.mark.parametrize("name", [DTO_LIST, LIST_DTO])
async def test_an_order_is_placed_under_either_name_of_its_lines(shop: Shop, name: str) -> None:
    sku = await shop.new_product(stock=5)

    status, order = await place(shop, {name: [{"skuCode": sku, "price": 10.0, "quantity": 2}]})

    assert status == 201, order
    assert order["status"] == "CONFIRMED"
    assert order["items"] == [{"skuCode": sku, "price": 10.0, "quantity": 2}]
    assert await shop.stock(sku) == {sku: 3}
    assert (await shop.get_order(order["orderNumber"]))["status"] == "CONFIRMED"


async def test_an_anonymous_reference_frontend_order_is_a_guest_order_read_with_its_secret(
    shop: Shop,
) -> None:
    sku = await shop.new_product(stock=5)

    status, order = await place(shop, {LIST_DTO: [{"skuCode": sku, "quantity": 2}]}, by=GUEST)

    assert status == 201, order
    secret = order.pop("guestSecret")
    assert order["items"] == [{"skuCode": sku, "price": 10.0, "quantity": 2}]
    assert await shop.get_order(order["orderNumber"], by={"Order-Secret": secret}) == order
    assert await shop.stock(sku) == {sku: 3}


async def test_lines_under_both_names_at_once_are_a_422_and_order_nothing(shop: Shop) -> None:
    sku = await shop.new_product(stock=5)
    line = {"skuCode": sku, "price": 10.0, "quantity": 1}
    before = await shop.all_orders()

    async with shop.http.post(
        shop.url("order", "/api/order/create"), json={DTO_LIST: [line], LIST_DTO: [line]}
    ) as response:
        await assert_problem(response, 422, fields={DTO_LIST, LIST_DTO})

    assert await shop.all_orders() == before
    assert await shop.stock(sku) == {sku: 5}


@pytest.mark.parametrize("name", [DTO_LIST, LIST_DTO])
async def test_a_line_without_a_price_is_charged_the_catalog_price(shop: Shop, name: str) -> None:
    sku = await shop.new_product(stock=5, price="7.25")

    status, order = await place(shop, {name: [{"skuCode": sku, "quantity": 2}]})

    assert status == 201, order
    assert order["items"] == [{"skuCode": sku, "price": 7.25, "quantity": 2}]
    assert order["total"] == 14.5
    stored = await shop.get_order(order["orderNumber"])
    assert stored["items"] == order["items"]
    assert stored["total"] == 14.5
    assert await shop.stock(sku) == {sku: 3}


async def test_a_given_price_that_differs_from_the_catalog_is_still_a_409(shop: Shop) -> None:
    sku = await shop.new_product(stock=5, price="7.25")
    other = await shop.new_product(stock=5)
    before = await shop.all_orders()

    status, problem = await place(
        shop,
        {
            LIST_DTO: [
                {"skuCode": other, "quantity": 1},
                {"skuCode": sku, "price": 7.0, "quantity": 1},
            ]
        },
    )

    assert status == 409
    assert problem["type"].endswith("price-changed")
    assert problem["changes"] == [{"skuCode": sku, "requested": 7.0, "current": 7.25}]
    assert await shop.all_orders() == before
    assert await shop.stock(sku, other) == {sku: 5, other: 5}


async def test_a_retried_unpriced_order_is_placed_once_and_a_priced_body_reuses_no_key(
    shop: Shop,
) -> None:
    sku = await shop.new_product(stock=5)
    key = secrets.token_hex(8)
    unpriced = {LIST_DTO: [{"skuCode": sku, "quantity": 1}]}

    first = await place(shop, unpriced, key)
    retry = await place(shop, unpriced, key)
    priced = await place(shop, {LIST_DTO: [{"skuCode": sku, "price": 10.0, "quantity": 1}]}, key)

    assert first[0] == retry[0] == 201
    assert retry[1] == first[1]
    assert priced[0] == 422
    assert priced[1]["type"].endswith("idempotency-key-reused")
    assert await shop.stock(sku) == {sku: 4}


async def test_the_openapi_document_shows_both_names_and_an_optional_price(shop: Shop) -> None:
    async with shop.http.get(shop.url("order", "/openapi.json")) as response:
        schemas = (await response.json())["components"]["schemas"]

    assert {DTO_LIST, LIST_DTO} <= schemas["OrderRequest"]["properties"].keys()
    assert "price" in schemas["OrderLineRequest"]["properties"]
    assert "price" not in schemas["OrderLineRequest"]["required"]


async def test_a_product_created_without_a_sku_is_then_ordered_by_its_generated_sku(
    shop: Shop,
) -> None:
    name = f"Reference Mug {secrets.token_hex(3)}"
    async with shop.http.post(
        shop.url("product", "/api/product/create"),
        json={"name": name, "description": "as the reference frontend sends it", "price": 12.5},
        headers=shop.admin,
    ) as response:
        assert response.status == 201, await response.text()
        sku = (await response.json())["skuCode"]
    assert sku.startswith("reference_mug_")
    await shop.set_stock(sku, 3)

    status, order = await place(shop, {LIST_DTO: [{"skuCode": sku, "quantity": 2}]})

    assert status == 201, order
    assert order["items"] == [{"skuCode": sku, "price": 12.5, "quantity": 2}]
    assert order["total"] == 25.0
    assert await shop.stock(sku) == {sku: 1}
