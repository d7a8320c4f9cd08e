"""Each customer sees only their own orders; a guest order answers to its secret alone."""

import uuid

from testkit.http import assert_problem

from .platform import GUEST, Shop


async def test_two_customers_cannot_read_list_or_cancel_each_others_orders(shop: Shop) -> None:
    sku = await shop.new_product(stock=5)
    alice, bob = shop.user(f"alice-{uuid.uuid4()}"), shop.user(f"bob-{uuid.uuid4()}")
    _, alices = await shop.order([(sku, 2)], by=alice)
    _, bobs = await shop.order([(sku, 1)], by=bob)

    for order, other in ((alices, bob), (bobs, alice)):
        number = order["orderNumber"]
        async with shop.http.get(
            shop.url("order", f"/api/order/{number}"), headers=other
        ) as response:
            assert (await assert_problem(response, 404))["type"].endswith("order-not-found")
        async with shop.http.post(
            shop.url("order", f"/api/order/{number}/cancel"), headers=other
        ) as response:
            assert (await assert_problem(response, 404))["type"].endswith("order-not-found")

    assert [o["orderNumber"] for o in await shop.all_orders(by=alice)] == [alices["orderNumber"]]
    assert [o["orderNumber"] for o in await shop.all_orders(by=bob)] == [bobs["orderNumber"]]
    assert await shop.stock(sku) == {sku: 2}
    assert (await shop.get_order(alices["orderNumber"], by=alice))["status"] == "CONFIRMED"
    assert (await shop.get_order(bobs["orderNumber"], by=bob))["status"] == "CONFIRMED"


async def test_an_order_of_another_customer_reads_exactly_like_one_that_does_not_exist(
    shop: Shop,
) -> None:
    sku = await shop.new_product(stock=5)
    _, order = await shop.order([(sku, 1)])
    stranger = shop.user(f"stranger-{uuid.uuid4()}")
    missing = str(uuid.uuid4())

    status, theirs = await shop.read_order(order["orderNumber"], by=stranger)
    _, nobodys = await shop.read_order(missing, by=stranger)

    assert status == 404
    assert {k: v for k, v in theirs.items() if k not in ("detail", "instance")} == {
        k: v for k, v in nobodys.items() if k not in ("detail", "instance")
    }
    assert theirs["detail"] == f"No order {order['orderNumber']}."


async def test_a_guest_order_answers_to_its_secret_and_to_nothing_else(shop: Shop) -> None:
    sku = await shop.new_product(stock=5)
    status, placed = await shop.order([(sku, 2)], by=GUEST)
    assert status == 201, placed
    secret = placed.pop("guestSecret")
    number = placed["orderNumber"]
    path = f"/api/order/{number}"
    refusals = {
        "no secret": (GUEST, 401),
        "a wrong secret": ({"Order-Secret": uuid.uuid4().hex}, 404),
        "a customer": (shop.customer, 404),
        "the secret in the query string": (GUEST, 401),
    }

    for what, (headers, refused_with) in refusals.items():
        query = f"?orderSecret={secret}&Order-Secret={secret}" if "query" in what else ""
        for method, action in (("GET", ""), ("POST", "/cancel")):
            async with shop.http.request(
                method, shop.url("order", path + action + query), headers=headers
            ) as response:
                await assert_problem(response, refused_with)
    assert await shop.stock(sku) == {sku: 3}

    holder = {"Order-Secret": secret}
    assert await shop.get_order(number, by=holder) == placed
    cancelled = await shop.cancel(number, by=holder)
    assert cancelled[0] == 200
    assert cancelled[1]["status"] == "CANCELLED"
    assert await shop.stock(sku) == {sku: 5}
    assert (await shop.get_order(number, by=shop.admin))["status"] == "CANCELLED"


async def test_an_anonymous_list_of_orders_is_a_401(shop: Shop) -> None:
    async with shop.http.get(shop.url("order", "/api/order")) as response:
        await assert_problem(response, 401)


async def test_one_customers_idempotency_key_places_a_new_order_for_another(
    shop: Shop,
) -> None:
    sku = await shop.new_product(stock=5)
    alice, bob = shop.user(f"alice-{uuid.uuid4()}"), shop.user(f"bob-{uuid.uuid4()}")
    key = str(uuid.uuid4())

    _, alices = await shop.order([(sku, 1)], key=key, by=alice)
    bobs_status, bobs = await shop.order([(sku, 1)], key=key, by=bob)
    _, bobs_again = await shop.order([(sku, 1)], key=key, by=bob)
    guest_status, guests = await shop.order([(sku, 1)], key=key, by=GUEST)

    assert bobs_status == guest_status == 201
    assert len({alices["orderNumber"], bobs["orderNumber"], guests["orderNumber"]}) == 3
    assert bobs_again == bobs
    assert await shop.stock(sku) == {sku: 2}
    assert [o["orderNumber"] for o in await shop.all_orders(by=bob)] == [bobs["orderNumber"]]
    different_body = await shop.order([(sku, 2)], key=key, by=bob)
    assert different_body[0] == 422
