"""Reservations are the order service's alone: nobody else can take or give back stock, so
"order, release, reorder" cannot sell the same units twice."""

import uuid
from collections import Counter

import pytest

from testkit.http import assert_problem

from .platform import GUEST, Headers, Shop, bearer

RESERVATIONS = "/api/inventory/reservations"


def callers(shop: Shop) -> dict[str, tuple[Headers, int]]:
    """Everyone but the order service, and the status each is refused with."""
    issuer = shop.platform.issuer
    return {
        "anonymous": (GUEST, 401),
        "customer": (shop.customer, 403),
        "admin": (shop.admin, 403),
        "user token carrying the scope": (
            bearer(issuer.mint("mallory", scopes=["inventory:reserve"])),
            403,
        ),
        "another service without the scope": (bearer(issuer.mint_service("product-service")), 403),
    }


CALLERS = [
    "anonymous",
    "customer",
    "admin",
    "user token carrying the scope",
    "another service without the scope",
]


@pytest.mark.parametrize("caller", CALLERS)
async def test_nobody_but_the_order_service_reserves_reads_or_releases_stock(
    shop: Shop, caller: str
) -> None:
    headers, refused_with = callers(shop)[caller]
    sku = await shop.new_product(stock=5)
    status, order = await shop.order([(sku, 2)])
    assert status == 201, order
    number = order["orderNumber"]
    reserve = {"orderNumber": str(uuid.uuid4()), "items": [{"skuCode": sku, "quantity": 3}]}

    async with shop.http.post(
        shop.url("inventory", RESERVATIONS), json=reserve, headers=headers
    ) as response:
        await assert_problem(response, refused_with)
    async with shop.http.get(
        shop.url("inventory", f"{RESERVATIONS}/{number}"), headers=headers
    ) as response:
        await assert_problem(response, refused_with)
    async with shop.http.delete(
        shop.url("inventory", f"{RESERVATIONS}/{number}"), headers=headers
    ) as response:
        await assert_problem(response, refused_with)

    assert await shop.stock(sku) == {sku: 3}
    assert (await shop.reservation(number) or {})["status"] == "RESERVED"
    assert await shop.reservation(str(reserve["orderNumber"])) is None
    assert (await shop.get_order(number))["status"] == "CONFIRMED"


async def test_ten_orders_for_thirty_units_against_a_stock_of_three_cannot_happen(
    shop: Shop,
) -> None:
    sku = await shop.new_product(stock=3)
    answers = []

    for _ in range(10):
        status, order = await shop.order([(sku, 3)])
        answers.append(status)
        for headers, _ in callers(shop).values():
            async with shop.http.delete(
                shop.url("inventory", f"{RESERVATIONS}/{order['orderNumber']}"), headers=headers
            ) as response:
                assert response.status in (401, 403)

    assert Counter(answers) == {201: 1, 409: 9}
    assert await shop.stock(sku) == {sku: 0}
    mine = await shop.all_orders(by=shop.customer)
    assert Counter(order["status"] for order in mine) == {"CONFIRMED": 1, "REJECTED": 9}
