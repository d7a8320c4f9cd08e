"""Orders through the three running services: confirmed if and only if stock was taken."""

import asyncio
import random
import uuid
from collections import Counter

from .platform import GUEST, Shop


async def test_concurrent_orders_never_oversell(shop: Shop) -> None:
    hot = await shop.new_product(stock=50)

    answers = await asyncio.gather(*(shop.order([(hot, 1)]) for _ in range(200)))

    assert Counter(status for status, _ in answers) == {201: 50, 409: 150}
    assert await shop.stock(hot) == {hot: 0}
    reservations = await asyncio.gather(
        *(shop.reservation(body["orderNumber"]) for _, body in answers)
    )
    statuses = Counter(r["status"] if r else None for r in reservations)
    assert statuses == {"RESERVED": 50, "REJECTED": 150}
    for status, body in answers:
        if status == 409:
            assert body["type"].endswith("insufficient-stock")
            assert body["shortages"] == [{"skuCode": hot, "requested": 1, "available": 0}]
            assert (await shop.get_order(body["orderNumber"]))["status"] == "REJECTED"


async def test_concurrent_multi_sku_orders_take_exactly_the_stock_they_confirm(shop: Shop) -> None:
    skus = [await shop.new_product(stock=30) for _ in range(6)]
    chooser = random.Random(11)
    baskets = [
        [(sku, chooser.randint(1, 5)) for sku in chooser.sample(skus, chooser.randint(1, 4))]
        for _ in range(150)
    ]

    answers = await asyncio.gather(*(shop.order(basket) for basket in baskets))

    assert {status for status, _ in answers} <= {201, 409}, "no deadlock or error reaches a client"
    final = await shop.stock(*skus)
    assert all(quantity >= 0 for quantity in final.values())
    confirmed: Counter[str] = Counter()
    for (status, body), basket in zip(answers, baskets, strict=True):
        reservation = await shop.reservation(body["orderNumber"])
        assert reservation is not None
        if status == 201:
            assert body["status"] == "CONFIRMED"
            assert reservation["status"] == "RESERVED"
            assert {i["skuCode"]: i["quantity"] for i in reservation["items"]} == dict(basket)
            confirmed.update(dict(basket))
        else:
            assert reservation["status"] == "REJECTED", "nothing may stay partially reserved"
    assert {sku: 30 - final[sku] for sku in skus} == {sku: confirmed[sku] for sku in skus}
    assert 0 < sum(status == 201 for status, _ in answers) < len(baskets)


async def test_twenty_concurrent_retries_with_one_idempotency_key_place_one_order(
    shop: Shop,
) -> None:
    sku = await shop.new_product(stock=10)
    key = str(uuid.uuid4())

    answers = await asyncio.gather(*(shop.order([(sku, 3)], key=key) for _ in range(20)))

    assert {status for status, _ in answers} == {201}
    assert len({body["orderNumber"] for _, body in answers}) == 1
    assert all(body == answers[0][1] for _, body in answers)
    assert await shop.stock(sku) == {sku: 7}
    numbers = [o["orderNumber"] for o in await shop.all_orders()]
    assert numbers.count(answers[0][1]["orderNumber"]) == 1


async def test_twenty_concurrent_guest_retries_place_one_order_and_answer_its_secret_once(
    shop: Shop,
) -> None:
    sku = await shop.new_product(stock=10)
    key = str(uuid.uuid4())

    answers = await asyncio.gather(*(shop.order([(sku, 3)], key=key, by=GUEST) for _ in range(20)))

    assert {status for status, _ in answers} == {201}
    [secret] = [body.pop("guestSecret") for _, body in answers if "guestSecret" in body]
    assert all(body == answers[0][1] for _, body in answers)
    assert await shop.stock(sku) == {sku: 7}
    number = answers[0][1]["orderNumber"]
    assert await shop.get_order(number, by={"Order-Secret": secret}) == answers[0][1]


async def test_the_same_idempotency_key_with_another_body_is_a_422_problem(shop: Shop) -> None:
    sku = await shop.new_product(stock=10)
    key = str(uuid.uuid4())
    await shop.order([(sku, 1)], key=key)

    status, body = await shop.order([(sku, 2)], key=key)

    assert status == 422
    assert body["type"].endswith("idempotency-key-reused")
    assert await shop.stock(sku) == {sku: 9}


async def test_cancelling_returns_the_stock_exactly_once(shop: Shop) -> None:
    sku = await shop.new_product(stock=5)
    _, order = await shop.order([(sku, 4)])

    answers = await asyncio.gather(*(shop.cancel(order["orderNumber"]) for _ in range(5)))

    assert {status for status, _ in answers} == {200}
    assert {body["status"] for _, body in answers} == {"CANCELLED"}
    assert await shop.stock(sku) == {sku: 5}
    assert (await shop.reservation(order["orderNumber"]) or {})["status"] == "RELEASED"


async def test_a_rejected_order_cannot_be_cancelled(shop: Shop) -> None:
    sku = await shop.new_product(stock=1)
    _, rejected = await shop.order([(sku, 2)])

    status, body = await shop.cancel(rejected["orderNumber"])

    assert status == 409
    assert body["type"].endswith("order-not-cancellable")


async def test_orders_are_listed_newest_first_with_their_status(shop: Shop) -> None:
    sku = await shop.new_product(stock=1)
    _, confirmed = await shop.order([(sku, 1)])
    _, rejected = await shop.order([(sku, 1)])

    newest = await shop.all_orders()

    numbers = [order["orderNumber"] for order in newest]
    assert numbers.index(rejected["orderNumber"]) < numbers.index(confirmed["orderNumber"])
    assert newest[numbers.index(confirmed["orderNumber"])]["status"] == "CONFIRMED"
    assert newest[numbers.index(rejected["orderNumber"])]["status"] == "REJECTED"
