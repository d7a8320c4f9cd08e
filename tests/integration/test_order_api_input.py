"""Bad order requests: a clear 4xx problem, and no order stored nor stock taken."""

import uuid
from collections.abc import Callable
from typing import Any

import pytest

from testkit.http import assert_problem

from .platform import Shop


async def assert_nothing_ordered(shop: Shop, before: list[dict[str, Any]], sku: str) -> None:
    assert await shop.all_orders() == before
    assert await shop.stock(sku) == {sku: 5}


def line(sku: str, **changes: Any) -> dict[str, Any]:
    return {"skuCode": sku, "price": 10.0, "quantity": 1} | changes


def lines(*entries: dict[str, Any]) -> Callable[[str], dict[str, Any]]:
    """A request body whose lines are `line(sku)` with each entry's changes."""
    return lambda sku: {"orderLineItemsDtoList": [line(sku, **changes) for changes in entries]}


LINES = "orderLineItemsDtoList"
FRONTEND_LINES = "orderLineItemsListDto"
FIRST = "orderLineItemsDtoList[0]"


@pytest.mark.parametrize(
    ("make_body", "field"),
    [
        (lambda sku: {LINES: []}, LINES),
        (lambda sku: {}, LINES),
        (lambda sku: {LINES: sku}, LINES),
        (lambda sku: {LINES: [{"skuCode": sku, "price": 10}]}, f"{FIRST}.quantity"),
        (lines({"quantity": 0}), f"{FIRST}.quantity"),
        (lines({"quantity": 1001}), f"{FIRST}.quantity"),
        (lines({"quantity": "1"}), f"{FIRST}.quantity"),
        (lines({"price": "10"}), f"{FIRST}.price"),
        (lines({"price": -10}), f"{FIRST}.price"),
        (lines({"price": 10.001}), f"{FIRST}.price"),
        (lines({"skuCode": "bad sku"}), f"{FIRST}.skuCode"),
        (lines({}, {"price": 11}), LINES),
        (lambda sku: {LINES: [line(sku), {"skuCode": sku, "quantity": 1}]}, LINES),
        (lines(*[{}] * 101), LINES),
        (lambda sku: {LINES: [line(sku)], FRONTEND_LINES: [line(sku)]}, FRONTEND_LINES),
        (lambda sku: {FRONTEND_LINES: []}, FRONTEND_LINES),
        (lambda sku: {FRONTEND_LINES: [line(sku, quantity=0)]}, f"{FRONTEND_LINES}[0].quantity"),
    ],
    ids=[
        "no-lines",
        "no-list",
        "list-is-a-string",
        "no-quantity",
        "zero-quantity",
        "quantity-over-1000",
        "quantity-as-string",
        "price-as-string",
        "negative-price",
        "sub-cent-price",
        "bad-sku",
        "two-prices-for-one-sku",
        "a-priced-and-an-unpriced-line-for-one-sku",
        "101-lines",
        "lines-under-both-names",
        "no-lines-under-the-frontends-name",
        "zero-quantity-under-the-frontends-name",
    ],
)
async def test_an_invalid_order_is_a_422_problem_naming_the_field(
    shop: Shop, make_body: Callable[[str], dict[str, Any]], field: str
) -> None:
    sku = await shop.new_product(stock=5)
    before = await shop.all_orders()

    async with shop.http.post(
        shop.url("order", "/api/order/create"), json=make_body(sku)
    ) as response:
        problem = await assert_problem(response, 422)

    assert field in {error["field"] for error in problem["errors"]}
    await assert_nothing_ordered(shop, before, sku)


async def test_malformed_json_is_a_400_problem(shop: Shop) -> None:
    sku = await shop.new_product(stock=5)
    before = await shop.all_orders()

    async with shop.http.post(
        shop.url("order", "/api/order/create"),
        data='{"orderLineItemsDtoList": [',
        headers={"content-type": "application/json"},
    ) as response:
        await assert_problem(response, 400)

    await assert_nothing_ordered(shop, before, sku)


async def test_an_unknown_sku_is_a_422_problem_naming_it(shop: Shop) -> None:
    sku = await shop.new_product(stock=5)
    before = await shop.all_orders()

    status, problem = await shop.order([(sku, 1), ("no-such-sku", 1)])

    assert status == 422
    assert problem["type"].endswith("unknown-sku")
    assert problem["skuCodes"] == ["no-such-sku"]
    await assert_nothing_ordered(shop, before, sku)


async def test_a_changed_price_is_a_409_problem_naming_the_sku(shop: Shop) -> None:
    sku = await shop.new_product(stock=5, price="10.00")
    before = await shop.all_orders()

    status, problem = await shop.order([(sku, 1)], price="9.99")

    assert status == 409
    assert problem["type"].endswith("price-changed")
    assert problem["changes"] == [{"skuCode": sku, "requested": 9.99, "current": 10.0}]
    await assert_nothing_ordered(shop, before, sku)


async def test_a_reference_client_line_with_an_id_is_accepted(shop: Shop) -> None:
    sku = await shop.new_product(stock=5)
    body = {"orderLineItemsDtoList": [line(sku, id=7)]}

    async with shop.http.post(shop.url("order", "/api/order/create"), json=body) as response:
        assert response.status == 201
        order = await response.json()
    assert order["items"] == [{"skuCode": sku, "price": 10.0, "quantity": 1}]
    assert response.headers["Location"] == f"/api/order/{order['orderNumber']}"


@pytest.mark.parametrize("key", ["", "x" * 256, "has space", "naïve"], ids=str)
async def test_an_invalid_idempotency_key_is_a_422_problem(shop: Shop, key: str) -> None:
    sku = await shop.new_product(stock=5)
    before = await shop.all_orders()

    async with shop.http.post(
        shop.url("order", "/api/order/create"),
        json={"orderLineItemsDtoList": [line(sku)]},
        headers={"Idempotency-Key": key},
    ) as response:
        await assert_problem(response, 422, fields={"Idempotency-Key"})

    await assert_nothing_ordered(shop, before, sku)


async def test_an_unknown_order_is_a_404_problem(shop: Shop) -> None:
    for path in (f"/api/order/{uuid.uuid4()}", f"/api/order/{uuid.uuid4()}/cancel"):
        method = shop.http.post if path.endswith("cancel") else shop.http.get
        async with method(shop.url("order", path), headers=shop.customer) as response:
            await assert_problem(response, 404)


async def test_a_malformed_order_number_is_a_422_problem(shop: Shop) -> None:
    async with shop.http.get(
        shop.url("order", "/api/order/not-a-uuid"), headers=shop.customer
    ) as response:
        await assert_problem(response, 422, fields={"orderNumber"})


@pytest.mark.parametrize("query", ["page=-1", "size=0", "size=101"], ids=str)
async def test_bad_paging_is_a_422_problem(shop: Shop, query: str) -> None:
    async with shop.http.get(
        shop.url("order", f"/api/order?{query}"), headers=shop.customer
    ) as response:
        await assert_problem(response, 422, fields={query.split("=")[0]})


@pytest.mark.parametrize("secret", ["has space", "x" * 129], ids=["has-space", "too-long"])
async def test_a_malformed_order_secret_is_a_422_problem(shop: Shop, secret: str) -> None:
    async with shop.http.get(
        shop.url("order", f"/api/order/{uuid.uuid4()}"), headers={"Order-Secret": secret}
    ) as response:
        await assert_problem(response, 422, fields={"Order-Secret"})
